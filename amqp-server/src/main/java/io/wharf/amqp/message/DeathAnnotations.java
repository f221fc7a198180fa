package io.wharf.amqp.message;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;

/**
 * The message annotations a dead-lettered message carries, as RabbitMQ 4 writes them for AMQP 1.0 clients:
 * {@code x-opt-deaths}, a list of maps (most recent first), one per (queue, reason) with {@code queue},
 * {@code reason}, {@code count}, {@code first-time}, {@code last-time}, {@code exchange}, {@code routing-keys};
 * and {@code x-first-death-queue / -reason / -exchange}, set once, plus {@code x-last-death-*} for the latest.
 */
public final class DeathAnnotations {

    private static final Symbol QUEUE = Symbol.valueOf("queue");
    private static final Symbol REASON = Symbol.valueOf("reason");
    private static final Symbol COUNT = Symbol.valueOf("count");
    private static final Symbol FIRST_TIME = Symbol.valueOf("first-time");
    private static final Symbol LAST_TIME = Symbol.valueOf("last-time");
    private static final Symbol EXCHANGE = Symbol.valueOf("exchange");
    private static final Symbol ROUTING_KEYS = Symbol.valueOf("routing-keys");

    private DeathAnnotations() {
    }

    /**
     * The annotations to merge into a message dying once more.
     *
     * @param current     the message's annotations now
     * @param queue       the queue it leaves
     * @param reason      rejected | expired | maxlen | delivery_limit
     * @param exchange    the exchange it was published to ("" for the default exchange)
     * @param routingKeys the routing keys it was published with
     */
    public static Map<String, Object> died(Map<String, Object> current, String queue, String reason,
            String exchange, List<String> routingKeys, long nowMs) {
        Date now = new Date(nowMs);
        List<Object> deaths = new ArrayList<>();
        Map<Symbol, Object> mine = null;
        if (current.get("x-opt-deaths") instanceof List<?> previous) {
            for (Object entry : previous) {
                if (entry instanceof Map<?, ?> death && Objects.equals(String.valueOf(death.get(QUEUE)), queue)
                        && Objects.equals(String.valueOf(death.get(REASON)), reason)) {
                    mine = new LinkedHashMap<>();
                    for (Map.Entry<?, ?> e : death.entrySet()) {
                        mine.put(Symbol.valueOf(String.valueOf(e.getKey())), e.getValue());
                    }
                } else {
                    deaths.add(entry);
                }
            }
        }
        if (mine == null) {
            mine = new LinkedHashMap<>();
            mine.put(QUEUE, queue);
            mine.put(REASON, Symbol.valueOf(reason));
            mine.put(COUNT, UnsignedLong.valueOf(1));
            mine.put(FIRST_TIME, now);
            mine.put(EXCHANGE, exchange);
            mine.put(ROUTING_KEYS, List.copyOf(routingKeys));
        } else {
            long count = mine.get(COUNT) instanceof Number n ? n.longValue() : 0;
            mine.put(COUNT, UnsignedLong.valueOf(count + 1));
        }
        mine.put(LAST_TIME, now);
        deaths.add(0, mine);

        Map<String, Object> annotations = new LinkedHashMap<>();
        annotations.put("x-opt-deaths", deaths);
        if (!current.containsKey("x-first-death-queue")) {
            annotations.put("x-first-death-queue", queue);
            annotations.put("x-first-death-reason", Symbol.valueOf(reason));
            annotations.put("x-first-death-exchange", exchange);
        }
        annotations.put("x-last-death-queue", queue);
        annotations.put("x-last-death-reason", Symbol.valueOf(reason));
        annotations.put("x-last-death-exchange", exchange);
        return annotations;
    }
}
