package io.wharf.broker.admin;

import io.wharf.plugin.admin.AdminException;
import io.wharf.plugin.admin.BrokerAdmin;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.proton.Proton;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.amqp.messaging.Properties;
import org.apache.qpid.proton.amqp.messaging.Section;
import org.apache.qpid.proton.message.Message;

/**
 * Messages published and fetched through management, in the property names of RabbitMQ's HTTP API mapped onto AMQP
 * 1.0 sections: header (durable from delivery_mode 2, priority, ttl from expiration), properties (message_id,
 * correlation_id, content_type, content_encoding, reply_to, subject, user_id, to), application properties
 * (headers), body one data section. Only management uses these; the broker's own path never decodes a message.
 */
final class AdminMessages {

    private AdminMessages() {
    }

    /** Encodes a message to publish; a property of the wrong type is a 400. */
    static ByteBuffer encode(BrokerAdmin.OutgoingMessage outgoing) {
        Map<String, Object> p = outgoing.properties() == null ? Map.of() : outgoing.properties();
        Message message = Proton.message();
        Header header = new Header();
        Object mode = p.get("delivery_mode");
        header.setDurable(mode == null || number(mode, "delivery_mode") == 2);
        if (p.get("priority") != null) {
            long priority = number(p.get("priority"), "priority");
            if (priority < 0 || priority > 255) {
                throw bad("'priority' must be 0..255, not " + priority);
            }
            header.setPriority(UnsignedByte.valueOf((byte) priority));
        }
        if (p.get("expiration") != null) {
            long ttl;
            try {
                ttl = Long.parseLong(String.valueOf(p.get("expiration")));
            } catch (NumberFormatException e) {
                throw bad("'expiration' must be a number of milliseconds, not " + p.get("expiration"));
            }
            if (ttl < 0 || ttl > 0xFFFFFFFFL) {
                throw bad("'expiration' is out of range: " + ttl);
            }
            header.setTtl(UnsignedInteger.valueOf(ttl));
        }
        message.setHeader(header);
        Properties properties = new Properties();
        properties.setMessageId(optText(p, "message_id"));
        properties.setCorrelationId(optText(p, "correlation_id"));
        String contentType = optText(p, "content_type");
        properties.setContentType(contentType == null ? null : Symbol.valueOf(contentType));
        String encoding = optText(p, "content_encoding");
        properties.setContentEncoding(encoding == null ? null : Symbol.valueOf(encoding));
        properties.setReplyTo(optText(p, "reply_to"));
        properties.setSubject(optText(p, "subject"));
        properties.setTo(optText(p, "to"));
        String userId = optText(p, "user_id");
        properties.setUserId(userId == null ? null : new Binary(userId.getBytes(StandardCharsets.UTF_8)));
        if (p.get("timestamp") != null) {
            properties.setCreationTime(new Date(number(p.get("timestamp"), "timestamp") * 1000));
        }
        message.setProperties(properties);
        Object headers = p.get("headers");
        if (headers != null) {
            if (!(headers instanceof Map<?, ?> map)) {
                throw bad("'headers' must be an object");
            }
            Map<String, Object> application = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (v instanceof Map || v instanceof java.util.List) {
                    throw bad("header '" + k + "' must be a string, number or boolean");
                }
                application.put(String.valueOf(k), v);
            });
            message.setApplicationProperties(new ApplicationProperties(application));
        }
        message.setBody(new Data(new Binary(outgoing.payload())));
        int size = outgoing.payload().length + 1024;
        for (;;) {
            byte[] buffer = new byte[size];
            try {
                int n = message.encode(buffer, 0, buffer.length);
                return ByteBuffer.wrap(buffer, 0, n).slice();
            } catch (java.nio.BufferOverflowException e) {
                size *= 2;
            }
        }
    }

    /** Decodes a stored message for a management get. */
    static BrokerAdmin.FetchedMessage decode(byte[] bytes, boolean redelivered, long remaining) {
        Message message = Proton.message();
        message.decode(bytes, 0, bytes.length);
        Map<String, Object> p = new LinkedHashMap<>();
        Header header = message.getHeader();
        if (header != null) {
            p.put("delivery_mode", Boolean.TRUE.equals(header.getDurable()) ? 2 : 1);
            if (header.getPriority() != null) {
                p.put("priority", header.getPriority().intValue());
            }
            if (header.getTtl() != null) {
                p.put("expiration", String.valueOf(header.getTtl().longValue()));
            }
        }
        Properties properties = message.getProperties();
        if (properties != null) {
            putText(p, "message_id", properties.getMessageId());
            putText(p, "correlation_id", properties.getCorrelationId());
            putText(p, "content_type", properties.getContentType());
            putText(p, "content_encoding", properties.getContentEncoding());
            putText(p, "reply_to", properties.getReplyTo());
            putText(p, "subject", properties.getSubject());
            putText(p, "to", properties.getTo());
            if (properties.getUserId() != null) {
                Binary id = properties.getUserId();
                p.put("user_id", new String(id.getArray(), id.getArrayOffset(), id.getLength(), StandardCharsets.UTF_8));
            }
            if (properties.getCreationTime() != null) {
                p.put("timestamp", properties.getCreationTime().getTime() / 1000);
            }
        }
        if (message.getApplicationProperties() != null && message.getApplicationProperties().getValue() != null) {
            Map<String, Object> headers = new LinkedHashMap<>();
            message.getApplicationProperties().getValue().forEach((k, v) -> headers.put(String.valueOf(k), plain(v)));
            p.put("headers", headers);
        }
        return new BrokerAdmin.FetchedMessage(body(message.getBody()), p, redelivered, remaining);
    }

    private static byte[] body(Section body) {
        if (body instanceof Data data && data.getValue() != null) {
            Binary b = data.getValue();
            byte[] out = new byte[b.getLength()];
            System.arraycopy(b.getArray(), b.getArrayOffset(), out, 0, out.length);
            return out;
        }
        if (body instanceof AmqpValue value) {
            Object v = value.getValue();
            if (v instanceof Binary b) {
                byte[] out = new byte[b.getLength()];
                System.arraycopy(b.getArray(), b.getArrayOffset(), out, 0, out.length);
                return out;
            }
            return String.valueOf(v).getBytes(StandardCharsets.UTF_8);
        }
        if (body == null) {
            return new byte[0];
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static Object plain(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Integer
                || v instanceof Double) {
            return v;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        return String.valueOf(v);
    }

    private static void putText(Map<String, Object> p, String name, Object value) {
        if (value != null) {
            p.put(name, String.valueOf(value));
        }
    }

    private static String optText(Map<String, Object> p, String name) {
        Object v = p.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw bad("'" + name + "' must be a string, not " + v);
        }
        return s;
    }

    private static long number(Object v, String name) {
        if (v instanceof Long || v instanceof Integer) {
            return ((Number) v).longValue();
        }
        throw bad("'" + name + "' must be an integer, not " + v);
    }

    private static AdminException bad(String message) {
        return new AdminException(AdminException.Reason.BAD_REQUEST, message);
    }
}
