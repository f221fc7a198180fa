package io.wharf.bench.perf;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * What every producer and consumer of one scenario run counts, shared across their threads: messages sent,
 * settled by the broker (confirmed), refused, delivered, and the end-to-end latency of each delivery. The runner
 * reads it once a second; nothing here is reset, the runner subtracts snapshots.
 */
final class Meter {

    /** Latencies above this are recorded as this (an hour: a broken run, not a measurement). */
    static final long MAX_LATENCY_NANOS = TimeUnit.HOURS.toNanos(1);

    private final LongAdder sent = new LongAdder();
    private final LongAdder confirmed = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder received = new LongAdder();
    private final Recorder latency = new Recorder(1, MAX_LATENCY_NANOS, 3);

    void sent() {
        sent.increment();
    }

    /** The broker settled a send: accepted ({@code ok}) or anything else. */
    void settled(boolean ok) {
        (ok ? confirmed : refused).increment();
    }

    /** A delivery arrived at a consumer; {@code stampNanos} is the send time it carries. */
    void received(long stampNanos, long nowNanos) {
        received.increment();
        latency.recordValue(Math.max(1, Math.min(MAX_LATENCY_NANOS, nowNanos - stampNanos)));
    }

    long sentCount() {
        return sent.sum();
    }

    long confirmedCount() {
        return confirmed.sum();
    }

    long refusedCount() {
        return refused.sum();
    }

    long receivedCount() {
        return received.sum();
    }

    /** The latencies recorded since the previous call (nanoseconds). */
    Histogram takeLatencies(Histogram recycle) {
        return latency.getIntervalHistogram(recycle);
    }
}
