package io.wharf.store.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.store.log.FileQueueLog;
import io.wharf.store.log.FsyncPolicy;
import io.wharf.store.log.LogConfig;
import io.wharf.store.log.LogWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A classic queue's scheduled messages on the write-ahead log: held out of the ready set, rebuilt from record
 * headers at open (the overdue ones released at once), listed, cancelled by message-id. The payload of each test
 * message is its message-id (see {@link #IDS}). Due times are hours away or already past, so nothing waits.
 */
@Timeout(30)
class ScheduledClassicQueueTest {

    private static final MessageIds IDS = payload -> StandardCharsets.UTF_8.decode(payload.duplicate()).toString();
    private static final long HOUR_MS = 3_600_000;

    @TempDir
    Path dir;
    private LogWriter writer;
    private ExecutorService executor;
    private ScheduledExecutorService timer;
    private ClassicQueue queue;

    @BeforeEach
    void setUp() {
        writer = LogWriter.start(FsyncPolicy.BATCH);
        executor = Executors.newSingleThreadExecutor();
        timer = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (queue != null) {
            queue.close().get(5, TimeUnit.SECONDS);
        }
        executor.shutdownNow();
        timer.shutdownNow();
        writer.close();
    }

    private ClassicQueue open() {
        queue = new ClassicQueue(QueueDefinition.durableClassic("/", "q"),
                () -> FileQueueLog.open(dir.resolve("q"), LogConfig.defaults(), writer), executor, timer,
                DeadLetters.DROP, () -> { }, IDS);
        return queue;
    }

    private void reopen() throws Exception {
        queue.close().get(5, TimeUnit.SECONDS);
        open();
    }

    private static MessageHeader at(long deliveryTimeMs) {
        return new MessageHeader(0, deliveryTimeMs, MessageHeader.DEFAULT_PRIORITY, 0, true);
    }

    private void publish(String id, long deliveryTimeMs) throws Exception {
        queue.enqueue(at(deliveryTimeMs), ByteBuffer.wrap(id.getBytes(StandardCharsets.UTF_8)))
                .get(5, TimeUnit.SECONDS);
    }

    private void idle() throws Exception {
        executor.submit(() -> { }).get(5, TimeUnit.SECONDS);
    }

    private List<String> drain() throws Exception {
        List<String> bodies = new ArrayList<>();
        QueueConsumer consumer = new QueueConsumer() {
            @Override
            public void deliver(QueueDelivery delivery) {
                bodies.add(StandardCharsets.UTF_8.decode(delivery.payload()).toString());
                queue.settle(this, delivery.messageId(), Outcome.ACCEPTED);
            }

            @Override
            public void drained(int unusedCredit) {
            }
        };
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 1_000);
        idle();
        idle();
        queue.removeConsumer(consumer);
        idle();
        return bodies;
    }

    private List<Object> ids(List<ScheduledMessage> page) {
        return page.stream().map(m -> (Object) m.messageId()).toList();
    }

    @Test
    void scheduledMessagesWaitOutsideTheQueueAndSurviveAReopen() throws Exception {
        long now = System.currentTimeMillis();
        open();
        publish("now", 0);
        publish("c", now + 3 * HOUR_MS);
        publish("a", now + HOUR_MS);
        publish("b", now + 2 * HOUR_MS);
        idle();
        assertEquals(1, queue.messageCount());
        assertEquals(3, queue.scheduledCount());
        assertEquals(List.of("now"), drain());

        reopen();
        idle();
        assertEquals(0, queue.messageCount());
        assertEquals(3, queue.scheduledCount());
        assertEquals(List.of("a", "b"), ids(queue.scheduled(Scheduling.Position.START, 2).get(5, TimeUnit.SECONDS)));
        List<ScheduledMessage> all = queue.scheduled(Scheduling.Position.START, 10).get(5, TimeUnit.SECONDS);
        assertEquals(List.of("c"), ids(queue.scheduled(Scheduling.Position.of(all.get(1)), 10)
                .get(5, TimeUnit.SECONDS)));
        assertEquals(now + HOUR_MS, all.get(0).dueMs());
        assertTrue(drain().isEmpty(), "nothing is due");
    }

    @Test
    void cancellingByMessageIdRemovesItForGoodAlsoAfterAReopen() throws Exception {
        long now = System.currentTimeMillis();
        open();
        publish("keep", now + HOUR_MS);
        publish("drop", now + HOUR_MS);
        publish("drop", now + 2 * HOUR_MS); // the same id twice: both go
        assertEquals(2, queue.cancelScheduled("drop").get(5, TimeUnit.SECONDS));
        assertEquals(0, queue.cancelScheduled("drop").get(5, TimeUnit.SECONDS));
        assertEquals(1, queue.scheduledCount());

        reopen();
        idle();
        assertEquals(1, queue.scheduledCount());
        // Recovered entries have no id hash yet: the first cancel computes them from the payloads.
        assertEquals(0, queue.cancelScheduled("drop").get(5, TimeUnit.SECONDS));
        assertEquals(1, queue.cancelScheduled("keep").get(5, TimeUnit.SECONDS));
        reopen();
        idle();
        assertEquals(0, queue.scheduledCount());
        assertEquals(0, queue.messageCount());
    }

    @Test
    void messagesThatFellDueWhileClosedAreReleasedAtOnceInDueOrder() throws Exception {
        long now = System.currentTimeMillis();
        // Written as a broker that was stopped before these fell due would have left them.
        FileQueueLog log = FileQueueLog.open(dir.resolve("q"), LogConfig.defaults(), writer);
        for (String[] m : new String[][] {{"third", "-1000"}, {"first", "-3000"}, {"later", "3600000"},
                {"second", "-2000"}}) {
            log.append(at(now + Long.parseLong(m[1])), ByteBuffer.wrap(m[0].getBytes(StandardCharsets.UTF_8)), true)
                    .get(5, TimeUnit.SECONDS);
        }
        log.close().get(5, TimeUnit.SECONDS);

        open();
        // The timer fires at once for the overdue ones and posts their release back to the queue's thread.
        for (int i = 0; i < 1_000 && queue.scheduledCount() != 1; i++) {
            idle();
        }
        assertEquals(1, queue.scheduledCount());
        assertEquals(List.of("first", "second", "third"), drain());
    }
}
