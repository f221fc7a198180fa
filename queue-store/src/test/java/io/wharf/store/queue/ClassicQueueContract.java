package io.wharf.store.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Queue semantics that must hold whatever {@link QueueLog} is underneath. Subclasses supply the log; the queue
 * runs on a real single-threaded executor and each step waits for it to go idle (no sleeps).
 */
@Timeout(30)
abstract class ClassicQueueContract {

    private ExecutorService executor;
    private final java.util.concurrent.ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor();
    private ClassicQueue queue;

    /** A fresh, empty log. */
    protected abstract QueueLog newLog() throws Exception;

    @BeforeEach
    void setUp() throws Exception {
        executor = Executors.newSingleThreadExecutor();
        QueueLog log = newLog();
        queue = new ClassicQueue(QueueDefinition.durableClassic("/", "q"), () -> log, executor, timer,
                DeadLetters.DROP, () -> { });
    }

    @AfterEach
    void tearDown() throws Exception {
        queue.close().get(5, TimeUnit.SECONDS);
        executor.shutdownNow();
        timer.shutdownNow();
    }

    @Test
    void deliversInOrderWithinCredit() throws Exception {
        publish("a", "b", "c");
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 2);
        idle();
        assertEquals(List.of("a", "b"), consumer.bodies());
        queue.addCredit(consumer, 5);
        idle();
        assertEquals(List.of("a", "b", "c"), consumer.bodies());
        assertEquals(3, queue.messageCount());
    }

    @Test
    void acceptedMessagesAreGone() throws Exception {
        publish("a", "b");
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 10);
        idle();
        for (QueueDelivery d : consumer.deliveries) {
            queue.settle(consumer, d.messageId(), Outcome.ACCEPTED);
        }
        idle();
        assertEquals(0, queue.messageCount());
    }

    @Test
    void competingConsumersTakeTurns() throws Exception {
        publish("1", "2", "3", "4");
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        queue.addConsumer(first);
        queue.addConsumer(second);
        queue.addCredit(first, 10);
        queue.addCredit(second, 10);
        idle();
        // The first grant took the whole backlog; messages arriving now alternate between the two.
        publish("5", "6", "7", "8");
        idle();
        List<String> all = new ArrayList<>(first.bodies());
        all.addAll(second.bodies());
        assertEquals(8, all.size());
        assertEquals(List.of("5", "7"), second.bodies());
        assertEquals(List.of("1", "2", "3", "4", "6", "8"), first.bodies());
    }

    @Test
    void releasedGoesBackToTheHeadInOriginalOrderWithSameCount() throws Exception {
        publish("a", "b", "c");
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 2);
        idle();
        QueueDelivery a = consumer.deliveries.get(0);
        QueueDelivery b = consumer.deliveries.get(1);
        queue.settle(consumer, b.messageId(), Outcome.RELEASED);
        queue.settle(consumer, a.messageId(), Outcome.RELEASED);
        queue.addCredit(consumer, 3);
        idle();
        assertEquals(List.of("a", "b", "a", "b", "c"), consumer.bodies());
        QueueDelivery again = consumer.deliveries.get(2);
        assertEquals(0, again.deliveryCount());
        assertFalse(again.firstAcquirer());
        assertTrue(consumer.deliveries.get(4).firstAcquirer());
    }

    @Test
    void modifiedFailedCountsTheFailure() throws Exception {
        publish("a");
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 3);
        idle();
        queue.settle(consumer, consumer.deliveries.get(0).messageId(), Outcome.MODIFIED_FAILED);
        idle();
        queue.settle(consumer, consumer.deliveries.get(1).messageId(), Outcome.MODIFIED_FAILED);
        idle();
        assertEquals(List.of(0, 1, 2), consumer.deliveries.stream().map(QueueDelivery::deliveryCount).toList());
    }

    @Test
    void rejectedAndUndeliverableAreDropped() throws Exception {
        publish("a", "b");
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 2);
        idle();
        queue.settle(consumer, consumer.deliveries.get(0).messageId(), Outcome.REJECTED);
        queue.settle(consumer, consumer.deliveries.get(1).messageId(), Outcome.MODIFIED_UNDELIVERABLE);
        idle();
        assertEquals(0, queue.messageCount());
    }

    @Test
    void removedConsumersMessagesAreReleasedToOthers() throws Exception {
        publish("a", "b");
        Recorder gone = new Recorder();
        queue.addConsumer(gone);
        queue.addCredit(gone, 2);
        idle();
        queue.removeConsumer(gone);
        Recorder next = new Recorder();
        queue.addConsumer(next);
        queue.addCredit(next, 2);
        idle();
        assertEquals(List.of("a", "b"), next.bodies());
        for (QueueDelivery d : next.deliveries) {
            assertEquals(0, d.deliveryCount(), "released: the delivery count is unchanged");
            assertFalse(d.firstAcquirer());
        }
        // A late settlement from the removed consumer is ignored.
        queue.settle(gone, next.deliveries.get(0).messageId(), Outcome.ACCEPTED);
        idle();
        assertEquals(2, queue.messageCount());
    }

    @Test
    void unsentKeepsFirstAcquirer() throws Exception {
        publish("a");
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 1);
        idle();
        queue.settle(consumer, consumer.deliveries.get(0).messageId(), Outcome.UNSENT);
        queue.addCredit(consumer, 1);
        idle();
        assertTrue(consumer.deliveries.get(1).firstAcquirer());
        assertEquals(0, consumer.deliveries.get(1).deliveryCount());
    }

    @Test
    void drainReportsUnusedCredit() throws Exception {
        publish("a");
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, 5);
        queue.drain(consumer);
        idle();
        assertEquals(List.of("a"), consumer.bodies());
        assertEquals(List.of(4), consumer.drainedWith);
        publish("b");
        idle();
        assertEquals(List.of("a"), consumer.bodies());
    }

    @Test
    void enqueueCompletesOnlyOnceStored() throws Exception {
        CompletableFuture<Void> stored = queue.enqueue(MessageHeader.of(true), bytes("x"));
        stored.get(5, TimeUnit.SECONDS);
        idle();
        assertEquals(1, queue.messageCount());
    }

    @Test
    void largeBacklogStaysInOrder() throws Exception {
        int n = 20_000;
        List<CompletableFuture<Void>> stored = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            stored.add(queue.enqueue(MessageHeader.of(false), bytes(Integer.toString(i))));
        }
        CompletableFuture.allOf(stored.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        idle();
        Recorder consumer = new Recorder();
        queue.addConsumer(consumer);
        queue.addCredit(consumer, n);
        idle();
        assertEquals(n, consumer.deliveries.size());
        for (int i = 0; i < n; i++) {
            assertEquals(Integer.toString(i), body(consumer.deliveries.get(i)));
        }
    }

    private void publish(String... bodies) throws Exception {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (String body : bodies) {
            all.add(queue.enqueue(MessageHeader.of(true), bytes(body)));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
        idle();
    }

    /** Waits until the queue thread has run everything posted so far (twice: completions post again). */
    private void idle() throws Exception {
        for (int i = 0; i < 3; i++) {
            executor.submit(() -> { }).get(5, TimeUnit.SECONDS);
        }
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String body(QueueDelivery d) {
        ByteBuffer payload = d.payload().duplicate();
        byte[] b = new byte[payload.remaining()];
        payload.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** A consumer that records what it is given (called on the queue thread, read after idle()). */
    static final class Recorder implements QueueConsumer {
        final List<QueueDelivery> deliveries = new ArrayList<>();
        final List<Integer> drainedWith = new ArrayList<>();

        @Override
        public void deliver(QueueDelivery delivery) {
            deliveries.add(delivery);
        }

        @Override
        public void drained(int unusedCredit) {
            drainedWith.add(unusedCredit);
        }

        List<String> bodies() {
            return deliveries.stream().map(ClassicQueueContract::body).toList();
        }
    }
}
