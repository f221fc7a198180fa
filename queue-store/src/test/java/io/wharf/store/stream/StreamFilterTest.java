package io.wharf.store.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.store.log.FsyncPolicy;
import io.wharf.store.log.LogConfig;
import io.wharf.store.log.LogWriter;
import io.wharf.store.log.SegmentedLog;
import io.wharf.store.queue.ConsumerFilter;
import io.wharf.store.queue.ConsumerOptions;
import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.QueueConsumer;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueDelivery;
import io.wharf.store.queue.TagHash;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Filtered readers of a stream: only matching messages, in order, and payloads with other tags never read. */
@Timeout(60)
class StreamFilterTest {

    @TempDir
    Path dir;
    private final LogWriter writer = LogWriter.start(FsyncPolicy.NEVER);
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private StreamQueue stream;

    @AfterEach
    void close() throws Exception {
        stream.close().get(5, TimeUnit.SECONDS);
        writer.close();
        executor.shutdownNow();
        timer.shutdownNow();
    }

    private void open() {
        stream = new StreamQueue(new QueueDefinition("/", "s", "stream", true, false, false, Map.of()),
                () -> SegmentedLog.open(dir, new LogConfig(32 * 1024, 1024), writer), executor, timer,
                StreamOffsetStore.NONE);
    }

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
    }

    /** Accepts body text starting with {@code tag:}; counts payload reads. */
    private static final class Tagged implements ConsumerFilter {
        final String tag;
        final AtomicInteger reads = new AtomicInteger();

        Tagged(String tag) {
            this.tag = tag;
        }

        @Override
        public int[] tagHashes() {
            return new int[] {TagHash.of(tag)};
        }

        @Override
        public boolean matches(ByteBuffer payload) {
            reads.incrementAndGet();
            return StandardCharsets.UTF_8.decode(payload).toString().startsWith(tag + ":");
        }
    }

    @Test
    void aTagFilterReadsOnlyTheTaggedMessages() throws Exception {
        open();
        List<Long> rare = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            boolean isRare = i % 101 == 5;
            String body = (isRare ? "rare:" : "common:") + i + "-" + "x".repeat(60);
            if (isRare) {
                rare.add((long) i);
            }
            stream.enqueue(new MessageHeader(0, 0, 4, TagHash.of(isRare ? "rare" : "common"), false),
                    ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS);
        }
        Tagged filter = new Tagged("rare");
        Recorder reader = new Recorder();
        stream.addConsumer(reader, new ConsumerOptions(0, false, StreamOffset.FIRST).withFilter(filter));
        stream.addCredit(reader, 1000);
        stream.drain(reader);
        assertTrue(reader.drained.poll(10, TimeUnit.SECONDS) != null);
        List<Long> got = new ArrayList<>();
        for (QueueDelivery d : reader.deliveries) {
            got.add(d.messageId());
        }
        assertEquals(rare, got);
        assertEquals(rare.size(), filter.reads.get(), "no payload with another tag was read");
    }

    @Test
    void aFilteredReaderAtTheEndGetsNewMatchingMessagesOnly() throws Exception {
        open();
        Recorder reader = new Recorder();
        stream.addConsumer(reader, new ConsumerOptions(0, false, StreamOffset.NEXT).withFilter(new Tagged("a")));
        stream.addCredit(reader, 10);
        for (String body : List.of("a:1", "b:2", "a:3")) {
            String tag = body.substring(0, 1);
            stream.enqueue(new MessageHeader(0, 0, 4, TagHash.of(tag), false),
                    ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS);
        }
        assertEquals(0L, reader.deliveries.poll(5, TimeUnit.SECONDS).messageId());
        assertEquals(2L, reader.deliveries.poll(5, TimeUnit.SECONDS).messageId());
    }
}
