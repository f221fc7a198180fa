package io.wharf.amqp.sasl;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted, deliberately slow password hashes, made and checked with the JDK alone.
 *
 * <p>Encoded form (what {@code wharf hash-password} prints and {@code auth.users[].password-hash} holds):
 * <pre>
 *   pbkdf2-sha256$&lt;iterations&gt;$&lt;base64 salt&gt;$&lt;base64 hash&gt;
 *   e.g. pbkdf2-sha256$10000$q8w1...==$Zm9v...=
 * </pre>
 * PBKDF2 with HMAC-SHA256, a 16-byte random salt per hash and a 32-byte derived key (one SHA-256 block: a longer
 * key would only cost the defender more). The iteration count travels inside the hash, so raising
 * {@link #DEFAULT_ITERATIONS} later leaves existing hashes valid.
 *
 * <p>{@link #verify} costs milliseconds of CPU on purpose. Callers (the SASL PLAIN mechanism) must run it off the
 * Netty event loops, or one client guessing passwords stalls every connection sharing its loop.
 */
public final class PasswordHash {

    /** Iterations used by {@link #hash(char[])}. */
    public static final int DEFAULT_ITERATIONS = 10_000;
    /** Fewest iterations a hash may claim; below this a hash is refused as too weak to be ours. */
    public static final int MIN_ITERATIONS = 1_000;
    /** Most iterations a hash may claim, so a hand-edited hash cannot make each login cost minutes. */
    public static final int MAX_ITERATIONS = 10_000_000;

    private static final String SCHEME = "pbkdf2-sha256";
    private static final String ALGORITHM = "PBKDF2WithHmacSHA256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {
    }

    /** Hashes {@code password} with a fresh random salt and {@link #DEFAULT_ITERATIONS}. */
    public static String hash(char[] password) {
        return hash(password, DEFAULT_ITERATIONS);
    }

    /**
     * Hashes {@code password} with a fresh random salt and the given iteration count
     * ({@link #MIN_ITERATIONS}..{@link #MAX_ITERATIONS}).
     */
    public static String hash(char[] password, int iterations) {
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            throw new IllegalArgumentException("iterations " + iterations + " not in "
                    + MIN_ITERATIONS + ".." + MAX_ITERATIONS);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] derived = derive(password, salt, iterations, HASH_BYTES);
        Base64.Encoder base64 = Base64.getEncoder();
        return SCHEME + '$' + iterations + '$' + base64.encodeToString(salt) + '$' + base64.encodeToString(derived);
    }

    /**
     * Whether {@code password} matches {@code encoded}. False, never an exception, when {@code encoded} is null or
     * malformed. Compares in constant time so response timing does not reveal how much of the hash matched.
     * CPU-heavy (milliseconds): keep it off network event loops.
     */
    public static boolean verify(char[] password, String encoded) {
        Parsed parsed = parse(encoded);
        if (parsed == null || password == null) {
            return false;
        }
        byte[] derived = derive(password, parsed.salt, parsed.iterations, parsed.hash.length);
        return MessageDigest.isEqual(derived, parsed.hash);
    }

    /** Whether {@code encoded} is a well-formed hash in the form above (says nothing about any password). */
    public static boolean isValid(String encoded) {
        return parse(encoded) != null;
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {
    }

    /** Returns null for anything that is not exactly our format, so callers have one "malformed" path. */
    private static Parsed parse(String encoded) {
        if (encoded == null) {
            return null;
        }
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4 || !parts[0].equals(SCHEME) || !isDecimal(parts[1])) {
            return null;
        }
        int iterations;
        try {
            iterations = Integer.parseInt(parts[1]);
        } catch (NumberFormatException tooLarge) {
            return null;
        }
        if (iterations < MIN_ITERATIONS || iterations > MAX_ITERATIONS) {
            return null;
        }
        byte[] salt;
        byte[] hash;
        try {
            salt = Base64.getDecoder().decode(parts[2]);
            hash = Base64.getDecoder().decode(parts[3]);
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
        if (salt.length != SALT_BYTES || hash.length != HASH_BYTES) {
            return null;
        }
        return new Parsed(iterations, salt, hash);
    }

    /** Digits only: Integer.parseInt alone would also take "+10000" or "-0", which no hash of ours contains. */
    private static boolean isDecimal(String text) {
        if (text.isEmpty() || text.length() > 10) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static byte[] derive(char[] password, byte[] salt, int iterations, int lengthBytes) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, lengthBytes * 8);
        try {
            return SecretKeyFactory.getInstance(ALGORITHM).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            // SunJCE has provided PBKDF2WithHmacSHA256 since Java 8; only a stripped-down runtime lacks it.
            throw new IllegalStateException(ALGORITHM + " unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }
}
