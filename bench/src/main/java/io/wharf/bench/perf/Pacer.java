package io.wharf.bench.perf;

/**
 * When a producer sends. Closed loop ({@code ratePerSecond == 0}): whenever the window allows, stamped with the
 * actual send time. Open loop: message {@code i} is due at {@code start + i / rate} whether or not the broker kept
 * up, and is stamped with that intended time, so a stall shows in the latency of every message it delayed rather
 * than in one (no coordinated omission). Single-threaded: owned by one producer.
 */
final class Pacer {

    private final long intervalNanos;
    private final long limit;
    private long startNanos;
    private long taken;

    /**
     * @param ratePerSecond messages per second; 0 for as fast as possible
     * @param limit         messages in all; 0 for no limit
     */
    Pacer(double ratePerSecond, long limit) {
        this.intervalNanos = ratePerSecond > 0 ? Math.max(1, Math.round(1e9 / ratePerSecond)) : 0;
        this.limit = limit;
    }

    void start(long nowNanos) {
        startNanos = nowNanos;
        taken = 0;
    }

    boolean openLoop() {
        return intervalNanos > 0;
    }

    boolean exhausted() {
        return limit > 0 && taken >= limit;
    }

    /** Nanoseconds until the next message is due; 0 or less when due now; Long.MAX_VALUE when exhausted. */
    long nanosUntilNext(long nowNanos) {
        if (exhausted()) {
            return Long.MAX_VALUE;
        }
        return intervalNanos == 0 ? 0 : startNanos + taken * intervalNanos - nowNanos;
    }

    /** Takes the next message (call when due): answers the time to stamp it with. */
    long take(long nowNanos) {
        long stamp = intervalNanos == 0 ? nowNanos : startNanos + taken * intervalNanos;
        taken++;
        return stamp;
    }
}
