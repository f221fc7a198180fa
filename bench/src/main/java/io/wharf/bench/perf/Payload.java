package io.wharf.bench.perf;

import java.util.Random;

/**
 * Message bodies: {@code size} bytes whose first 8 hold the send time ({@link System#nanoTime()}, big-endian,
 * the intended time in open loop); the rest is the same pseudo-random filler for every broker and run, so both
 * brokers see identical bytes apart from the time.
 */
final class Payload {

    static final int STAMP_BYTES = 8;

    private Payload() {
    }

    /** A fresh body template of {@code size} bytes (at least {@value #STAMP_BYTES}). */
    static byte[] template(int size) {
        if (size < STAMP_BYTES) {
            throw new IllegalArgumentException("message size " + size + " is below " + STAMP_BYTES + " bytes");
        }
        byte[] body = new byte[size];
        new Random(4).nextBytes(body);
        return body;
    }

    static void stamp(byte[] bytes, int offset, long nanos) {
        for (int i = STAMP_BYTES - 1; i >= 0; i--) {
            bytes[offset + i] = (byte) nanos;
            nanos >>>= 8;
        }
    }

    static long stampOf(byte[] bytes, int offset) {
        long nanos = 0;
        for (int i = 0; i < STAMP_BYTES; i++) {
            nanos = nanos << 8 | (bytes[offset + i] & 0xFF);
        }
        return nanos;
    }
}
