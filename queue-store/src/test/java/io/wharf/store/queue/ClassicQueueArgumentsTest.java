package io.wharf.store.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the queue arguments and consumer options do (in-memory log; timers run for real, waited on with Awaitility). */
@Timeout(30)
class ClassicQueueArgumentsTest {

    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<String> deadLettered = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean expiredQueue = new AtomicBoolean();
    private ClassicQueue queue;

    private ClassicQueue queue(Map<String, Object> arguments) {
        return queue(arguments, MemoryQueueLog::new);
    }

    private ClassicQueue queue(Map<String, Object> arguments, java.util.concurrent.Callable<QueueLog> log) {
        DeadLetters recording = (q, payload, reason, count) ->
                deadLettered.add(text(payload) + ":" + reason.wireName() + ":" + count);
        queue = new ClassicQueue(new QueueDefinition("/", "q", "classic", true, false, false, arguments),
                log, executor, timer, recording, () -> expiredQueue.set(true));
        return queue;
    }

    @AfterEach
    void tearDown() throws Exception {
        if (queue != null) {
            queue.close().get(5, TimeUnit.SECONDS);
        }
        executor.shutdownNow();
        timer.shutdownNow();
    }

    @Test
    void higherPriorityConsumersGoFirst() throws Exception {
        queue(Map.of());
        Recorder low = new Recorder();
        Recorder high = new Recorder();
        queue.addConsumer(low, new ConsumerOptions(0, false));
        queue.addConsumer(high, new ConsumerOptions(10, false));
        queue.addCredit(low, 10);
        queue.addCredit(high, 2);
        publish("1", "2", "3", "4");
        assertEquals(List.of("1", "2"), high.bodies());
        assertEquals(List.of("3", "4"), low.bodies());
    }

    @Test
    void singleActiveConsumerFailsOverInOrder() throws Exception {
        queue(Map.of("x-single-active-consumer", true));
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        queue.addConsumer(first);
        queue.addConsumer(second);
        queue.addCredit(second, 10);
        queue.addCredit(first, 1);
        publish("a", "b");
        assertEquals(List.of("a"), first.bodies());
        assertEquals(List.of(), second.bodies(), "only the active consumer gets messages");
        queue.removeConsumer(first);
        idle();
        assertEquals(List.of("a", "b"), second.bodies(), "the next consumer takes over, with a released first");
    }

    @Test
    void browserSeesWithoutTaking() throws Exception {
        queue(Map.of());
        publish("a", "b", "c");
        Recorder browser = new Recorder();
        queue.addConsumer(browser, new ConsumerOptions(0, true));
        queue.addCredit(browser, 10);
        idle();
        assertEquals(List.of("a", "b", "c"), browser.bodies());
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 10);
        idle();
        assertEquals(List.of("a", "b", "c"), consumer.bodies());
        assertEquals(0, queue.consumerCount() - 1, "a browser is not counted as a consumer");
    }

    @Test
    void messageTtlExpiresWithoutDelivery() throws Exception {
        queue(Map.of("x-message-ttl", 100L, "x-dead-letter-exchange", "dlx"));
        publish("old");
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> queue.messageCount() == 0);
        assertEquals(List.of("old:expired:0"), deadLettered);
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 1);
        idle();
        assertEquals(List.of(), consumer.bodies());
    }

    @Test
    void perMessageExpiryRemovesFromTheMiddle() throws Exception {
        queue(Map.of());
        long soon = System.currentTimeMillis() + 100;
        enqueue("keep1", new MessageHeader(0, 0, 4, 0, true));
        enqueue("short", new MessageHeader(soon, 0, 4, 0, true));
        enqueue("keep2", new MessageHeader(0, 0, 4, 0, true));
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> queue.messageCount() == 2);
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 5);
        idle();
        assertEquals(List.of("keep1", "keep2"), consumer.bodies());
    }

    @Test
    void maxLengthDropsTheHead() throws Exception {
        queue(Map.of("x-max-length", 2L, "x-dead-letter-exchange", "dlx"));
        publish("1", "2", "3");
        assertEquals(2, queue.messageCount());
        assertEquals(List.of("1:maxlen:0"), deadLettered);
    }

    @Test
    void maxLengthBytesDropsTheHead() throws Exception {
        queue(Map.of("x-max-length-bytes", 10L));
        publish("aaaa", "bbbb", "cccc");
        assertEquals(2, queue.messageCount());
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 5);
        idle();
        assertEquals(List.of("bbbb", "cccc"), consumer.bodies());
    }

    @Test
    void rejectPublishRefusesAndReportsFull() throws Exception {
        queue(Map.of("x-max-length", 1L, "x-overflow", "reject-publish"));
        publish("1");
        assertTrue(queue.full());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> enqueue("2", MessageHeader.of(true)).get(5, TimeUnit.SECONDS));
        assertInstanceOf(QueueFullException.class, e.getCause());
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 5);
        idle();
        queue.settle(consumer, consumer.deliveries.get(0).messageId(), Outcome.ACCEPTED);
        idle();
        assertFalse(queue.full());
    }

    /** Uncommitted transactional messages hold their place: a transaction cannot commit a queue past its limit. */
    @Test
    void preparedMessagesCountAgainstTheLimitUntilCommittedOrAborted() throws Exception {
        queue(Map.of("x-max-length", 2L, "x-overflow", "reject-publish"));
        long first = queue.prepare(MessageHeader.of(true), ByteBuffer.wrap("p1".getBytes(StandardCharsets.UTF_8)))
                .get(5, TimeUnit.SECONDS);
        long second = queue.prepare(MessageHeader.of(true), ByteBuffer.wrap("p2".getBytes(StandardCharsets.UTF_8)))
                .get(5, TimeUnit.SECONDS);
        idle();
        assertEquals(0, queue.messageCount(), "prepared messages are not visible");
        assertTrue(queue.full(), "two held of two");
        ExecutionException third = assertThrows(ExecutionException.class, () -> queue.prepare(MessageHeader.of(true),
                ByteBuffer.wrap("p3".getBytes(StandardCharsets.UTF_8))).get(5, TimeUnit.SECONDS));
        assertInstanceOf(QueueFullException.class, third.getCause());
        ExecutionException plain = assertThrows(ExecutionException.class,
                () -> enqueue("plain", MessageHeader.of(true)).get(5, TimeUnit.SECONDS));
        assertInstanceOf(QueueFullException.class, plain.getCause());
        // One aborts: its place is free again; the other commits and becomes visible.
        queue.abortPrepared(new long[] {second});
        idle();
        assertFalse(queue.full());
        enqueue("after-abort", MessageHeader.of(true)).get(5, TimeUnit.SECONDS);
        queue.commitPrepared(new long[] {first}).get(5, TimeUnit.SECONDS);
        idle();
        assertEquals(2, queue.messageCount());
        assertTrue(queue.full());
    }

    @Test
    void rejectPublishCountsBytesStillBeingStored() throws Exception {
        // Appends that have not completed yet (a forced write in progress) count against the byte limit too.
        HeldAppendsLog log = new HeldAppendsLog();
        queue(Map.of("x-max-length-bytes", 10L, "x-overflow", "reject-publish"), () -> log);
        CompletableFuture<Void> first = enqueue("aaaa", MessageHeader.of(true));
        CompletableFuture<Void> second = enqueue("bbbb", MessageHeader.of(true));
        CompletableFuture<Void> third = enqueue("cccc", MessageHeader.of(true));
        ExecutionException e = assertThrows(ExecutionException.class, () -> third.get(5, TimeUnit.SECONDS));
        assertInstanceOf(QueueFullException.class, e.getCause());
        assertFalse(first.isDone(), "the first append should still be held");
        log.completeAll();
        first.get(5, TimeUnit.SECONDS);
        second.get(5, TimeUnit.SECONDS);
        idle();
        assertEquals(2, queue.messageCount());
    }

    /** An in-memory log whose appends complete only when the test says so. Used on the queue's thread only. */
    private static final class HeldAppendsLog extends ForwardingQueueLog {
        private final List<Runnable> held = Collections.synchronizedList(new ArrayList<>());

        @Override
        public CompletableFuture<Long> append(MessageHeader header, ByteBuffer payload, boolean force) {
            CompletableFuture<Long> stored = log.append(header, payload, force);
            CompletableFuture<Long> later = new CompletableFuture<>();
            held.add(() -> stored.whenComplete((offset, error) -> later.complete(offset)));
            return later;
        }

        void completeAll() {
            List<Runnable> now;
            synchronized (held) {
                now = List.copyOf(held);
                held.clear();
            }
            now.forEach(Runnable::run);
        }
    }

    @Test
    void rejectPublishDlxDeadLettersTheRefused() throws Exception {
        queue(Map.of("x-max-length", 1L, "x-overflow", "reject-publish-dlx", "x-dead-letter-exchange", "dlx"));
        publish("1");
        assertThrows(ExecutionException.class, () -> enqueue("2", MessageHeader.of(true)).get(5, TimeUnit.SECONDS));
        assertEquals(List.of("2:maxlen:0"), deadLettered);
    }

    @Test
    void priorityQueueDeliversHighestFirst() throws Exception {
        queue(Map.of("x-max-priority", 5L));
        enqueue("p1", new MessageHeader(0, 0, 1, 0, true));
        enqueue("p9", new MessageHeader(0, 0, 9, 0, true));
        enqueue("p4", new MessageHeader(0, 0, 4, 0, true));
        enqueue("p4b", new MessageHeader(0, 0, 4, 0, true)).get(5, TimeUnit.SECONDS);
        idle();
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 5);
        idle();
        assertEquals(List.of("p9", "p4", "p4b", "p1"), consumer.bodies());
    }

    @Test
    void deliveryLimitDeadLetters() throws Exception {
        queue(Map.of("x-delivery-limit", 1L, "x-dead-letter-exchange", "dlx"));
        publish("m");
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 5);
        idle();
        queue.settle(consumer, consumer.deliveries.get(0).messageId(), Outcome.MODIFIED_FAILED);
        idle();
        assertEquals(1, consumer.deliveries.get(1).deliveryCount());
        queue.settle(consumer, consumer.deliveries.get(1).messageId(), Outcome.MODIFIED_FAILED);
        idle();
        assertEquals(2, consumer.deliveries.size());
        assertEquals(List.of("m:delivery_limit:2"), deadLettered);
        assertEquals(0, queue.messageCount());
    }

    @Test
    void rejectedIsDeadLettered() throws Exception {
        queue(Map.of("x-dead-letter-exchange", "dlx"));
        publish("r");
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 5);
        idle();
        queue.settle(consumer, consumer.deliveries.get(0).messageId(), Outcome.REJECTED);
        idle();
        assertEquals(List.of("r:rejected:0"), deadLettered);
    }

    @Test
    void modifiedWithDeliveryTimeWaitsAndMergesAnnotations() throws Exception {
        queue(Map.of());
        publish("later", "now");
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 1);
        idle();
        long due = System.currentTimeMillis() + 300;
        queue.settle(consumer, consumer.deliveries.get(0).messageId(), Outcome.MODIFIED_FAILED,
                Map.of("x-opt-delivery-time", due, "x-reason", "retry", "not-x", "ignored"));
        queue.addCredit(consumer, 5);
        idle();
        assertEquals(List.of("later", "now"), consumer.bodies(), "the modified message waits");
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> consumer.bodies().size() == 3);
        assertTrue(System.currentTimeMillis() >= due);
        QueueDelivery again = consumer.deliveries.get(2);
        assertEquals("later", body(again));
        assertEquals(1, again.deliveryCount());
        assertEquals(Map.of("x-reason", "retry"), again.annotations());
    }

    @Test
    void queueBackoffDelaysRedeliveries() throws Exception {
        queue(Map.of("x-redelivery-delay-ms", 200L, "x-redelivery-backoff-multiplier", 2L));
        publish("b");
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 5);
        idle();
        long failedAt = System.currentTimeMillis();
        queue.settle(consumer, consumer.deliveries.get(0).messageId(), Outcome.MODIFIED_FAILED);
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> consumer.bodies().size() == 2);
        assertTrue(System.currentTimeMillis() - failedAt >= 190, "first redelivery after ~200 ms");
        long failedAgainAt = System.currentTimeMillis();
        queue.settle(consumer, consumer.deliveries.get(1).messageId(), Outcome.MODIFIED_FAILED);
        Awaitility.await().atMost(5, TimeUnit.SECONDS).until(() -> consumer.bodies().size() == 3);
        assertTrue(System.currentTimeMillis() - failedAgainAt >= 390, "second redelivery after ~400 ms");
        // released is not a failure: no delay
        queue.settle(consumer, consumer.deliveries.get(2).messageId(), Outcome.RELEASED);
        idle();
        assertEquals(4, consumer.bodies().size());
    }

    @Test
    void unusedQueueExpires() throws Exception {
        queue(Map.of("x-expires", 200L));
        Awaitility.await().atMost(5, TimeUnit.SECONDS).untilTrue(expiredQueue);
    }

    @Test
    void badArgumentsAreRefusedWithTheirName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QueueArguments.from(Map.of("x-max-length", "lots")));
        assertTrue(e.getMessage().contains("x-max-length"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QueueArguments.from(Map.of("x-overflow", "explode")));
        assertTrue(e.getMessage().contains("x-overflow"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QueueArguments.from(Map.of("x-max-priority", 300L)));
        assertTrue(e.getMessage().contains("x-max-priority"), e.getMessage());
    }

    private void publish(String... bodies) throws Exception {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (String body : bodies) {
            all.add(enqueue(body, MessageHeader.of(true)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        idle();
    }

    private CompletableFuture<Void> enqueue(String body, MessageHeader header) {
        return queue.enqueue(header, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)));
    }

    private void idle() throws Exception {
        for (int i = 0; i < 3; i++) {
            executor.submit(() -> { }).get(5, TimeUnit.SECONDS);
        }
    }

    private static String text(ByteBuffer payload) {
        ByteBuffer copy = payload.duplicate();
        byte[] b = new byte[copy.remaining()];
        copy.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static String body(QueueDelivery d) {
        return text(d.payload());
    }

    static final class Recorder implements QueueConsumer {
        final List<QueueDelivery> deliveries = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void deliver(QueueDelivery delivery) {
            deliveries.add(delivery);
        }

        @Override
        public void drained(int unusedCredit) {
        }

        List<String> bodies() {
            synchronized (deliveries) {
                return deliveries.stream().map(ClassicQueueArgumentsTest::body).toList();
            }
        }
    }
}
