package io.wharf.store.log;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Phaser;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Forces the files a batch touched, several at once. A force is a wait on the device, not CPU work: with a
 * hundred queues each touched in every batch, forcing them one after another made the batch last a hundred
 * device round trips. Here up to {@code parallelism} forces are outstanding together (the writer thread is one
 * of the forcers), each forcer taking the next log from a shared index, and {@link #forceAll} returns only
 * when every force has returned: the batch's futures still complete after their file's force.
 *
 * <p>Each log is forced by exactly one thread per batch, so a log's writer-only state (its active segment's
 * {@code unforced} flag, its failure) is touched by one thread at a time; the pool's hand-off and the phaser
 * order those writes before and after the writer's own accesses.
 */
final class ForcePool implements AutoCloseable {

    private final int parallelism;
    private final ExecutorService pool;
    private final Phaser done = new Phaser(1);
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger forced = new AtomicInteger();
    private final Runnable helper = this::helpForce;
    private List<SegmentedLog> logs;

    ForcePool(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be positive, was " + parallelism);
        }
        this.parallelism = parallelism;
        AtomicInteger threadNumber = new AtomicInteger();
        this.pool = parallelism == 1 ? null : new ThreadPoolExecutor(parallelism - 1, parallelism - 1,
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "wharf-log-force-" + threadNumber.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        if (pool != null) {
            ((ThreadPoolExecutor) pool).allowCoreThreadTimeOut(true);
        }
    }

    /** Writer thread: forces every log of {@code toForce}; answers how many files were actually forced. */
    int forceAll(List<SegmentedLog> toForce) {
        int n = toForce.size();
        if (n == 0) {
            return 0;
        }
        int helpers = Math.min(parallelism, n) - 1;
        if (helpers == 0) {
            return toForce.get(0).forceActive() ? 1 : 0;
        }
        this.logs = toForce;
        next.set(0);
        forced.set(0);
        done.bulkRegister(helpers);
        int submitted = 0;
        try {
            for (; submitted < helpers; submitted++) {
                pool.execute(helper);
            }
        } finally {
            // Deregister the parties whose task never started (a rejected submission) so the wait below ends.
            for (int i = submitted; i < helpers; i++) {
                done.arriveAndDeregister();
            }
        }
        forceNext();
        done.arriveAndAwaitAdvance();
        this.logs = null;
        return forced.get();
    }

    private void helpForce() {
        try {
            forceNext();
        } finally {
            done.arriveAndDeregister();
        }
    }

    private void forceNext() {
        List<SegmentedLog> mine = logs;
        int count = 0;
        for (int i = next.getAndIncrement(); i < mine.size(); i = next.getAndIncrement()) {
            if (mine.get(i).forceActive()) {
                count++;
            }
        }
        forced.addAndGet(count);
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
