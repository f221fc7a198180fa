package io.wharf.amqp.stats;

import io.wharf.exchange.RoutedQueues;
import io.wharf.store.queue.MessageQueue;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every {@link MessageCounters} of the broker: per queue and per exchange (kept here, found by identity / name),
 * per connection and per link (held by their owners, registered here so that the sampler sees them).
 *
 * <p>The front end calls the counting methods on its loops; a lookup is one {@link ConcurrentHashMap#get}. The
 * sampler ({@link #sampleAll}) runs every {@code http.rates-interval-ms} on the broker timer and forgets the counters
 * of queues and exchanges that are gone (the caller says which still exist).
 */
public final class BrokerCounters {

    private final int samples;
    private final Map<MessageQueue, MessageCounters> queues = new ConcurrentHashMap<>();
    private final Map<String, MessageCounters> exchanges = new ConcurrentHashMap<>();
    private final Set<MessageCounters> owned = ConcurrentHashMap.newKeySet();
    /** Every queue's counts added up: the broker-wide rates. */
    private final MessageCounters total;

    /** @param samples how many samples each ring keeps */
    public BrokerCounters(int samples) {
        this.samples = samples;
        this.total = new MessageCounters(samples);
    }

    /** Broker-wide: the sum over all queues, including those deleted since. */
    public MessageCounters total() {
        return total;
    }

    /** A broker without rates (unit tests of the engine): still counts, keeps two samples. */
    public static BrokerCounters minimal() {
        return new BrokerCounters(2);
    }

    /** New counters for a connection or link; {@link #release} them when it closes. */
    public MessageCounters register() {
        MessageCounters counters = new MessageCounters(samples);
        owned.add(counters);
        return counters;
    }

    public void release(MessageCounters counters) {
        owned.remove(counters);
    }

    public MessageCounters queue(MessageQueue queue) {
        MessageCounters counters = queues.get(queue);
        return counters != null ? counters : queues.computeIfAbsent(queue, q -> new MessageCounters(samples, total));
    }

    /** The counters of a queue if it has any, or null. */
    public MessageCounters queueIfPresent(MessageQueue queue) {
        return queues.get(queue);
    }

    public MessageCounters exchange(String vhost, String exchange) {
        String key = vhost + '\u0000' + exchange;
        MessageCounters counters = exchanges.get(key);
        return counters != null ? counters : exchanges.computeIfAbsent(key, k -> new MessageCounters(samples));
    }

    public MessageCounters exchangeIfPresent(String vhost, String exchange) {
        return exchanges.get(vhost + '\u0000' + exchange);
    }

    /** A message published on {@code link} of {@code connection} through an exchange was stored in {@code queues}. */
    public void published(MessageCounters link, MessageCounters connection, String vhost, String exchange,
            RoutedQueues queues) {
        link.published();
        connection.published();
        exchange(vhost, exchange).published();
        for (int i = 0; i < queues.size(); i++) {
            queue(queues.get(i)).published();
        }
    }

    /**
     * Takes one sample of every counter.
     *
     * @param queueExists    whether a queue is still in its registry (counters of deleted queues are dropped)
     * @param exchangeExists whether (vhost, exchange) still exists
     */
    public void sampleAll(long nowMs, java.util.function.Predicate<MessageQueue> queueExists,
            java.util.function.BiPredicate<String, String> exchangeExists) {
        queues.keySet().removeIf(q -> !queueExists.test(q));
        exchanges.keySet().removeIf(key -> {
            int split = key.indexOf('\u0000');
            return !exchangeExists.test(key.substring(0, split), key.substring(split + 1));
        });
        queues.values().forEach(c -> c.sample(nowMs));
        exchanges.values().forEach(c -> c.sample(nowMs));
        owned.forEach(c -> c.sample(nowMs));
        total.sample(nowMs);
    }
}
