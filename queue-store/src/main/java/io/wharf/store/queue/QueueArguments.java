package io.wharf.store.queue;

import java.util.Locale;
import java.util.Map;

/**
 * The {@code x-} arguments a classic queue acts on, read once from its {@link QueueDefinition}. Unknown
 * arguments are kept in the definition and ignored here (RabbitMQ does the same).
 *
 * @param maxPriority            {@code x-max-priority} (1..255), 0 when the queue has no priorities
 * @param messageTtlMs           {@code x-message-ttl}, -1 for none
 * @param expiresMs              {@code x-expires}: the queue is deleted after this long unused, -1 for never
 * @param maxLength              {@code x-max-length} ready messages, -1 for no limit
 * @param maxLengthBytes         {@code x-max-length-bytes} of ready message bodies, -1 for no limit
 * @param overflow               {@code x-overflow}
 * @param singleActiveConsumer   {@code x-single-active-consumer}
 * @param deadLetterExchange     {@code x-dead-letter-exchange}, null for none
 * @param deadLetterRoutingKey   {@code x-dead-letter-routing-key}, null to keep the message's own
 * @param deliveryLimit          {@code x-delivery-limit}: failed deliveries before dead-lettering, -1 for none
 * @param redeliveryDelayMs      {@code x-redelivery-delay-ms}: delay before the first redelivery after a failure
 * @param backoffMultiplier      {@code x-redelivery-backoff-multiplier}: each further failure multiplies the delay
 * @param redeliveryDelayMaxMs   {@code x-redelivery-delay-max-ms}: the delay never exceeds this, -1 for no cap
 */
public record QueueArguments(int maxPriority, long messageTtlMs, long expiresMs, long maxLength, long maxLengthBytes,
        Overflow overflow, boolean singleActiveConsumer, String deadLetterExchange, String deadLetterRoutingKey,
        long deliveryLimit, long redeliveryDelayMs, double backoffMultiplier, long redeliveryDelayMaxMs) {

    public static final QueueArguments NONE = new QueueArguments(0, -1, -1, -1, -1, Overflow.DROP_HEAD, false, null,
            null, -1, 0, 1.0, -1);

    /** What happens to a publish when the queue is at {@code x-max-length} / {@code x-max-length-bytes}. */
    public enum Overflow {
        /** The oldest ready message is dropped (dead-lettered with reason maxlen). */
        DROP_HEAD("drop-head"),
        /** The new message is refused: {@code rejected} with amqp:resource-limit-exceeded. */
        REJECT_PUBLISH("reject-publish"),
        /** Like reject-publish, and the refused message is dead-lettered (reason maxlen). */
        REJECT_PUBLISH_DLX("reject-publish-dlx");

        private final String wireName;

        Overflow(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /**
     * Reads the arguments a classic queue understands.
     *
     * @throws IllegalArgumentException naming the argument and the bad value
     */
    public static QueueArguments from(Map<String, Object> arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return NONE;
        }
        long maxPriority = integer(arguments, "x-max-priority", 0, 1, 255);
        String overflowName = string(arguments, "x-overflow", "drop-head");
        Overflow overflow = null;
        for (Overflow o : Overflow.values()) {
            if (o.wireName.equals(overflowName)) {
                overflow = o;
            }
        }
        if (overflow == null) {
            throw new IllegalArgumentException("x-overflow: '" + overflowName
                    + "' is not one of drop-head, reject-publish, reject-publish-dlx");
        }
        double multiplier = number(arguments, "x-redelivery-backoff-multiplier", 1.0);
        if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("x-redelivery-backoff-multiplier: " + multiplier
                    + " must be a number >= 1");
        }
        return new QueueArguments(
                (int) maxPriority,
                integer(arguments, "x-message-ttl", -1, 0, Long.MAX_VALUE),
                integer(arguments, "x-expires", -1, 1, Long.MAX_VALUE),
                integer(arguments, "x-max-length", -1, 0, Long.MAX_VALUE),
                integer(arguments, "x-max-length-bytes", -1, 0, Long.MAX_VALUE),
                overflow,
                bool(arguments, "x-single-active-consumer"),
                string(arguments, "x-dead-letter-exchange", null),
                string(arguments, "x-dead-letter-routing-key", null),
                integer(arguments, "x-delivery-limit", -1, 0, Long.MAX_VALUE),
                integer(arguments, "x-redelivery-delay-ms", 0, 0, Long.MAX_VALUE),
                multiplier,
                integer(arguments, "x-redelivery-delay-max-ms", -1, 0, Long.MAX_VALUE));
    }

    private static long integer(Map<String, Object> args, String key, long absent, long min, long max) {
        Object value = args.get(key);
        if (value == null) {
            return absent;
        }
        long n;
        if (value instanceof Number number && !(value instanceof Double || value instanceof Float)) {
            n = number.longValue();
        } else if (value instanceof String text && text.matches("-?\\d{1,18}")) {
            n = Long.parseLong(text);
        } else {
            throw new IllegalArgumentException(key + ": " + show(value) + " is not an integer");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException(key + ": " + n + " is out of range (" + min + ".."
                    + (max == Long.MAX_VALUE ? "" : max) + ")");
        }
        return n;
    }

    private static double number(Map<String, Object> args, String key, double absent) {
        Object value = args.get(key);
        if (value == null) {
            return absent;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        try {
            return Double.parseDouble(String.valueOf(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": " + show(value) + " is not a number");
        }
    }

    private static boolean bool(Map<String, Object> args, String key) {
        Object value = args.get(key);
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        String text = String.valueOf(value).toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw new IllegalArgumentException(key + ": " + show(value) + " is not a boolean");
    }

    private static String string(Map<String, Object> args, String key, String absent) {
        Object value = args.get(key);
        if (value == null) {
            return absent;
        }
        if (value instanceof CharSequence || value.getClass().getSimpleName().equals("Symbol")) {
            return value.toString();
        }
        throw new IllegalArgumentException(key + ": " + show(value) + " is not a string");
    }

    private static String show(Object value) {
        return value instanceof CharSequence ? "\"" + value + "\"" : String.valueOf(value);
    }

    /** True when the queue must track ready bytes. */
    boolean limitsBytes() {
        return maxLengthBytes >= 0;
    }

    /** The delay before redelivering a message that has failed {@code failures} times (>= 1); 0 for none. */
    public long redeliveryDelayMs(long failures) {
        if (redeliveryDelayMs <= 0 || failures <= 0) {
            return 0;
        }
        double delay = redeliveryDelayMs * Math.pow(backoffMultiplier, failures - 1);
        long capped = redeliveryDelayMaxMs >= 0 ? (long) Math.min(delay, redeliveryDelayMaxMs) : (long) Math.min(delay,
                Long.MAX_VALUE / 2);
        return Math.max(0, capped);
    }
}
