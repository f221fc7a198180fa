package io.wharf.amqp.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;

class DeathAnnotationsTest {

    @Test
    void firstDeathSetsEverything() {
        Map<String, Object> a = DeathAnnotations.died(Map.of(), "orders", "rejected", "", List.of("orders"), 1000);
        List<?> deaths = (List<?>) a.get("x-opt-deaths");
        assertEquals(1, deaths.size());
        Map<?, ?> death = (Map<?, ?>) deaths.get(0);
        assertEquals("orders", death.get(Symbol.valueOf("queue")));
        assertEquals(Symbol.valueOf("rejected"), death.get(Symbol.valueOf("reason")));
        assertEquals(UnsignedLong.valueOf(1), death.get(Symbol.valueOf("count")));
        assertEquals("orders", a.get("x-first-death-queue"));
        assertEquals(Symbol.valueOf("rejected"), a.get("x-first-death-reason"));
        assertEquals("", a.get("x-first-death-exchange"));
    }

    @Test
    void dyingAgainCountsAndKeepsTheFirstDeath() {
        Map<String, Object> once = DeathAnnotations.died(Map.of(), "q1", "expired", "x", List.of("k"), 1000);
        Map<String, Object> other = DeathAnnotations.died(once, "q2", "rejected", "dlx", List.of("k"), 2000);
        Map<String, Object> merged = new java.util.HashMap<>(once);
        merged.putAll(other);
        Map<String, Object> again = DeathAnnotations.died(merged, "q1", "expired", "x", List.of("k"), 3000);
        List<?> deaths = (List<?>) again.get("x-opt-deaths");
        assertEquals(2, deaths.size());
        Map<?, ?> latest = (Map<?, ?>) deaths.get(0);
        assertEquals("q1", latest.get(Symbol.valueOf("queue")));
        assertEquals(UnsignedLong.valueOf(2), latest.get(Symbol.valueOf("count")));
        assertEquals(new java.util.Date(3000), latest.get(Symbol.valueOf("last-time")));
        assertEquals(new java.util.Date(1000), latest.get(Symbol.valueOf("first-time")));
        assertEquals(null, again.get("x-first-death-queue"), "the first death is not overwritten");
    }

    @Test
    void annotatedMessageStillDecodes() {
        Message message = Message.Factory.create();
        message.setBody(new AmqpValue("body"));
        byte[] buffer = new byte[1024];
        int n = message.encode(buffer, 0, buffer.length);
        MessageView view = MessageView.parse(ByteBuffer.wrap(buffer, 0, n));
        Map<String, Object> deaths = DeathAnnotations.died(view.messageAnnotations(), "q", "maxlen", "",
                List.of("q"), 5000);
        ByteBuffer[] parts = view.withDeliveryState(0, true, deaths);
        ByteBuffer joined = ByteBuffer.allocate(Math.toIntExact(java.util.Arrays.stream(parts)
                .mapToLong(ByteBuffer::remaining).sum()));
        for (ByteBuffer p : parts) {
            joined.put(p.duplicate());
        }
        joined.flip();
        Message decoded = Message.Factory.create();
        decoded.decode(joined.array(), 0, joined.limit());
        assertEquals("body", ((AmqpValue) decoded.getBody()).getValue());
        assertEquals("q", decoded.getMessageAnnotations().getValue().get(Symbol.valueOf("x-first-death-queue")));
        MessageView again = MessageView.parse(joined);
        assertEquals(1, ((List<?>) again.messageAnnotations().get("x-opt-deaths")).size());
    }
}
