package io.wharf.store.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wharf.store.queue.MessageHeader;
import java.nio.ByteBuffer;

/** Deterministic payloads and headers for the log tests. */
final class TestRecords {

    private TestRecords() {
    }

    /** {@code size} bytes derived from {@code i}, never all zero. */
    static ByteBuffer payload(long i, int size) {
        ByteBuffer buf = ByteBuffer.allocate(size);
        for (int j = 0; j < size; j++) {
            buf.put((byte) (31 * i + 7 * j + 1));
        }
        return buf.flip();
    }

    static MessageHeader header(long i) {
        return new MessageHeader(1_000 + i, 2_000 + i, (int) (i % 10), (int) (i * 7919), i % 2 == 0);
    }

    static void assertPayload(long i, int size, ByteBuffer actual) {
        assertEquals(payload(i, size), actual, "payload of record " + i);
    }
}
