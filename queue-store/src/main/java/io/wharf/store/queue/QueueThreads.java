package io.wharf.store.queue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads queues run on. Each queue is pinned to one single-threaded executor for its whole life, so its
 * state needs no locks; queues are spread over the executors round robin.
 */
public final class QueueThreads implements AutoCloseable {

    private final ExecutorService[] executors;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wharf-queue-timer");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger next = new AtomicInteger();

    public QueueThreads(int threadCount) {
        if (threadCount < 1) {
            throw new IllegalArgumentException("threadCount must be at least 1, was " + threadCount);
        }
        executors = new ExecutorService[threadCount];
        for (int i = 0; i < threadCount; i++) {
            String name = "wharf-queue-" + i;
            executors[i] = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, name);
                t.setDaemon(true);
                return t;
            });
        }
    }

    /** The executor for a new queue. */
    public ExecutorService assign() {
        return executors[Math.floorMod(next.getAndIncrement(), executors.length)];
    }

    /** Fires queues' time-driven work (expiry, delayed redelivery); the work itself runs on each queue's thread. */
    public ScheduledExecutorService timer() {
        return timer;
    }

    @Override
    public void close() {
        timer.shutdownNow();
        for (ExecutorService e : executors) {
            e.shutdown();
        }
        for (ExecutorService e : executors) {
            try {
                e.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
