package io.wharf.store.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.store.log.FsyncPolicy;
import io.wharf.store.log.LogConfig;
import io.wharf.store.log.LogWriter;
import io.wharf.store.log.SegmentedLog;
import io.wharf.store.queue.ConsumerOptions;
import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.Outcome;
import io.wharf.store.queue.QueueConsumer;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueDelivery;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class StreamQueueTest {

    @TempDir
    Path dir;
    LogWriter writer;
    ExecutorService executor;
    ScheduledExecutorService timer;
    SegmentedLog log;
    StreamQueue stream;

    @BeforeEach
    void open() {
        writer = LogWriter.start(FsyncPolicy.NEVER);
        executor = Executors.newSingleThreadExecutor();
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void close() throws Exception {
        if (stream != null) {
            stream.close().get(5, TimeUnit.SECONDS);
        }
        writer.close();
        executor.shutdownNow();
        timer.shutdownNow();
    }

    private StreamQueue open(int segmentSizeBytes, Map<String, Object> arguments) {
        return open(segmentSizeBytes, arguments, StreamOffsetStore.NONE);
    }

    private StreamQueue open(int segmentSizeBytes, Map<String, Object> arguments, StreamOffsetStore offsets) {
        stream = new StreamQueue(new QueueDefinition("/", "s", "stream", true, false, false, arguments), () -> {
            log = SegmentedLog.open(dir, LogConfig.defaults().withSegmentSizeBytes(segmentSizeBytes), writer);
            return log;
        }, executor, timer, offsets);
        return stream;
    }

    private void publish(int from, int to, int sizeBytes) throws Exception {
        for (int i = from; i < to; i++) {
            byte[] body = new byte[sizeBytes];
            byte[] text = ("m" + i).getBytes(StandardCharsets.UTF_8);
            System.arraycopy(text, 0, body, 0, text.length);
            stream.enqueue(MessageHeader.of(true), ByteBuffer.wrap(body)).get(5, TimeUnit.SECONDS);
        }
    }

    /** Records the offsets it is given. */
    private static final class Recorder implements QueueConsumer {
        final BlockingQueue<QueueDelivery> deliveries = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> drained = new LinkedBlockingQueue<>();

        @Override
        public void deliver(QueueDelivery delivery) {
            deliveries.add(delivery);
        }

        @Override
        public void drained(int unusedCredit) {
            drained.add(unusedCredit);
        }

        List<Long> take(int count) throws InterruptedException {
            List<Long> offsets = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                QueueDelivery d = deliveries.poll(5, TimeUnit.SECONDS);
                if (d == null) {
                    break;
                }
                assertEquals(d.messageId(), d.annotations().get(StreamQueue.OFFSET_ANNOTATION));
                offsets.add(d.messageId());
            }
            return offsets;
        }

        /** Nothing more arrives: a drain answers after everything deliverable went out. */
        void assertNothingMore(StreamQueue stream) throws InterruptedException {
            stream.drain(this);
            assertTrue(drained.poll(5, TimeUnit.SECONDS) != null);
            assertNull(deliveries.poll(), "no delivery expected");
        }
    }

    @Test
    void consumersReadFromTheirOwnPositionsWithinCreditAndNothingIsRemoved() throws Exception {
        open(1 << 20, Map.of());
        publish(0, 5, 10);
        Recorder fromFirst = new Recorder();
        stream.addConsumer(fromFirst, new ConsumerOptions(0, false, StreamOffset.FIRST));
        stream.addCredit(fromFirst, 3);
        assertEquals(List.of(0L, 1L, 2L), fromFirst.take(3));
        stream.settle(fromFirst, 0, Outcome.ACCEPTED);

        Recorder fromTwo = new Recorder();
        stream.addConsumer(fromTwo, new ConsumerOptions(0, false, StreamOffset.offset(2)));
        stream.addCredit(fromTwo, 100);
        assertEquals(List.of(2L, 3L, 4L), fromTwo.take(3));

        Recorder last = new Recorder();
        stream.addConsumer(last, new ConsumerOptions(0, false, StreamOffset.LAST));
        stream.addCredit(last, 100);
        assertEquals(List.of(4L), last.take(1));

        Recorder next = new Recorder();
        stream.addConsumer(next, ConsumerOptions.DEFAULT);
        stream.addCredit(next, 100);
        next.assertNothingMore(stream);
        stream.addCredit(next, 100);

        stream.addCredit(fromFirst, 10);
        assertEquals(List.of(3L, 4L), fromFirst.take(2));
        // caught up: new messages are pushed
        publish(5, 7, 10);
        assertEquals(List.of(5L, 6L), fromFirst.take(2));
        assertEquals(List.of(5L, 6L), fromTwo.take(2));
        assertEquals(List.of(5L, 6L), next.take(2));
        assertEquals(7, stream.messageCount());
    }

    /** An offset store in memory that records what it was given. */
    private static final class MemoryOffsets implements StreamOffsetStore {
        final Map<String, Long> stored = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public Map<String, Long> load() {
            return Map.copyOf(stored);
        }

        @Override
        public void store(Map<String, Long> offsets) {
            stored.putAll(offsets);
        }
    }

    @Test
    void aNamedConsumerResumesAfterItsLastSettledOffset() throws Exception {
        MemoryOffsets offsets = new MemoryOffsets();
        open(1 << 20, Map.of(), offsets);
        publish(0, 10, 10);
        Recorder first = new Recorder();
        stream.addConsumer(first, new ConsumerOptions(0, false, StreamOffset.FIRST, "reader"));
        stream.addCredit(first, 10);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), first.take(10));
        stream.settle(first, 2, Outcome.ACCEPTED);
        stream.settle(first, 4, Outcome.REJECTED); // any outcome counts as settled
        stream.settle(first, 3, Outcome.ACCEPTED); // lower: the highest stays
        stream.settle(first, 5, Outcome.UNSENT); // not settled: it was never sent
        stream.removeConsumer(first);
        stream.range().get(5, TimeUnit.SECONDS); // after the removal ran
        assertEquals(Map.of("reader", 4L), offsets.stored);

        Recorder again = new Recorder();
        stream.addConsumer(again, new ConsumerOptions(0, false, StreamOffset.FIRST, "reader"));
        stream.addCredit(again, 2);
        assertEquals(List.of(5L, 6L), again.take(2));

        // a stream opened again (a restart) loads the stored offset
        stream.close().get(5, TimeUnit.SECONDS);
        open(1 << 20, Map.of(), offsets);
        Recorder afterRestart = new Recorder();
        stream.addConsumer(afterRestart, new ConsumerOptions(0, false, StreamOffset.NEXT, "reader"));
        stream.addCredit(afterRestart, 1);
        assertEquals(List.of(5L), afterRestart.take(1));
    }

    @Test
    void aDamagedRecordIsSkippedAndReadingGoesOn() throws Exception {
        open(1 << 20, Map.of());
        publish(0, 3, 10);
        Path segment = dir.resolve("00000000000000000000.log");
        byte[] bytes = java.nio.file.Files.readAllBytes(segment);
        int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("m1");
        assertTrue(at > 0);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(segment,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(new byte[] {'X'}), at);
        }
        Recorder consumer = new Recorder();
        stream.addConsumer(consumer, new ConsumerOptions(0, false, StreamOffset.FIRST));
        stream.addCredit(consumer, 10);
        assertEquals(List.of(0L, 2L), consumer.take(2));
        consumer.assertNothingMore(stream);
    }

    @Test
    void anUnsentDeliveryGoesOutAgain() throws Exception {
        open(1 << 20, Map.of());
        publish(0, 3, 10);
        Recorder consumer = new Recorder();
        stream.addConsumer(consumer, new ConsumerOptions(0, false, StreamOffset.FIRST));
        stream.addCredit(consumer, 3);
        assertEquals(List.of(0L, 1L, 2L), consumer.take(3));
        stream.settle(consumer, 1, Outcome.UNSENT);
        stream.settle(consumer, 2, Outcome.UNSENT);
        stream.addCredit(consumer, 2);
        assertEquals(List.of(1L, 2L), consumer.take(2));
    }

    @Test
    void timestampStartsAtTheFirstMessageStoredAtOrAfterIt() throws Exception {
        open(4096, Map.of());
        // three groups of messages over several segments, each group stored after the clock moved on
        long[] marks = new long[3];
        int[] firsts = {0, 7, 20};
        int[] ends = {7, 20, 23};
        for (int g = 0; g < 3; g++) {
            marks[g] = System.currentTimeMillis() + 1;
            while (System.currentTimeMillis() < marks[g] + 1) {
                Thread.onSpinWait();
            }
            publish(firsts[g], ends[g], 1000);
        }
        for (int g = 0; g < 3; g++) {
            Recorder consumer = new Recorder();
            stream.addConsumer(consumer, new ConsumerOptions(0, false, StreamOffset.timestamp(marks[g])));
            stream.addCredit(consumer, 1);
            assertEquals(List.of((long) firsts[g]), consumer.take(1), "group " + g);
        }
        Recorder future = new Recorder();
        stream.addConsumer(future, new ConsumerOptions(0, false,
                StreamOffset.timestamp(System.currentTimeMillis() + 60_000)));
        stream.addCredit(future, 10);
        future.assertNothingMore(stream);
        Recorder past = new Recorder();
        stream.addConsumer(past, new ConsumerOptions(0, false, StreamOffset.timestamp(0)));
        stream.addCredit(past, 1);
        assertEquals(List.of(0L), past.take(1));
    }

    @Test
    void retentionDeletesWholeOldSegmentsAndConsumersContinueFromTheNewStart() throws Exception {
        open(4096, Map.of());
        publish(0, 40, 1000); // about 3 records per 4 KB segment
        Recorder slow = new Recorder();
        stream.addConsumer(slow, new ConsumerOptions(0, false, StreamOffset.FIRST));
        stream.addCredit(slow, 1);
        assertEquals(List.of(0L), slow.take(1));

        int deleted = log.deleteForRetention(10_000, -1, System.currentTimeMillis()).get(5, TimeUnit.SECONDS);
        assertTrue(deleted > 0);
        long start = log.startOffset();
        assertTrue(start > 1 && start < 40, "start " + start);
        long retainedBytes = 0;
        for (java.nio.file.Path p : java.nio.file.Files.newDirectoryStream(dir, "*.log")) {
            retainedBytes += java.nio.file.Files.size(p);
        }
        assertTrue(retainedBytes <= 10_000 + 4096 * 2, "retained " + retainedBytes);

        stream.addCredit(slow, 100);
        List<Long> rest = slow.take((int) (40 - start));
        List<Long> expected = new ArrayList<>();
        for (long o = start; o < 40; o++) {
            expected.add(o);
        }
        assertEquals(expected, rest);
        assertEquals(40 - start, stream.messageCount());
    }

    @Test
    void ageRetentionKeepsSegmentsYoungerThanTheLimit() throws Exception {
        open(4096, Map.of());
        publish(0, 20, 1000);
        assertEquals(0, log.deleteForRetention(-1, 60_000, System.currentTimeMillis()).get(5, TimeUnit.SECONDS));
        int deleted = log.deleteForRetention(-1, 60_000, System.currentTimeMillis() + 120_000)
                .get(5, TimeUnit.SECONDS);
        assertTrue(deleted > 0);
        assertEquals(log.startOffset(), 20 - stream.messageCount());
    }
}
