package io.wharf.amqp.message;

import static io.wharf.amqp.message.TestMessages.encode;
import static io.wharf.amqp.message.TestMessages.wrap;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.ApplicationProperties;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Footer;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Messages encoded by proton-j, read back through the view (AMQP 1.0 part 3, 3.2). */
@Timeout(30)
class MessageViewTest {

    @Test
    void everyAccessorOfAFullMessage() {
        MessageView view = MessageView.parse(ByteBuffer.wrap(encode(TestMessages.full())));

        assertTrue(view.durable());
        assertEquals(7, view.priority());
        assertEquals(60_000, view.ttlMs());
        assertTrue(view.firstAcquirer());
        assertEquals(2, view.deliveryCount());

        assertEquals("/queues/orders", view.to());
        assertEquals("msg-1", view.messageId());
        assertEquals("PUT", view.subject());
        assertEquals("$me", view.replyTo());
        assertEquals(TestMessages.EXPIRY_MS, view.absoluteExpiryTimeMs());
        MessageProperties p = view.properties();
        assertArrayEquals("guest".getBytes(), p.userId());
        assertEquals(TestMessages.CORRELATION, p.correlationId());
        assertEquals("application/octet-stream", p.contentType());
        assertEquals("identity", p.contentEncoding());
        assertEquals(TestMessages.CREATION_MS, p.creationTimeMs());
        assertEquals("group-a", p.groupId());
        assertEquals(9L, p.groupSequence());
        assertEquals("group-b", p.replyToGroupId());

        for (MessageSection s : MessageSection.values()) {
            boolean expected = s != MessageSection.AMQP_SEQUENCE && s != MessageSection.AMQP_VALUE;
            assertEquals(expected, view.has(s), s.toString());
        }
        assertEquals(MessageSection.DATA, view.bodyType());
    }

    @Test
    void messageAnnotationsKeepProtonTypesAndKeysAsText() {
        MessageView view = MessageView.parse(ByteBuffer.wrap(encode(TestMessages.full())));
        assertEquals(TestMessages.DELIVERY_TIME_MS, view.messageAnnotation("x-opt-delivery-time"));
        assertEquals("tag-1", view.messageAnnotation("x-stream-filter-value"));
        assertNull(view.messageAnnotation("x-opt-absent"));
        assertNull(view.messageAnnotation("x-opt-null"));
        assertNull(view.messageAnnotation("x-opt-delivery-tim"));

        Map<String, Object> all = view.messageAnnotations();
        assertEquals(List.of("x-opt-delivery-time", "x-opt-scheduled-enqueue-time", "x-stream-filter-value",
                "x-opt-symbol", "x-opt-uint", "x-opt-list", "x-opt-map", "x-opt-array", "x-opt-null"),
                List.copyOf(all.keySet()));
        assertEquals(new Date(TestMessages.DELIVERY_TIME_MS), all.get("x-opt-scheduled-enqueue-time"));
        assertEquals(Symbol.valueOf("sym"), all.get("x-opt-symbol"));
        assertEquals(UnsignedInteger.valueOf(300), all.get("x-opt-uint"));
        assertEquals(List.of(1, "two", 3L), all.get("x-opt-list"));
        assertEquals(Map.of("k", "v"), all.get("x-opt-map"));
        assertArrayEquals(new Symbol[] {Symbol.valueOf("a"), Symbol.valueOf("b")}, (Object[]) all.get("x-opt-array"));
        assertTrue(all.containsKey("x-opt-null"));
        assertSame(all, view.messageAnnotations(), "decoded once");
        assertEquals("tag-1", view.messageAnnotation("x-stream-filter-value"), "lookup after the map is cached");
        assertThrows(UnsupportedOperationException.class, () -> all.put("x", 1));
    }

    @Test
    void ulongAnnotationKeysReadAsDecimalText() {
        // proton-j's encoder only writes symbol keys, so by hand: {ulong 42: "n", smallulong 7: true}
        ByteBuffer b = TestMessages.wrap(0, 0x53, 0x72, 0xc1, 16, 4, 0x80, 0, 0, 0, 0, 0, 0, 0, 42, 0xa1, 1, 'n', 0x53, 7, 0x41,
                0, 0x53, 0x77, 0x40);
        MessageView view = MessageView.parse(b);
        assertEquals("n", view.messageAnnotation("42"));
        assertEquals(true, view.messageAnnotation("7"));
        assertNull(view.messageAnnotation("4"));
        assertEquals(Map.of("42", "n", "7", true), view.messageAnnotations());
    }

    @Test
    void applicationProperties() {
        MessageView view = MessageView.parse(ByteBuffer.wrap(encode(TestMessages.full())));
        assertEquals(1500L, view.applicationProperty("x-delay"));
        assertEquals(true, view.applicationProperty("gruß"), "non-ASCII names compare as UTF-8");
        assertNull(view.applicationProperty("x-dela"));
        assertEquals(Map.of("x-delay", 1500L, "colour", "blue", "gruß", true), view.applicationProperties());
    }

    @Test
    void withoutHeaderTheDefaultsApply() {
        Message m = Message.Factory.create();
        m.setAddress("/exchanges/amq.topic/a.b");
        m.setBody(new Data(new Binary(new byte[] {1, 2, 3})));
        MessageView view = MessageView.parse(ByteBuffer.wrap(encode(m)));
        assertFalse(view.has(MessageSection.HEADER));
        assertFalse(view.durable());
        assertEquals(4, view.priority());
        assertEquals(0, view.ttlMs());
        assertFalse(view.firstAcquirer());
        assertEquals(0, view.deliveryCount());
        assertEquals("/exchanges/amq.topic/a.b", view.to());
        assertNull(view.messageId());
        assertEquals(0, view.absoluteExpiryTimeMs());
        assertEquals(Map.of(), view.messageAnnotations());
        assertEquals(Map.of(), view.applicationProperties());
    }

    @Test
    void bodyOnlyMessage() {
        MessageView view = MessageView.parse(ByteBuffer.wrap(encode(TestMessages.bodyOnly("just a value"))));
        assertEquals(MessageSection.AMQP_VALUE, view.bodyType());
        assertSame(MessageProperties.NONE, view.properties());
        assertNull(view.to());
        assertEquals(view.sizeBytes(), view.body().remaining());
        assertEquals(view.sizeBytes(), view.bareMessage().remaining());
        assertEquals(view.sizeBytes(), view.afterHeader().remaining());
    }

    @Test
    void bodyTypesAndBodySlice() {
        Message seq = Message.Factory.create();
        seq.setBody(new AmqpSequence(List.of("a", 1, List.of())));
        MessageView s = MessageView.parse(ByteBuffer.wrap(encode(seq)));
        assertEquals(MessageSection.AMQP_SEQUENCE, s.bodyType());

        Message data = Message.Factory.create();
        data.setDurable(true);
        data.setBody(new Data(new Binary("payload".getBytes())));
        MessageView d = MessageView.parse(ByteBuffer.wrap(encode(data)));
        assertEquals(MessageSection.DATA, d.bodyType());
        ByteBuffer body = d.body();
        // 00 53 75 a0 07 "payload"
        assertEquals(3 + 2 + 7, body.remaining());
        assertEquals((byte) 0xa0, body.get(3));
        assertEquals('p', body.get(5));
        assertTrue(body.isReadOnly());
    }

    @Test
    void repeatedDataAndSequenceSectionsFormOneBody() {
        // 00 53 75 a0 01 'x'  twice, then a footer
        ByteBuffer b = wrap(0, 0x53, 0x75, 0xa0, 1, 'x', 0, 0x53, 0x75, 0xa0, 1, 'y', 0, 0x53, 0x78, 0xc1, 1, 0);
        MessageView view = MessageView.parse(b);
        assertEquals(12, view.body().remaining());
        assertEquals(12, view.bareMessage().remaining(), "the footer is not part of the bare message");
        assertEquals(6, view.section(MessageSection.FOOTER).remaining());
        ByteBuffer seqs = wrap(0, 0x53, 0x76, 0x45, 0, 0x53, 0x76, 0xc0, 2, 1, 0x40);
        assertEquals(11, MessageView.parse(seqs).body().remaining());
    }

    @Test
    void footerAndBareMessage() {
        Message m = Message.Factory.create();
        m.setApplicationProperties(new ApplicationProperties(Map.of("k", "v")));
        m.setBody(new Data(new Binary(new byte[] {9})));
        m.setFooter(new Footer(Map.of(Symbol.valueOf("x-opt-sig"), "s")));
        byte[] bytes = encode(m);
        MessageView view = MessageView.parse(ByteBuffer.wrap(bytes));
        ByteBuffer footer = view.section(MessageSection.FOOTER);
        ByteBuffer bare = view.bareMessage();
        assertEquals(bytes.length, bare.remaining() + footer.remaining());
        assertEquals(0, bare.get(0), "bare message starts at the application-properties section");
        assertEquals(0x74, bare.get(2));

        MessageView full = MessageView.parse(ByteBuffer.wrap(encode(TestMessages.full())));
        ByteBuffer fullBare = full.bareMessage();
        assertEquals(0x73, fullBare.get(2), "starts at properties, after the annotations");
        int expected = full.sizeBytes() - full.section(MessageSection.HEADER).remaining()
                - full.section(MessageSection.DELIVERY_ANNOTATIONS).remaining()
                - full.section(MessageSection.MESSAGE_ANNOTATIONS).remaining()
                - full.section(MessageSection.FOOTER).remaining();
        assertEquals(expected, fullBare.remaining());
    }

    @Test
    void messageIdTypes() {
        UUID uuid = UUID.randomUUID();
        Object[][] cases = {
            {"text", "text"},
            {uuid, uuid},
            {UnsignedLong.valueOf(5), 5L},
            {UnsignedLong.valueOf(1L << 40), 1L << 40},
            {UnsignedLong.valueOf(0), 0L},
            {-3L, -3L},           // signed: outside the spec, proton-j sends it for a Long, read anyway
            {1L << 50, 1L << 50},
            {77, 77L},
        };
        for (Object[] c : cases) {
            Message m = Message.Factory.create();
            m.setMessageId(c[0]);
            assertEquals(c[1], MessageView.parse(ByteBuffer.wrap(encode(m))).messageId(), c[0].toString());
        }
        Message m = Message.Factory.create();
        m.setMessageId(new Binary(new byte[] {7, 8}));
        assertArrayEquals(new byte[] {7, 8}, (byte[]) MessageView.parse(ByteBuffer.wrap(encode(m))).messageId());
    }

    @Test
    void symbolicAndLongFormDescriptors() {
        // header by symbol, properties by 8-byte ulong, body by smallulong
        ByteBuffer b = ByteBuffer.allocate(64);
        b.put((byte) 0).put((byte) 0xa3).put((byte) 16).put("amqp:header:list".getBytes()).put(new byte[] {(byte) 0xc0, 2, 1, 0x41});
        b.put((byte) 0).put((byte) 0x80).putLong(0x73).put(new byte[] {(byte) 0xc0, 6, 3, 0x40, 0x40, (byte) 0xa1, 1, 'q'});
        b.put(new byte[] {0, 0x53, 0x77, 0x40});
        MessageView view = MessageView.parse(b.flip());
        assertTrue(view.durable());
        assertEquals("q", view.to());
        assertEquals(MessageSection.AMQP_VALUE, view.bodyType());
        // sym32 form too
        ByteBuffer c = ByteBuffer.allocate(64);
        c.put((byte) 0).put((byte) 0xb3).putInt(17).put("amqp:amqp-value:*".getBytes()).put((byte) 0x41);
        assertEquals(MessageSection.AMQP_VALUE, MessageView.parse(c.flip()).bodyType());
    }

    @Test
    void handWrittenHeaderWithNullsAndOddEncodings() {
        // durable as boolean 0x56 01, priority null, ttl uint 70, first-acquirer null, count smalluint 3
        ByteBuffer b = wrap(0, 0x53, 0x70, 0xc0, 12, 5, 0x56, 1, 0x40, 0x70, 0, 0, 1, 0, 0x40, 0x52, 3);
        MessageView view = MessageView.parse(b);
        assertTrue(view.durable());
        assertEquals(4, view.priority());
        assertEquals(256, view.ttlMs());
        assertFalse(view.firstAcquirer());
        assertEquals(3, view.deliveryCount());
        assertEquals(0, view.afterHeader().remaining());
        // extra trailing header fields are ignored
        assertEquals(9, MessageView.parse(wrap(0, 0x53, 0x70, 0xc0, 8, 6, 0x40, 0x50, 9, 0x40, 0x40, 0x40, 0x41)).priority());
        // a header of null and properties of null are empty
        MessageView nulls = MessageView.parse(wrap(0, 0x53, 0x70, 0x40, 0, 0x53, 0x73, 0x40));
        assertEquals(4, nulls.priority());
        assertNull(nulls.to());
    }

    @Test
    void wrongFieldTypesAreMalformedWhenRead() {
        // header.priority as a string: parse succeeds (the bytes are well formed), the accessor refuses
        MessageView badPriority = MessageView.parse(wrap(0, 0x53, 0x70, 0xc0, 5, 2, 0x42, 0xa1, 1, '9'));
        MalformedMessageException e = assertThrows(MalformedMessageException.class, badPriority::priority);
        assertTrue(e.getMessage().contains("header.priority"), e.getMessage());
        assertEquals(7, e.position());
        // properties.to as an int
        MessageView badTo = MessageView.parse(wrap(0, 0x53, 0x73, 0xc0, 5, 3, 0x40, 0x40, 0x54, 1));
        assertThrows(MalformedMessageException.class, badTo::to);
        // boolean byte that is neither 0 nor 1
        assertThrows(MalformedMessageException.class, MessageView.parse(wrap(0, 0x53, 0x70, 0xc0, 3, 1, 0x56, 2))::durable);
        // annotation key that is a string, not a symbol
        MessageView badKey = MessageView.parse(wrap(0, 0x53, 0x72, 0xc1, 5, 2, 0xa1, 1, 'k', 0x40));
        assertThrows(MalformedMessageException.class, badKey::messageAnnotations);
        assertThrows(MalformedMessageException.class, () -> badKey.messageAnnotation("k"));
    }

    @Test
    void sectionOrderIsEnforced() {
        int[] header = {0, 0x53, 0x70, 0x45};
        int[] props = {0, 0x53, 0x73, 0x45};
        int[] value = {0, 0x53, 0x77, 0x40};
        int[] data = {0, 0x53, 0x75, 0xa0, 0};
        int[] seq = {0, 0x53, 0x76, 0x45};
        assertMalformed("out of order", props, header);
        assertMalformed("out of order", value, props);
        assertMalformed("repeated", header, header);
        assertMalformed("repeated", value, value);
        assertMalformed("mixed", data, seq);
        assertMalformed("mixed", data, value);
    }

    @Test
    void wrongSectionContentIsMalformed() {
        assertMalformed("wrong type", new int[] {0, 0x53, 0x75, 0xa1, 0});          // data holding a string
        assertMalformed("wrong type", new int[] {0, 0x53, 0x70, 0xc1, 1, 0});       // header holding a map
        assertMalformed("wrong type", new int[] {0, 0x53, 0x72, 0x45});             // annotations holding a list
        assertMalformed("wrong type", new int[] {0, 0x53, 0x76, 0x40});             // sequence holding null
    }

    @Test
    void notASectionIsMalformed() {
        assertMalformed("empty", new int[0]);
        assertMalformed("unknown section descriptor 0x79", new int[] {0, 0x53, 0x79, 0x40});
        assertMalformed("unknown section descriptor 0x0", new int[] {0, 0x44, 0x40});
        assertMalformed("unknown section descriptor 0x100000070", new int[] {0, 0x80, 0, 0, 0, 1, 0, 0, 0, 0x70, 0x40});
        assertMalformed("unknown section descriptor 'amqp:value'", new int[] {0, 0xa3, 10, 'a', 'm', 'q', 'p', ':', 'v', 'a', 'l', 'u', 'e', 0x40});
        assertMalformed("must be a ulong or a symbol", new int[] {0, 0xa1, 1, 'x', 0x40});
        assertMalformed("expected a section", new int[] {0x45});
        assertMalformed("expected a section", new int[] {0, 0x53, 0x77, 0x40, 0x40});
    }

    @Test
    void parseSharesTheBytesAndLeavesTheCallersBufferAlone() {
        byte[] encoded = encode(TestMessages.full());
        byte[] framed = new byte[encoded.length + 10];
        System.arraycopy(encoded, 0, framed, 7, encoded.length);
        ByteBuffer caller = ByteBuffer.wrap(framed, 7, encoded.length);
        MessageView view = MessageView.parse(caller);
        assertEquals(7, caller.position());
        assertEquals(7 + encoded.length, caller.limit());
        assertEquals(encoded.length, view.sizeBytes());
        assertEquals("/queues/orders", view.to());
        assertTrue(view.encoded().isReadOnly());
        // zero copy: the slices handed out see the caller's array
        ByteBuffer bare = view.bareMessage();
        int last = framed.length - 4;
        framed[last] ^= 0x55;
        assertEquals(framed[last], view.encoded().get(last - 7));
        assertTrue(bare.isReadOnly());

        ByteBuffer direct = ByteBuffer.allocateDirect(encoded.length).put(encoded).flip();
        assertEquals(7, MessageView.parse(direct).priority());
    }

    private static void assertMalformed(String reason, int[]... sections) {
        int n = 0;
        for (int[] s : sections) {
            n += s.length;
        }
        int[] all = new int[n];
        int at = 0;
        for (int[] s : sections) {
            System.arraycopy(s, 0, all, at, s.length);
            at += s.length;
        }
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> MessageView.parse(wrap(all)));
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }
}
