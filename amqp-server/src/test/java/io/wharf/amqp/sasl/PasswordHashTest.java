package io.wharf.amqp.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordHashTest {

    /** A known-good hash of "secret", made once: each hash costs milliseconds. */
    private static final String SECRET = PasswordHash.hash("secret".toCharArray());

    @Test
    void hashHasTheDocumentedForm() {
        String[] parts = SECRET.split("\\$");
        assertEquals(4, parts.length);
        assertEquals("pbkdf2-sha256", parts[0]);
        assertEquals(String.valueOf(PasswordHash.DEFAULT_ITERATIONS), parts[1]);
        assertEquals(16, Base64.getDecoder().decode(parts[2]).length);
        assertEquals(32, Base64.getDecoder().decode(parts[3]).length);
        assertTrue(PasswordHash.isValid(SECRET));
    }

    @Test
    void theRightPasswordVerifies() {
        assertTrue(PasswordHash.verify("secret".toCharArray(), SECRET));
    }

    @Test
    void aWrongPasswordDoesNot() {
        assertFalse(PasswordHash.verify("Secret".toCharArray(), SECRET));
        assertFalse(PasswordHash.verify("secret ".toCharArray(), SECRET));
        assertFalse(PasswordHash.verify(new char[0], SECRET));
        assertFalse(PasswordHash.verify(null, SECRET));
    }

    @Test
    void eachHashHasItsOwnSalt() {
        String again = PasswordHash.hash("secret".toCharArray());
        assertNotEquals(SECRET, again);
        assertNotEquals(SECRET.split("\\$")[2], again.split("\\$")[2]);
        assertTrue(PasswordHash.verify("secret".toCharArray(), again));
    }

    @Test
    void theIterationCountTravelsInTheHash() {
        String cheap = PasswordHash.hash("secret".toCharArray(), PasswordHash.MIN_ITERATIONS);
        assertTrue(cheap.startsWith("pbkdf2-sha256$1000$"));
        assertTrue(PasswordHash.verify("secret".toCharArray(), cheap));

        String[] parts = cheap.split("\\$");
        String relabelled = parts[0] + "$2000$" + parts[2] + "$" + parts[3];
        assertTrue(PasswordHash.isValid(relabelled));
        assertFalse(PasswordHash.verify("secret".toCharArray(), relabelled));
    }

    @Test
    void unicodeAndEmptyPasswordsRoundTrip() {
        String unicode = PasswordHash.hash("pässwörd-密码".toCharArray(), PasswordHash.MIN_ITERATIONS);
        assertTrue(PasswordHash.verify("pässwörd-密码".toCharArray(), unicode));
        assertFalse(PasswordHash.verify("passwo rd-密码".toCharArray(), unicode));

        String empty = PasswordHash.hash(new char[0], PasswordHash.MIN_ITERATIONS);
        assertTrue(PasswordHash.verify(new char[0], empty));
        assertFalse(PasswordHash.verify("x".toCharArray(), empty));
    }

    @Test
    void iterationCountsOutsideTheLimitsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.hash("x".toCharArray(), PasswordHash.MIN_ITERATIONS - 1));
        assertThrows(IllegalArgumentException.class,
                () -> PasswordHash.hash("x".toCharArray(), PasswordHash.MAX_ITERATIONS + 1));
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {
            "secret",
            "pbkdf2-sha256",
            "pbkdf2-sha256$10000$AAAAAAAAAAAAAAAAAAAAAA==",
            "pbkdf2-sha1$10000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "PBKDF2-SHA256$10000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$ten$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$+10000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$-10000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$0$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$999$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$10000001$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$99999999999$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$10000$not*base64$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$10000$AAAAAAAAAAAAAAAAAAAAAA==$not*base64",
            "pbkdf2-sha256$10000$AAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            "pbkdf2-sha256$10000$AAAAAAAAAAAAAAAAAAAAAA==$AAAA",
            "pbkdf2-sha256$10000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=$",
            "$pbkdf2-sha256$10000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
    })
    void malformedHashesAreInvalidAndNeverVerify(String encoded) {
        assertFalse(PasswordHash.isValid(encoded));
        assertFalse(PasswordHash.verify("secret".toCharArray(), encoded));
    }

    @Test
    void theZeroHashIsWellFormedButMatchesNothing() {
        // Guards the malformed-input list above: it differs from this valid shape in one part each.
        String zeros = "pbkdf2-sha256$10000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
        assertTrue(PasswordHash.isValid(zeros));
        assertFalse(PasswordHash.verify("secret".toCharArray(), zeros));
    }
}
