package io.wharf.plugin.admin;

import java.util.List;

/**
 * Message counts since the object (queue, exchange, connection, link) appeared, with per-second rates over the last
 * sample interval and the recent samples (oldest first), as kept by the broker's rate sampler.
 *
 * @param publish   messages taken in (stored into a queue, published to an exchange, received on a link)
 * @param deliver   messages sent to consumers
 * @param ack       deliveries settled as accepted
 * @param redeliver deliveries of messages delivered before
 */
public record MessageStats(long publish, long deliver, long ack, long redeliver, double publishRate,
        double deliverRate, double ackRate, double redeliverRate, List<Sample> samples) {

    public static final MessageStats NONE = new MessageStats(0, 0, 0, 0, 0, 0, 0, 0, List.of());

    /** These counts and rates plus {@code other}'s; no samples (series of different objects do not line up). */
    public MessageStats plus(MessageStats other) {
        return new MessageStats(publish + other.publish, deliver + other.deliver, ack + other.ack,
                redeliver + other.redeliver, publishRate + other.publishRate, deliverRate + other.deliverRate,
                ackRate + other.ackRate, redeliverRate + other.redeliverRate, List.of());
    }

    /** Cumulative counts at one moment. */
    public record Sample(long timestampMs, long publish, long deliver, long ack, long redeliver) {
    }
}
