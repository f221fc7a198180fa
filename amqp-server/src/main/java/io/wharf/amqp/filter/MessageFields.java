package io.wharf.amqp.filter;

import io.wharf.amqp.message.MessageProperties;
import io.wharf.amqp.message.MessageView;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HexFormat;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.UnsignedShort;

/**
 * The fields of one message as expression values, read from a {@link MessageView}: only the section a field lives
 * in is decoded, once. Numbers become Long (Double for float, double and ulongs past Long.MAX_VALUE), symbols and
 * chars strings, timestamps epoch milliseconds; anything else (binary, lists, maps, described values) reads as
 * null.
 *
 * <p>JMS header names map onto AMQP as Qpid JMS maps them: JMSPriority header.priority, JMSDeliveryMode
 * header.durable ({@code 'PERSISTENT'}/{@code 'NON_PERSISTENT'}), JMSMessageID / JMSCorrelationID the ids with
 * Qpid JMS's {@code ID:AMQP_...} prefixes for non-string ids, JMSType properties.subject, JMSTimestamp
 * creation-time, JMSExpiration absolute-expiry-time (0 when none), JMSDestination / JMSReplyTo to / reply-to,
 * JMSXUserID user-id, JMSXGroupID group-id, JMSXGroupSeq group-sequence, JMSXDeliveryCount delivery-count + 1.
 */
final class MessageFields implements Expression.Values {

    private final MessageView view;

    MessageFields(MessageView view) {
        this.view = view;
    }

    @Override
    public Object get(Field field) {
        return switch (field.section()) {
            case APPLICATION -> value(view.applicationProperty(field.name()));
            case HEADER -> header(field.name());
            case PROPERTIES -> property(view.properties(), field.name());
            case JMS -> jms(field.name());
        };
    }

    private Object header(String name) {
        return switch (name) {
            case "durable" -> view.durable();
            case "priority" -> (long) view.priority();
            case "ttl" -> view.ttlMs() > 0 ? view.ttlMs() : null;
            case "first-acquirer" -> view.firstAcquirer();
            case "delivery-count" -> view.deliveryCount();
            default -> null;
        };
    }

    static Object property(MessageProperties p, String name) {
        return switch (name) {
            case "message-id" -> value(p.messageId());
            case "user-id" -> p.userId() == null ? null : new String(p.userId(), StandardCharsets.UTF_8);
            case "to" -> p.to();
            case "subject" -> p.subject();
            case "reply-to" -> p.replyTo();
            case "correlation-id" -> value(p.correlationId());
            case "content-type" -> p.contentType();
            case "content-encoding" -> p.contentEncoding();
            case "absolute-expiry-time" -> p.absoluteExpiryTimeMs() != 0 ? p.absoluteExpiryTimeMs() : null;
            case "creation-time" -> p.creationTimeMs() != 0 ? p.creationTimeMs() : null;
            case "group-id" -> p.groupId();
            case "group-sequence" -> p.groupSequence();
            case "reply-to-group-id" -> p.replyToGroupId();
            default -> null;
        };
    }

    private Object jms(String name) {
        MessageProperties p = view.properties();
        return switch (name) {
            case "JMSDeliveryMode" -> view.durable() ? "PERSISTENT" : "NON_PERSISTENT";
            case "JMSPriority" -> (long) view.priority();
            case "JMSMessageID" -> jmsId(p.messageId());
            case "JMSCorrelationID" -> jmsId(p.correlationId());
            case "JMSTimestamp" -> p.creationTimeMs();
            case "JMSExpiration" -> p.absoluteExpiryTimeMs();
            case "JMSType" -> p.subject();
            case "JMSDestination" -> p.to();
            case "JMSReplyTo" -> p.replyTo();
            case "JMSXUserID" -> p.userId() == null ? null : new String(p.userId(), StandardCharsets.UTF_8);
            case "JMSXGroupID" -> p.groupId();
            case "JMSXGroupSeq" -> p.groupSequence();
            case "JMSXDeliveryCount" -> view.deliveryCount() + 1;
            default -> null;
        };
    }

    /** A message or correlation id as Qpid JMS shows it to the application. */
    private static String jmsId(Object id) {
        if (id == null) {
            return null;
        }
        if (id instanceof String s) {
            return s;
        }
        if (id instanceof UUID u) {
            return "ID:AMQP_UUID:" + u;
        }
        if (id instanceof Long l) {
            return "ID:AMQP_ULONG:" + Long.toUnsignedString(l);
        }
        if (id instanceof byte[] b) {
            return "ID:AMQP_BINARY:" + HexFormat.of().withUpperCase().formatHex(b);
        }
        return id.toString();
    }

    /** An AMQP value (as proton-j or {@link MessageProperties} decodes it) as an expression value, or null. */
    static Object value(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof UnsignedByte || v instanceof UnsignedShort || v instanceof UnsignedInteger) {
            return ((Number) v).longValue();
        }
        if (v instanceof UnsignedLong u) {
            long l = u.longValue();
            return l >= 0 ? (Object) l : (Object) u.bigIntegerValue().doubleValue();
        }
        if (v instanceof Symbol || v instanceof Character || v instanceof UUID) {
            return v.toString();
        }
        if (v instanceof Date d) {
            return d.getTime();
        }
        return null;
    }
}
