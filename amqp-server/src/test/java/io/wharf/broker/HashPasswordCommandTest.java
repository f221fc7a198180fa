package io.wharf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.amqp.sasl.PasswordHash;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import org.junit.jupiter.api.Test;

class HashPasswordCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) {
        InputStream in = new ByteArrayInputStream(stdin.getBytes(Charset.defaultCharset()));
        return HashPasswordCommand.run(args, in, new PrintStream(out, true), new PrintStream(err, true));
    }

    @Test
    void hashesTheArgument() {
        assertEquals(0, run("", "s3cret"));
        assertTrue(PasswordHash.verify("s3cret".toCharArray(), out.toString().strip()));
    }

    @Test
    void withoutAnArgumentReadsOneLineFromStdin() {
        assertEquals(0, run("s3cret\nsecond line\n"));
        assertTrue(PasswordHash.verify("s3cret".toCharArray(), out.toString().strip()));
    }

    @Test
    void noPasswordIsAUsageError() {
        assertEquals(2, run(""));
        assertEquals(2, run("\n"));
        assertEquals("", out.toString());
        assertTrue(err.toString().contains("no password"));
    }

    @Test
    void moreThanOneArgumentIsAUsageError() {
        assertEquals(2, run("", "a", "b"));
        assertTrue(err.toString().startsWith("usage: wharf hash-password"));
    }
}
