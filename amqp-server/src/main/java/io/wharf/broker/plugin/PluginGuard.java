package io.wharf.broker.plugin;

import io.wharf.plugin.MessageInterceptor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts one plugin's failures on the broker's threads (an interceptor or provider that threw, or took longer than
 * {@link MessageInterceptor#SLOW_CALL_MS}), logs them at most once a second, and disables the plugin at the
 * {@link MessageInterceptor#FAILURE_LIMIT}th. Thread-safe without locks: failures arrive from every event loop.
 */
final class PluginGuard {

    private static final Logger LOG = LoggerFactory.getLogger(PluginGuard.class);
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final long SLOW_CALL_NANOS = TimeUnit.MILLISECONDS.toNanos(MessageInterceptor.SLOW_CALL_MS);

    private final String pluginName;
    private final int limit;
    private final Runnable disable;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicLong lastLogNanos;
    private final AtomicBoolean disabled = new AtomicBoolean();

    /**
     * @param limit   failures after which {@code disable} runs (once)
     * @param disable removes the plugin's hooks; runs on the thread of the failure that reached the limit, so it
     *                must not block
     */
    PluginGuard(String pluginName, int limit, Runnable disable) {
        this.pluginName = pluginName;
        this.limit = limit;
        this.disable = disable;
        this.lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    }

    /** A call threw. */
    void failed(String what, Throwable error) {
        int count = failures.incrementAndGet();
        if (shouldLog()) {
            LOG.warn("Plugin '{}': {} threw ({} failures so far, disabled at {}); the broker went on without it",
                    pluginName, what, count, limit, error);
        }
        check(count, what + " threw " + error);
    }

    /** Checks the time a call took; a slow call is a failure. */
    void timed(String what, long startNanos) {
        long tookNanos = System.nanoTime() - startNanos;
        if (tookNanos <= SLOW_CALL_NANOS) {
            return;
        }
        int count = failures.incrementAndGet();
        if (shouldLog()) {
            LOG.warn("Plugin '{}': {} took {} ms on a broker network thread (the limit is {} ms: it must not block);"
                    + " {} failures so far, disabled at {}", pluginName, what,
                    TimeUnit.NANOSECONDS.toMillis(tookNanos), MessageInterceptor.SLOW_CALL_MS, count, limit);
        }
        check(count, what + " took " + TimeUnit.NANOSECONDS.toMillis(tookNanos) + " ms");
    }

    int failures() {
        return failures.get();
    }

    boolean disabled() {
        return disabled.get();
    }

    private boolean shouldLog() {
        long now = System.nanoTime();
        long last = lastLogNanos.get();
        return now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now);
    }

    private void check(int count, String last) {
        if (count >= limit && disabled.compareAndSet(false, true)) {
            LOG.error("Plugin '{}' is disabled after {} failures (the last: {}); its interceptors, providers and "
                    + "listeners are removed. The broker goes on without it; restart the broker to try it again",
                    pluginName, count, last);
            disable.run();
        }
    }
}
