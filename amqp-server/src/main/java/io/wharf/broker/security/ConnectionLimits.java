package io.wharf.broker.security;

import io.wharf.broker.config.LimitsConfig;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open AMQP connections, broker-wide, per user and per vhost, against {@code limits.max-connections},
 * {@code limits.max-connections-per-user} and {@code limits.max-connections-per-vhost} (0: no limit). A connection
 * is counted from its accepted open to its end. Thread-safe (connections open on every event loop).
 */
public final class ConnectionLimits {

    private final LimitsConfig limits;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perUser = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> perVhost = new ConcurrentHashMap<>();

    public ConnectionLimits(LimitsConfig limits) {
        this.limits = limits;
    }

    /**
     * Counts one more connection of {@code user} to {@code vhost}; null when that is within the limits, else (and
     * nothing counted) the description of the limit it would pass.
     */
    public String tryOpen(String user, String vhost) {
        if (!acquire(total, limits.maxConnections())) {
            return "the broker has reached its limit of " + limits.maxConnections()
                    + " connections (limits.max-connections)";
        }
        AtomicInteger byUser = perUser.computeIfAbsent(user, u -> new AtomicInteger());
        if (!acquire(byUser, limits.maxConnectionsPerUser())) {
            total.decrementAndGet();
            return "user '" + user + "' has reached its limit of " + limits.maxConnectionsPerUser()
                    + " connections (limits.max-connections-per-user)";
        }
        AtomicInteger byVhost = perVhost.computeIfAbsent(vhost, v -> new AtomicInteger());
        if (!acquire(byVhost, limits.maxConnectionsPerVhost())) {
            byUser.decrementAndGet();
            total.decrementAndGet();
            return "vhost '" + vhost + "' has reached its limit of " + limits.maxConnectionsPerVhost()
                    + " connections (limits.max-connections-per-vhost)";
        }
        return null;
    }

    /** Uncounts a connection {@link #tryOpen} counted. */
    public void closed(String user, String vhost) {
        total.decrementAndGet();
        AtomicInteger byUser = perUser.get(user);
        if (byUser != null) {
            byUser.decrementAndGet();
        }
        AtomicInteger byVhost = perVhost.get(vhost);
        if (byVhost != null) {
            byVhost.decrementAndGet();
        }
    }

    /** Connections counted now, broker-wide. */
    public int open() {
        return total.get();
    }

    private static boolean acquire(AtomicInteger counter, int max) {
        while (true) {
            int n = counter.get();
            if (max > 0 && n >= max) {
                return false;
            }
            if (counter.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }
}
