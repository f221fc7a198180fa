package io.wharf.store.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link QueueLog} must do, whatever keeps the bytes. Extend it with the implementation to test
 * (a memory log, the file log) as {@code <Implementation>ContractTest}.
 */
@Timeout(30)
public abstract class QueueLogContract {

    protected QueueLog log;

    /** A fresh, empty log. */
    protected abstract QueueLog newLog() throws Exception;

    /** Releases what {@link #newLog} set up, after the log is closed. */
    protected void release() throws Exception {
    }

    @BeforeEach
    void open() throws Exception {
        log = newLog();
    }

    @AfterEach
    void closeLog() throws Exception {
        log.close().get(10, TimeUnit.SECONDS);
        release();
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Test
    void offsetsGrowByOnePerRecord() throws Exception {
        long first = log.append(MessageHeader.of(true), bytes("a"), true).get(10, TimeUnit.SECONDS);
        for (int i = 1; i < 10; i++) {
            assertEquals(first + i, log.append(MessageHeader.of(i % 2 == 0), bytes("m" + i), i % 3 == 0)
                    .get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void readReturnsThePayloadReadOnly() throws Exception {
        List<CompletableFuture<Long>> offsets = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            offsets.add(log.append(MessageHeader.of(true), bytes("message " + i), false));
        }
        for (int i = 0; i < 20; i++) {
            ByteBuffer payload = log.read(offsets.get(i).get(10, TimeUnit.SECONDS));
            assertEquals("message " + i, text(payload));
            assertTrue(payload.isReadOnly());
        }
    }

    @Test
    void ackedRecordsDoNotDisturbTheOthers() throws Exception {
        long a = log.append(MessageHeader.of(true), bytes("a"), true).get(10, TimeUnit.SECONDS);
        long b = log.append(MessageHeader.of(true), bytes("b"), true).get(10, TimeUnit.SECONDS);
        long c = log.append(MessageHeader.of(true), bytes("c"), true).get(10, TimeUnit.SECONDS);
        log.ack(b);
        log.ack(b); // twice: ignored
        assertEquals("a", text(log.read(a)));
        assertEquals("c", text(log.read(c)));
    }

    @Test
    void theCallersBufferIsLeftAsItWas() throws Exception {
        ByteBuffer payload = bytes("unchanged");
        long offset = log.append(MessageHeader.of(false), payload, false).get(10, TimeUnit.SECONDS);
        assertEquals(0, payload.position());
        assertEquals("unchanged", text(payload));
        assertEquals("unchanged", text(log.read(offset)));
    }

    @Test
    void appendAfterCloseFails() throws Exception {
        log.close().get(10, TimeUnit.SECONDS);
        CompletableFuture<Long> late = log.append(MessageHeader.of(true), bytes("late"), true);
        assertThrows(Exception.class, () -> late.get(10, TimeUnit.SECONDS));
    }
}
