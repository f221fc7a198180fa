package io.wharf.amqp.stats;

import io.wharf.plugin.admin.MessageStats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Message counts of one queue, exchange, connection or link, and a small ring of samples of them for rates.
 *
 * <p>The counts are {@link LongAdder}s: the owner (a connection loop, or several loops for a queue) adds without a
 * lock or a contended CAS. The ring is written by the sampler thread only and read by management; both take this
 * object's monitor, never the owner.
 */
public final class MessageCounters {

    private final LongAdder publish = new LongAdder();
    private final LongAdder deliver = new LongAdder();
    private final LongAdder ack = new LongAdder();
    private final LongAdder redeliver = new LongAdder();

    private final MessageStats.Sample[] ring;
    private int next;
    private int size;

    /** Counts everything this one counts too (the broker-wide totals for queues); null for none. */
    private final MessageCounters parent;

    public MessageCounters(int samples) {
        this(samples, null);
    }

    public MessageCounters(int samples, MessageCounters parent) {
        this.ring = new MessageStats.Sample[Math.max(2, samples)];
        this.parent = parent;
    }

    public void published() {
        publish.increment();
        if (parent != null) {
            parent.published();
        }
    }

    public void delivered(boolean redelivered) {
        deliver.increment();
        if (redelivered) {
            redeliver.increment();
        }
        if (parent != null) {
            parent.delivered(redelivered);
        }
    }

    public void acked() {
        ack.increment();
        if (parent != null) {
            parent.acked();
        }
    }

    /** Records the current counts as the newest sample (sampler thread). */
    public synchronized void sample(long nowMs) {
        ring[next] = new MessageStats.Sample(nowMs, publish.sum(), deliver.sum(), ack.sum(), redeliver.sum());
        next = (next + 1) % ring.length;
        size = Math.min(size + 1, ring.length);
    }

    /** Counts now, rates over the last sample interval, and the samples oldest first. */
    public synchronized MessageStats stats() {
        List<MessageStats.Sample> samples = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            samples.add(ring[(next - size + i + ring.length) % ring.length]);
        }
        double publishRate = 0;
        double deliverRate = 0;
        double ackRate = 0;
        double redeliverRate = 0;
        if (size >= 2) {
            MessageStats.Sample last = samples.get(size - 1);
            MessageStats.Sample before = samples.get(size - 2);
            double seconds = Math.max(1, last.timestampMs() - before.timestampMs()) / 1000.0;
            publishRate = (last.publish() - before.publish()) / seconds;
            deliverRate = (last.deliver() - before.deliver()) / seconds;
            ackRate = (last.ack() - before.ack()) / seconds;
            redeliverRate = (last.redeliver() - before.redeliver()) / seconds;
        }
        return new MessageStats(publish.sum(), deliver.sum(), ack.sum(), redeliver.sum(), publishRate, deliverRate,
                ackRate, redeliverRate, List.copyOf(samples));
    }
}
