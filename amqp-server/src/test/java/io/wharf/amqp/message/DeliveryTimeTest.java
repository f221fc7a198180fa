package io.wharf.amqp.message;

import static io.wharf.amqp.message.TestMessages.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.MessageAnnotations;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

/** Every delay convention of WIRE.md, which one wins, and the errors for values of the wrong type. */
class DeliveryTimeTest {

    private static final long NOW = 1_800_000_000_000L;

    private static MessageView message(Map<String, Object> annotations, Map<String, Object> properties) {
        Message m = Message.Factory.create();
        m.setBody(new AmqpValue("x"));
        if (!annotations.isEmpty()) {
            Map<Symbol, Object> symbols = new HashMap<>();
            annotations.forEach((k, v) -> symbols.put(Symbol.valueOf(k), v));
            m.setMessageAnnotations(new MessageAnnotations(symbols));
        }
        if (!properties.isEmpty()) {
            m.setApplicationProperties(new ApplicationProperties(new HashMap<>(properties)));
        }
        return MessageView.parse(ByteBuffer.wrap(encode(m)));
    }

    private static long of(Map<String, Object> annotations, Map<String, Object> properties) throws Exception {
        return DeliveryTime.of(message(annotations, properties), NOW);
    }

    @Test
    void eachConventionGivesTheDueTime() throws Exception {
        assertEquals(NOW + 5, of(Map.of("x-opt-delivery-time", new Date(NOW + 5)), Map.of()));
        assertEquals(NOW + 6, of(Map.of("x-opt-delivery-time", NOW + 6), Map.of()));
        assertEquals(NOW + 7, of(Map.of("x-opt-scheduled-enqueue-time", new Date(NOW + 7)), Map.of()));
        assertEquals(NOW + 8, of(Map.of("x-opt-delivery-delay", 8L), Map.of()));
        assertEquals(NOW + 9, of(Map.of(), Map.of("x-delay", 9)));
        assertEquals(NOW + 10, of(Map.of(), Map.of("x-delay", "10")));
        assertEquals(NOW + 11, of(Map.of("x-opt-delivery-delay", UnsignedLong.valueOf(11)), Map.of()));
    }

    @Test
    void anAbsoluteTimeWinsOverADelayAndThePastMeansNow() throws Exception {
        assertEquals(NOW + 5, of(Map.of("x-opt-delivery-time", new Date(NOW + 5), "x-opt-delivery-delay", 100L),
                Map.of("x-delay", 1000)));
        assertEquals(NOW + 100, of(Map.of("x-opt-delivery-delay", 100L), Map.of("x-delay", 1000)));
        assertEquals(0, of(Map.of("x-opt-delivery-time", new Date(NOW - 5)), Map.of()));
        assertEquals(0, of(Map.of(), Map.of("x-delay", -5)));
        assertEquals(0, of(Map.of(), Map.of()));
        assertEquals(Long.MAX_VALUE, of(Map.of("x-opt-delivery-delay", Long.MAX_VALUE), Map.of()));
    }

    @Test
    void aValueOfTheWrongTypeNamesTheKey() {
        DeliveryTime.InvalidDelayException e = assertThrows(DeliveryTime.InvalidDelayException.class,
                () -> of(Map.of("x-opt-delivery-delay", "soon"), Map.of()));
        assertTrue(e.getMessage().contains("x-opt-delivery-delay"), e.getMessage());
        e = assertThrows(DeliveryTime.InvalidDelayException.class,
                () -> of(Map.of("x-opt-delivery-time", "tomorrow"), Map.of()));
        assertTrue(e.getMessage().contains("x-opt-delivery-time"), e.getMessage());
        e = assertThrows(DeliveryTime.InvalidDelayException.class, () -> of(Map.of(), Map.of("x-delay", 1.5)));
        assertTrue(e.getMessage().contains("x-delay"), e.getMessage());
    }

    @Test
    void messageIdsReadAsTextForCancelling() {
        Message m = Message.Factory.create();
        m.setBody(new AmqpValue("x"));
        UUID uuid = UUID.randomUUID();
        m.setMessageId(uuid);
        assertEquals(uuid.toString(), new MessageIdReader().messageId(ByteBuffer.wrap(encode(m))));
        m.setMessageId(UnsignedLong.valueOf(42));
        assertEquals("42", new MessageIdReader().messageId(ByteBuffer.wrap(encode(m))));
        m.setMessageId(new Binary(new byte[] {0x0a, (byte) 0xff}));
        assertEquals("0aff", new MessageIdReader().messageId(ByteBuffer.wrap(encode(m))));
        m.setMessageId("plain");
        assertEquals("plain", new MessageIdReader().messageId(ByteBuffer.wrap(encode(m))));
        assertEquals(null, new MessageIdReader().messageId(ByteBuffer.wrap(new byte[] {1, 2, 3})));
    }
}
