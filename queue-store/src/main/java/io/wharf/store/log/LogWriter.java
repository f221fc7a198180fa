package io.wharf.store.log;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's single writer thread, shared by every log of the broker: group commit.
 *
 * <p>Any thread submits requests (appends, acks, closes...) into one bounded queue, the only hand-off. The
 * writer takes everything pending as one batch (up to {@code maxBatchSize}), groups it by log, writes each
 * log's records with one write call through a staging buffer, completes the futures that need no force, forces
 * each file that needs it <em>once</em> for the whole batch (up to {@link #FORCE_PARALLELISM} files at once,
 * see {@link ForcePool}), then completes the rest. The busier the broker, the
 * larger the batches and the fewer forces per record, as a Disruptor handler acting on {@code endOfBatch} or
 * BookKeeper's journal do.
 *
 * <p>The fsync policy ({@link FsyncPolicy}) decides when forces happen; see there. Futures complete on this
 * thread: callers should hop to their own thread ({@code thenAcceptAsync(..., loop)}) and never block in a
 * callback. A request submitted from a callback (on this thread) is queued locally, never blocks.
 *
 * <p>Submitting blocks only when {@code queueCapacity} requests are already waiting: back-pressure from a disk
 * that cannot keep up.
 */
public final class LogWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LogWriter.class);

    /**
     * Forces outstanding at once at the end of a batch (the writer thread plus up to seven helpers). A force
     * waits on the device; queueing several lets the device merge them, so a batch touching many queues' files
     * costs about one force round trip per eight files instead of one per file.
     */
    static final int FORCE_PARALLELISM = 8;

    private final LogWriterConfig config;
    private final ArrayBlockingQueue<LogRequest> queue;
    private final Thread thread;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile boolean accepting = true;

    // Writer thread only.
    private final ArrayDeque<LogRequest> submittedByWriter = new ArrayDeque<>();
    private final List<LogRequest> pending = new ArrayList<>();
    private final List<SegmentedLog> runs = new ArrayList<>();
    private final List<SegmentedLog> dirty = new ArrayList<>();
    private final WriterBatch batch;
    private final ForcePool forcePool;
    private long lastForceNanos;

    // Written by the writer thread only, read by anyone.
    private volatile long forceCount;
    private volatile long batchCount;
    private volatile long requestCount;

    private LogWriter(LogWriterConfig config) {
        this.config = config;
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.forcePool = new ForcePool(FORCE_PARALLELISM);
        this.batch = new WriterBatch(this, config.fsyncPolicy(), config.stagingBufferBytes(), forcePool);
        this.thread = new Thread(this::run, "wharf-log-writer");
    }

    public static LogWriter start(LogWriterConfig config) {
        LogWriter writer = new LogWriter(config);
        writer.thread.start();
        return writer;
    }

    public static LogWriter start(FsyncPolicy policy) {
        return start(LogWriterConfig.defaults().withFsyncPolicy(policy));
    }

    public FsyncPolicy fsyncPolicy() {
        return config.fsyncPolicy();
    }

    /** Forces done so far (batch forces, interval forces, segment seals, closes). */
    public long forceCount() {
        return forceCount;
    }

    /** Batches processed so far. */
    public long batchCount() {
        return batchCount;
    }

    /** Requests (appends, acks, ...) processed so far. */
    public long requestCount() {
        return requestCount;
    }

    /**
     * Stops the writer after everything submitted before this call: forces whatever is still unforced and ends
     * the thread. Logs should be closed first (only a log's own close writes its clean-shutdown marker).
     * Requests submitted afterwards fail with {@link LogClosedException}.
     */
    public CompletableFuture<Void> shutdown() {
        if (Thread.currentThread() == thread) {
            throw new IllegalStateException("the log writer cannot be shut down from its own thread");
        }
        if (!stopped.isDone()) {
            submit(new StopRequest());
        }
        return stopped;
    }

    /** {@link #shutdown()} and wait for it. */
    @Override
    public void close() {
        shutdown().join();
    }

    void submit(LogRequest request) {
        if (Thread.currentThread() == thread) {
            submittedByWriter.add(request);
            return;
        }
        if (!accepting) {
            request.fail(closedException());
            return;
        }
        try {
            queue.put(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            request.fail(new LogClosedException("interrupted while waiting for room in the log writer queue"));
            return;
        }
        if (!accepting) {
            // The writer may have drained the queue for the last time before our put.
            failLeftovers();
        }
    }

    void countForce() {
        forceCount++;
    }

    void countForces(int forces) {
        forceCount += forces;
    }

    /** Under {@code interval}, remembers a log that wrote since the last force. */
    void markDirty(SegmentedLog log) {
        if (config.fsyncPolicy().kind() == FsyncPolicy.Kind.INTERVAL && !log.inDirtyList) {
            log.inDirtyList = true;
            dirty.add(log);
        }
    }

    private void run() {
        boolean running = true;
        try {
            while (running) {
                if (submittedByWriter.isEmpty()) {
                    LogRequest first = waitForWork();
                    if (first != null) {
                        pending.add(first);
                    }
                }
                queue.drainTo(pending, config.maxBatchSize() - pending.size());
                while (!submittedByWriter.isEmpty()) {
                    pending.add(submittedByWriter.poll());
                }
                if (!pending.isEmpty()) {
                    running = process(pending);
                    pending.clear();
                }
                if (config.fsyncPolicy().kind() == FsyncPolicy.Kind.INTERVAL && !dirty.isEmpty()
                        && System.nanoTime() - lastForceNanos >= intervalNanos()) {
                    forceDirty();
                }
            }
            forceDirty();
        } catch (InterruptedException e) {
            LOG.warn("log writer interrupted; failing pending requests");
        } catch (Throwable t) {
            LOG.error("log writer failed; failing pending requests", t);
        } finally {
            accepting = false;
            for (LogRequest r : pending) {
                r.fail(closedException());
            }
            pending.clear();
            submittedByWriter.forEach(r -> r.fail(closedException()));
            submittedByWriter.clear();
            failLeftovers();
            forcePool.close();
            stopped.complete(null);
        }
    }

    private LogRequest waitForWork() throws InterruptedException {
        if (config.fsyncPolicy().kind() == FsyncPolicy.Kind.INTERVAL && !dirty.isEmpty()) {
            long waitNanos = lastForceNanos + intervalNanos() - System.nanoTime();
            return waitNanos <= 0 ? queue.poll() : queue.poll(waitNanos, TimeUnit.NANOSECONDS);
        }
        return queue.take();
    }

    /** One batch. Answers false when it held the stop request. */
    private boolean process(List<LogRequest> requests) {
        batch.begin(System.currentTimeMillis());
        StopRequest stop = null;
        for (LogRequest r : requests) {
            if (stop != null) {
                r.fail(closedException());
            } else if (r instanceof StopRequest s) {
                stop = s;
            } else {
                SegmentedLog log = r.log;
                if (log.runHead == null) {
                    log.runHead = r;
                    runs.add(log);
                } else {
                    log.runTail.nextInRun = r;
                }
                log.runTail = r;
            }
        }
        for (SegmentedLog log : runs) {
            LogRequest head = log.runHead;
            log.runHead = null;
            log.runTail = null;
            log.processRun(head, batch);
        }
        runs.clear();
        batch.finish();
        batchCount++;
        requestCount += requests.size();
        return stop == null;
    }

    private void forceDirty() {
        for (SegmentedLog log : dirty) {
            log.inDirtyList = false;
            log.forceAllOnWriter(batch);
        }
        dirty.clear();
        lastForceNanos = System.nanoTime();
    }

    private long intervalNanos() {
        return TimeUnit.MILLISECONDS.toNanos(config.fsyncPolicy().intervalMs());
    }

    private void failLeftovers() {
        LogRequest r;
        while ((r = queue.poll()) != null) {
            r.fail(closedException());
        }
    }

    private static LogClosedException closedException() {
        return new LogClosedException("the log writer is shut down");
    }

    /** Ends the writer's loop once everything before it is done. */
    private static final class StopRequest extends LogRequest {

        StopRequest() {
            super(null);
        }

        @Override
        void execute(WriterBatch batch) {
        }

        @Override
        void complete() {
        }

        @Override
        void fail(Throwable cause) {
        }
    }
}
