package io.wharf.store.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A judged message is handed out from the read that judged it; anything else is read afresh. */
class DispatchReadsTest {

    /** A memory log that records every read. */
    static final class CountingLog extends ForwardingQueueLog {
        final List<Long> reads = new ArrayList<>();

        @Override
        public ByteBuffer read(long offset) {
            reads.add(offset);
            return log.read(offset);
        }
    }

    private static CountingLog logOf(String... bodies) {
        CountingLog log = new CountingLog();
        for (String body : bodies) {
            log.append(new MessageHeader(0, 0, 4, TagHash.NONE, false),
                    ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), false);
        }
        return log;
    }

    private static String text(ByteBuffer payload) {
        return StandardCharsets.UTF_8.decode(payload.duplicate()).toString();
    }

    @Test
    void theMessageJustJudgedIsHandedOutWithoutASecondRead() {
        CountingLog log = logOf("a", "b");
        DispatchReads reads = new DispatchReads(log);
        ByteBuffer judged = reads.apply(1);
        assertSame(judged, reads.take(1));
        assertEquals(List.of(1L), log.reads);
        assertEquals("b", text(judged));
    }

    @Test
    void aTakeKeepsNothing() {
        CountingLog log = logOf("a", "b");
        DispatchReads reads = new DispatchReads(log);
        ByteBuffer first = reads.apply(0);
        reads.take(0);
        assertNotSame(first, reads.take(0));
        assertEquals(List.of(0L, 0L), log.reads);
    }

    @Test
    void onlyTheLastReadIsKeptAndOnlyForItsOwnOffset() {
        CountingLog log = logOf("a", "b", "c");
        DispatchReads reads = new DispatchReads(log);
        reads.apply(0);
        reads.apply(1);
        assertEquals("a", text(reads.take(0)));
        // The take of 0 dropped what was kept for 1.
        assertEquals("b", text(reads.take(1)));
        assertEquals(List.of(0L, 1L, 0L, 1L), log.reads);
    }

    @Test
    void forgetDropsTheKeptPayload() {
        CountingLog log = logOf("a");
        DispatchReads reads = new DispatchReads(log);
        reads.apply(0);
        reads.forget();
        assertEquals("a", text(reads.take(0)));
        assertEquals(List.of(0L, 0L), log.reads);
    }

    @Test
    void aFailedReadKeepsNothingAndAStaleOneIsNotHandedOut() {
        CountingLog log = logOf("a");
        DispatchReads reads = new DispatchReads(log);
        reads.apply(0);
        assertThrows(IllegalArgumentException.class, () -> reads.apply(5));
        log.ack(0);
        // Offset 0 is gone from the log: it is read (and fails), not served from the earlier read.
        assertThrows(IllegalArgumentException.class, () -> reads.take(0));
    }
}
