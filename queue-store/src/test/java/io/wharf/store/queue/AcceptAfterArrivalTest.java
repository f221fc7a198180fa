package io.wharf.store.queue;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A classic queue completes an enqueue once the message has arrived in the queue (on the queue's thread); when
 * something in that arrival throws (here a consumer's deliver), the future still completes: the record is stored,
 * and a producer must not be left waiting for its disposition.
 */
@Timeout(30)
class AcceptAfterArrivalTest {

    @Test
    void storedCompletesEvenWhenTheArrivalTaskThrows() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            ClassicQueue queue = new ClassicQueue(new QueueDefinition("/", "q", "classic", true, false, false,
                    Map.of()), MemoryQueueLog::new, executor, timer, (q, payload, reason, count) -> { }, () -> { });
            QueueConsumer broken = new QueueConsumer() {
                @Override
                public void deliver(QueueDelivery delivery) {
                    throw new IllegalStateException("event loop gone");
                }

                @Override
                public void drained(int unusedCredit) {
                }
            };
            queue.addConsumer(broken);
            queue.addCredit(broken, 10);
            CompletableFuture<Void> stored = queue.enqueue(new MessageHeader(0, 0, 4, TagHash.NONE, true),
                    ByteBuffer.wrap(new byte[] {1, 2, 3}));
            // The message is in the log; the future must complete (normally or not) rather than hang.
            assertDoesNotThrow(() -> stored.handle((v, e) -> null).get(5, TimeUnit.SECONDS));
        } finally {
            executor.shutdownNow();
            timer.shutdownNow();
        }
    }
}
