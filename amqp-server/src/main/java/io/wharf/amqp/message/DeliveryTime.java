package io.wharf.amqp.message;

import java.util.Date;

/**
 * When a published message may first be delivered, from the conventions producers already use (WIRE.md,
 * "Delayed delivery"):
 *
 * <table>
 *   <caption>delay conventions, first match wins</caption>
 *   <tr><th>where</th><th>key</th><th>value</th><th>used by</th></tr>
 *   <tr><td>message annotation</td><td>{@code x-opt-delivery-time}</td><td>timestamp or long, epoch ms</td>
 *       <td>Qpid JMS {@code setDeliveryDelay}, Artemis</td></tr>
 *   <tr><td>message annotation</td><td>{@code x-opt-scheduled-enqueue-time}</td><td>timestamp or long, epoch ms</td>
 *       <td>Azure Service Bus clients</td></tr>
 *   <tr><td>message annotation</td><td>{@code x-opt-delivery-delay}</td><td>integer, ms after arrival</td>
 *       <td>Artemis</td></tr>
 *   <tr><td>application property</td><td>{@code x-delay}</td><td>integer, ms after arrival</td>
 *       <td>RabbitMQ delayed-message exchange</td></tr>
 * </table>
 *
 * An absolute time wins over a delay. A time in the past and a delay of zero or less mean "now".
 */
public final class DeliveryTime {

    public static final String DELIVERY_TIME = "x-opt-delivery-time";
    public static final String SCHEDULED_ENQUEUE_TIME = "x-opt-scheduled-enqueue-time";
    public static final String DELIVERY_DELAY = "x-opt-delivery-delay";
    public static final String X_DELAY = "x-delay";

    /** A delay convention with a value of the wrong type; the message is rejected, naming the key. */
    public static final class InvalidDelayException extends Exception {
        InvalidDelayException(String message) {
            super(message);
        }
    }

    private DeliveryTime() {
    }

    /**
     * The epoch ms before which {@code view} must not be delivered, or 0 for "now".
     *
     * @throws InvalidDelayException when a delay key holds something that is not a time or a number
     * @throws MalformedMessageException when the annotation or property section cannot be read
     */
    public static long of(MessageView view, long nowMs) throws InvalidDelayException {
        long time = absolute(view.messageAnnotation(DELIVERY_TIME), DELIVERY_TIME);
        if (time == 0) {
            time = absolute(view.messageAnnotation(SCHEDULED_ENQUEUE_TIME), SCHEDULED_ENQUEUE_TIME);
        }
        if (time == 0) {
            time = relative(view.messageAnnotation(DELIVERY_DELAY), DELIVERY_DELAY, "message annotation", nowMs);
        }
        if (time == 0) {
            time = relative(view.applicationProperty(X_DELAY), X_DELAY, "application property", nowMs);
        }
        return time > nowMs ? time : 0;
    }

    private static long absolute(Object value, String key) throws InvalidDelayException {
        if (value == null) {
            return 0;
        }
        if (value instanceof Date date) {
            return date.getTime();
        }
        if (isInteger(value)) {
            return ((Number) value).longValue();
        }
        throw new InvalidDelayException("message annotation " + key + " must be a timestamp or a long (epoch ms), "
                + "not " + describe(value));
    }

    private static long relative(Object value, String key, String where, long nowMs) throws InvalidDelayException {
        if (value == null) {
            return 0;
        }
        long delayMs;
        if (isInteger(value)) {
            delayMs = ((Number) value).longValue();
        } else if (value instanceof String text && !text.isBlank()) {
            // Some RabbitMQ clients send x-delay as text; a number in text is still a number.
            try {
                delayMs = Long.parseLong(text.trim());
            } catch (NumberFormatException e) {
                throw new InvalidDelayException(where + " " + key + " must be a number of milliseconds, not '" + text
                        + "'");
            }
        } else {
            throw new InvalidDelayException(where + " " + key + " must be a number of milliseconds, not "
                    + describe(value));
        }
        if (delayMs <= 0) {
            return 0;
        }
        return delayMs > Long.MAX_VALUE - nowMs ? Long.MAX_VALUE : nowMs + delayMs;
    }

    private static boolean isInteger(Object value) {
        return value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte
                || value instanceof org.apache.qpid.proton.amqp.UnsignedLong
                || value instanceof org.apache.qpid.proton.amqp.UnsignedInteger
                || value instanceof org.apache.qpid.proton.amqp.UnsignedShort
                || value instanceof org.apache.qpid.proton.amqp.UnsignedByte;
    }

    private static String describe(Object value) {
        return value.getClass().getSimpleName() + " " + value;
    }
}
