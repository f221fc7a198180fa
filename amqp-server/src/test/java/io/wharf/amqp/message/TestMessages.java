package io.wharf.amqp.message;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.DeliveryAnnotations;
import org.apache.qpid.proton.amqp.messaging.Footer;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;

/** Encoded messages for the tests, built with proton-j's Message API (the reference encoder). */
final class TestMessages {

    static final long EXPIRY_MS = 1_900_000_000_123L;
    static final long CREATION_MS = 1_700_000_000_456L;
    static final long DELIVERY_TIME_MS = 1_800_000_000_000L;
    static final UUID CORRELATION = UUID.fromString("6f1c2a5e-0b8d-4e5f-9a1b-2c3d4e5f6a7b");

    private TestMessages() {
    }

    static byte[] encode(Message message) {
        byte[] out = new byte[1 << 16];
        int n = message.encode(out, 0, out.length);
        return Arrays.copyOf(out, n);
    }

    static Message decode(ByteBuffer... parts) {
        int total = Arrays.stream(parts).mapToInt(ByteBuffer::remaining).sum();
        byte[] all = new byte[total];
        int at = 0;
        for (ByteBuffer part : parts) {
            int n = part.remaining();
            part.duplicate().get(all, at, n);
            at += n;
        }
        Message message = Message.Factory.create();
        message.decode(all, 0, total);
        return message;
    }

    static ByteBuffer wrap(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            b[i] = (byte) bytes[i];
        }
        return ByteBuffer.wrap(b);
    }

    /** Every section, annotations of many types, one data body. */
    static Message full() {
        Message m = Message.Factory.create();
        m.setDurable(true);
        m.setPriority((short) 7);
        m.setTtl(60_000);
        m.setFirstAcquirer(true);
        m.setDeliveryCount(2);

        Map<Symbol, Object> da = new LinkedHashMap<>();
        da.put(Symbol.valueOf("x-opt-da"), "delivery-annotation");
        m.setDeliveryAnnotations(new DeliveryAnnotations(da));
        m.setMessageAnnotations(new MessageAnnotations(annotations()));

        m.setMessageId("msg-1");
        m.setUserId("guest".getBytes());
        m.setAddress("/queues/orders");
        m.setSubject("PUT");
        m.setReplyTo("$me");
        m.setCorrelationId(CORRELATION);
        m.setContentType("application/octet-stream");
        m.setContentEncoding("identity");
        m.setExpiryTime(EXPIRY_MS);
        m.setCreationTime(CREATION_MS);
        m.setGroupId("group-a");
        m.setGroupSequence(9);
        m.setReplyToGroupId("group-b");

        Map<String, Object> ap = new LinkedHashMap<>();
        ap.put("x-delay", 1500L);
        ap.put("colour", "blue");
        ap.put("gruß", true);
        m.setApplicationProperties(new ApplicationProperties(ap));
        m.setBody(new Data(new Binary("hello, wharf".getBytes())));

        Map<Symbol, Object> footer = new LinkedHashMap<>();
        footer.put(Symbol.valueOf("x-opt-hash"), new Binary(new byte[] {1, 2, 3}));
        m.setFooter(new Footer(footer));
        return m;
    }

    static Map<Symbol, Object> annotations() {
        Map<Symbol, Object> raw = new LinkedHashMap<>();
        raw.put(Symbol.valueOf("x-opt-delivery-time"), DELIVERY_TIME_MS);
        raw.put(Symbol.valueOf("x-opt-scheduled-enqueue-time"), new Date(DELIVERY_TIME_MS));
        raw.put(Symbol.valueOf("x-stream-filter-value"), "tag-1");
        raw.put(Symbol.valueOf("x-opt-symbol"), Symbol.valueOf("sym"));
        raw.put(Symbol.valueOf("x-opt-uint"), UnsignedInteger.valueOf(300));
        raw.put(Symbol.valueOf("x-opt-list"), List.of(1, "two", 3L));
        raw.put(Symbol.valueOf("x-opt-map"), Map.of("k", "v"));
        raw.put(Symbol.valueOf("x-opt-array"), new Symbol[] {Symbol.valueOf("a"), Symbol.valueOf("b")});
        raw.put(Symbol.valueOf("x-opt-null"), null);
        return raw;
    }

    /** Only an amqp-value body: no header, nothing else. */
    static Message bodyOnly(Object value) {
        Message m = Message.Factory.create();
        m.setBody(new AmqpValue(value));
        return m;
    }
}
