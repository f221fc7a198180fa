package io.wharf.amqp.message;

import static io.wharf.amqp.message.TestMessages.encode;
import static io.wharf.amqp.message.TestMessages.wrap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Header;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The header sent on delivery (part 3, 3.2.1), checked by proton-j decoding the result. */
@Timeout(30)
class HeaderRewriterTest {

    @Test
    void fullMessageGetsNewDeliveryStateAndKeepsEverythingElse() {
        Message original = TestMessages.full();
        byte[] bytes = encode(original);
        MessageView view = MessageView.parse(ByteBuffer.wrap(bytes));
        ByteBuffer[] out = view.withDeliveryState(3, false);
        assertEquals(2, out.length);

        Message decoded = TestMessages.decode(out);
        assertTrue(decoded.isDurable());
        assertEquals(7, decoded.getPriority());
        assertEquals(60_000, decoded.getTtl());
        assertFalse(decoded.isFirstAcquirer());
        assertEquals(3, decoded.getDeliveryCount());
        assertEquals(original.getProperties().getTo(), decoded.getAddress());
        assertEquals(original.getMessageId(), decoded.getMessageId());
        assertEquals(original.getCorrelationId(), decoded.getCorrelationId());
        assertEquals(((Data) original.getBody()).getValue(), ((Data) decoded.getBody()).getValue());
        assertEquals(original.getMessageAnnotations().getValue().keySet(), decoded.getMessageAnnotations().getValue().keySet());
        assertEquals(original.getDeliveryAnnotations().getValue(), decoded.getDeliveryAnnotations().getValue());
        assertEquals(original.getApplicationProperties().getValue(), decoded.getApplicationProperties().getValue());
        assertEquals(original.getFooter().getValue(), decoded.getFooter().getValue());

        // the rest is the original bytes after the original header, not a copy of them
        int originalHeader = view.section(MessageSection.HEADER).remaining();
        assertEquals(bytes.length - originalHeader, out[1].remaining());
        assertEquals(ByteBuffer.wrap(bytes, originalHeader, bytes.length - originalHeader), out[1]);
        assertTrue(out[1].isReadOnly());
        bytes[bytes.length - 1] ^= 1;
        assertEquals(bytes[bytes.length - 1], out[1].get(out[1].limit() - 1));
    }

    @Test
    void messageWithoutHeaderGainsOne() {
        Message original = Message.Factory.create();
        original.setAddress("/queues/q");
        original.setBody(new AmqpValue("v"));
        byte[] bytes = encode(original);
        MessageView view = MessageView.parse(ByteBuffer.wrap(bytes));
        ByteBuffer[] out = view.withDeliveryState(1, true);
        assertEquals(bytes.length, out[1].remaining(), "all of the original follows the new header");

        Message decoded = TestMessages.decode(out);
        assertEquals(1, decoded.getDeliveryCount());
        assertTrue(decoded.isFirstAcquirer());
        assertFalse(decoded.isDurable());
        assertEquals(4, decoded.getPriority());
        assertEquals(0, decoded.getTtl());
        assertEquals("/queues/q", decoded.getAddress());
        assertEquals("v", ((AmqpValue) decoded.getBody()).getValue());

        MessageView again = MessageView.parse(concat(out));
        assertEquals(1, again.deliveryCount());
        assertTrue(again.firstAcquirer());
    }

    @Test
    void sequenceAndDataBodiesSurvive() {
        Message seq = Message.Factory.create();
        seq.setDurable(true);
        seq.setBody(new AmqpSequence(List.of("a", 2L)));
        assertEquals(List.of("a", 2L), ((AmqpSequence) TestMessages.decode(
                MessageView.parse(ByteBuffer.wrap(encode(seq))).withDeliveryState(5, false)).getBody()).getValue());

        Message data = Message.Factory.create();
        data.setBody(new Data(new Binary(new byte[300])));
        Message decoded = TestMessages.decode(MessageView.parse(ByteBuffer.wrap(encode(data))).withDeliveryState(70_000, false));
        assertEquals(70_000, decoded.getDeliveryCount());
        assertEquals(300, ((Data) decoded.getBody()).getValue().getLength());
    }

    @Test
    void shortestEncodings() {
        MessageView plain = MessageView.parse(wrap(0, 0x53, 0x77, 0x40));
        assertHeader(plain, 0, false, 0, 0x53, 0x70, 0x45);
        assertHeader(plain, 0, true, 0, 0x53, 0x70, 0xc0, 5, 4, 0x42, 0x40, 0x40, 0x41);
        assertHeader(plain, 1, false, 0, 0x53, 0x70, 0xc0, 7, 5, 0x42, 0x40, 0x40, 0x42, 0x52, 1);
        assertHeader(plain, 255, false, 0, 0x53, 0x70, 0xc0, 7, 5, 0x42, 0x40, 0x40, 0x42, 0x52, 0xff);
        assertHeader(plain, 256, false, 0, 0x53, 0x70, 0xc0, 10, 5, 0x42, 0x40, 0x40, 0x42, 0x70, 0, 0, 1, 0);
        assertHeader(plain, 0xffffffffL, true, 0, 0x53, 0x70, 0xc0, 10, 5, 0x42, 0x40, 0x40, 0x41, 0x70, 0xff, 0xff, 0xff, 0xff);

        MessageView durable = MessageView.parse(wrap(0, 0x53, 0x70, 0xc0, 2, 1, 0x41, 0, 0x53, 0x77, 0x40));
        assertHeader(durable, 0, false, 0, 0x53, 0x70, 0xc0, 2, 1, 0x41);
        MessageView priority = MessageView.parse(wrap(0, 0x53, 0x70, 0xc0, 4, 2, 0x40, 0x50, 9));
        assertHeader(priority, 0, false, 0, 0x53, 0x70, 0xc0, 4, 2, 0x42, 0x50, 9);
        // an explicit ttl of 0 is kept as such (uint0), distinct from no ttl
        MessageView ttlZero = MessageView.parse(wrap(0, 0x53, 0x70, 0xc0, 4, 3, 0x40, 0x40, 0x43));
        assertHeader(ttlZero, 0, false, 0, 0x53, 0x70, 0xc0, 4, 3, 0x42, 0x40, 0x43);
        MessageView ttl = MessageView.parse(wrap(0, 0x53, 0x70, 0xc0, 9, 3, 0x42, 0x50, 0, 0x70, 0, 1, 0, 0));
        assertHeader(ttl, 2, true, 0, 0x53, 0x70, 0xc0, 12, 5, 0x42, 0x50, 0, 0x70, 0, 1, 0, 0, 0x41, 0x52, 2);
        // the largest header fits MAX_HEADER_BYTES
        MessageView all = MessageView.parse(wrap(0, 0x53, 0x70, 0xc0, 9, 3, 0x41, 0x50, 0, 0x70, 1, 0, 0, 0));
        assertEquals(HeaderRewriter.MAX_HEADER_BYTES, all.withDeliveryState(0x12345678, true)[0].remaining());
    }

    @Test
    void writeHeaderIntoACallersBufferAnyByteOrder() {
        MessageView view = MessageView.parse(ByteBuffer.wrap(encode(TestMessages.full())));
        ByteBuffer dst = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        dst.position(10);
        int n = view.writeHeader(dst, 1000, false);
        assertEquals(10 + n, dst.position());
        ByteBuffer header = dst.flip().position(10);
        Message decoded = TestMessages.decode(header, view.afterHeader());
        assertEquals(1000, decoded.getDeliveryCount());
        assertEquals(60_000, decoded.getTtl());
    }

    @Test
    void deliveryCountMustBeAUint() {
        MessageView view = MessageView.parse(wrap(0, 0x53, 0x77, 0x40));
        assertThrows(IllegalArgumentException.class, () -> view.withDeliveryState(-1, false));
        assertThrows(IllegalArgumentException.class, () -> view.withDeliveryState(1L << 32, false));
    }

    @Test
    void protonReadsEveryHeaderWeWrite() {
        for (int durable = 0; durable < 2; durable++) {
            for (int priority : new int[] {0, 4, 9, 255}) {
                for (long ttl : new long[] {-1, 0, 5, 300, 0xffffffffL}) {
                    ByteBuffer src = ByteBuffer.allocate(32);
                    HeaderRewriter.write(src, durable == 1, priority, ttl, false, 0);
                    MessageView view = MessageView.parse(src.flip());
                    for (long count : new long[] {0, 1, 255, 256, 0xffffffffL}) {
                        ByteBuffer[] out = view.withDeliveryState(count, count % 2 == 1);
                        Header h = TestMessages.decode(out).getHeader();
                        assertEquals(durable == 1, h.getDurable() != null && h.getDurable());
                        assertEquals(priority, h.getPriority() == null ? 4 : h.getPriority().intValue());
                        assertEquals(ttl < 0 ? null : ttl, h.getTtl() == null ? null : h.getTtl().longValue());
                        assertEquals(count, h.getDeliveryCount() == null ? 0 : h.getDeliveryCount().longValue());
                        assertEquals(count % 2 == 1, h.getFirstAcquirer() != null && h.getFirstAcquirer());
                    }
                }
            }
        }
    }

    private static void assertHeader(MessageView view, long count, boolean firstAcquirer, int... expected) {
        ByteBuffer header = view.withDeliveryState(count, firstAcquirer)[0];
        byte[] actual = new byte[header.remaining()];
        header.get(actual);
        byte[] want = new byte[expected.length];
        for (int i = 0; i < expected.length; i++) {
            want[i] = (byte) expected[i];
        }
        assertArrayEquals(want, actual, () -> Arrays.toString(actual));
    }

    private static ByteBuffer concat(ByteBuffer... parts) {
        ByteBuffer all = ByteBuffer.allocate(Arrays.stream(parts).mapToInt(ByteBuffer::remaining).sum());
        for (ByteBuffer p : parts) {
            all.put(p.duplicate());
        }
        return all.flip();
    }
}
