package io.wharf.amqp.message;

import static io.wharf.amqp.message.TestMessages.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpSequence;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.message.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile and broken input: whatever the bytes, the view either works or throws
 * {@link MalformedMessageException}; never another exception, never a hang, never a stack overflow.
 */
@Timeout(120)
class MalformedInputTest {

    private static final long SEED = 0x57a4fL;

    @Test
    void truncatedAtEveryByteParsesOnlyAtSectionBoundaries() {
        for (Message m : samples()) {
            byte[] bytes = encode(m);
            MessageView full = MessageView.parse(ByteBuffer.wrap(bytes));
            TreeSet<Integer> boundaries = new TreeSet<>();
            for (int pos = 0; pos < bytes.length; ) {
                pos = AmqpTypeScanner.endOf(ByteBuffer.wrap(bytes), pos);
                boundaries.add(pos);
            }
            for (int length = 0; length < bytes.length; length++) {
                ByteBuffer prefix = ByteBuffer.wrap(bytes, 0, length);
                if (boundaries.contains(length)) {
                    MessageView view = MessageView.parse(prefix);
                    exercise(view);
                    if (view.has(MessageSection.HEADER)) {
                        assertEquals(full.deliveryCount(), view.deliveryCount());
                        assertEquals(full.priority(), view.priority());
                    }
                    if (view.has(MessageSection.PROPERTIES)) {
                        assertEquals(full.to(), view.to());
                    }
                } else {
                    MalformedMessageException e = assertThrows(MalformedMessageException.class,
                            () -> MessageView.parse(prefix), "length " + length);
                    assertTrue(e.position() >= 0 && e.position() <= length, e.getMessage());
                }
            }
        }
    }

    @Test
    void everyByteReplaced() {
        Random random = new Random(SEED);
        int[] replacements = {0x00, 0xff, 0x40, 0x45, 0x53, 0x70, 0x80, 0xa1, 0xb1, 0xc0, 0xd0, 0xd1, 0xe0, 0xf0};
        for (Message m : samples()) {
            byte[] bytes = encode(m);
            for (int i = 0; i < bytes.length; i++) {
                for (int r = 0; r < replacements.length + 3; r++) {
                    byte[] mutated = bytes.clone();
                    mutated[i] = (byte) (r < replacements.length ? replacements[r]
                            : r == replacements.length ? bytes[i] ^ 0x80 : random.nextInt(256));
                    tryEverything(mutated);
                }
            }
        }
    }

    @Test
    void randomBytes() {
        Random random = new Random(SEED);
        int parsed = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] input;
            switch (i % 3) {
                case 0 -> {
                    input = new byte[random.nextInt(65)];
                    random.nextBytes(input);
                }
                case 1 -> {
                    // a section opening, then noise: gets past the first checks
                    input = new byte[3 + random.nextInt(48)];
                    random.nextBytes(input);
                    input[0] = 0;
                    input[1] = 0x53;
                    input[2] = (byte) (0x70 + random.nextInt(9));
                }
                default -> input = new RandomMessage(random).bytes();
            }
            if (tryEverything(input)) {
                parsed++;
            }
        }
        // the structured third must mostly parse, or the accessors were never reached
        assertTrue(parsed > 2_000, "only " + parsed + " random inputs parsed");
    }

    @Test
    void deeplyNestedBodyIsRejected() {
        ByteBuffer deep = section(0x77, AmqpTypeScannerTest.nestedLists(10_000));
        assertThrows(MalformedMessageException.class, () -> MessageView.parse(deep));
        // the section's described type takes one level, its value may take the other 63
        MessageView ok = MessageView.parse(section(0x77, AmqpTypeScannerTest.nestedLists(AmqpTypeScanner.MAX_DEPTH - 1)));
        assertEquals(MessageSection.AMQP_VALUE, ok.bodyType());
        assertThrows(MalformedMessageException.class,
                () -> MessageView.parse(section(0x77, AmqpTypeScannerTest.nestedLists(AmqpTypeScanner.MAX_DEPTH))));
    }

    @Test
    void deeplyNestedAnnotationIsRejectedAtParse() {
        ByteBuffer value = AmqpTypeScannerTest.nestedLists(5_000);
        ByteBuffer map = ByteBuffer.allocate(9 + 3 + value.remaining());
        map.put((byte) 0xd1).putInt(4 + 3 + value.remaining()).putInt(2).put(new byte[] {(byte) 0xa3, 1, 'k'}).put(value);
        assertThrows(MalformedMessageException.class, () -> MessageView.parse(section(0x72, map.flip())));
    }

    private static ByteBuffer section(int code, ByteBuffer value) {
        ByteBuffer b = ByteBuffer.allocate(3 + value.remaining());
        return b.put((byte) 0).put((byte) 0x53).put((byte) code).put(value.duplicate()).flip();
    }

    private static List<Message> samples() {
        List<Message> samples = new ArrayList<>();
        samples.add(TestMessages.full());
        samples.add(TestMessages.bodyOnly(List.of("x", 1L, Arrays.asList(null, true))));
        Message seq = Message.Factory.create();
        seq.setPriority((short) 1);
        seq.setAddress("/queues/q");
        seq.setBody(new AmqpSequence(List.of(1, 2, 3)));
        samples.add(seq);
        Message data = Message.Factory.create();
        data.setMessageId(42L);
        data.setBody(new Data(new Binary(new byte[70])));
        samples.add(data);
        return samples;
    }

    /** Parses and reads everything; true when parse succeeded. Only Malformed... may be thrown. */
    private static boolean tryEverything(byte[] input) {
        MessageView view;
        try {
            view = MessageView.parse(ByteBuffer.wrap(input));
        } catch (MalformedMessageException e) {
            assertTrue(e.position() >= 0 && e.position() <= input.length, e.getMessage());
            return false;
        }
        exercise(view);
        return true;
    }

    /** Every accessor; a malformed field is fine, anything else fails the test. */
    private static void exercise(MessageView view) {
        List<Runnable> reads = List.of(
                view::durable, view::priority, view::ttlMs, view::firstAcquirer, view::deliveryCount,
                view::properties, view::to, view::messageId, view::subject, view::replyTo, view::absoluteExpiryTimeMs,
                view::messageAnnotations, () -> view.messageAnnotation("x-opt-delivery-time"),
                view::applicationProperties, () -> view.applicationProperty("x-delay"),
                view::bareMessage, view::body, view::afterHeader, view::sizeBytes, view::toString,
                () -> {
                    for (MessageSection s : MessageSection.values()) {
                        view.section(s);
                    }
                });
        for (Runnable read : reads) {
            try {
                read.run();
            } catch (MalformedMessageException expected) {
                // a field of the wrong type: reported, not thrown as anything else
            }
        }
        long count;
        try {
            count = view.deliveryCount() + 1;
        } catch (MalformedMessageException badHeader) {
            return;
        }
        // a message whose header reads back can always be rewritten, and the result parses
        ByteBuffer[] out = view.withDeliveryState(count, false);
        ByteBuffer joined = ByteBuffer.allocate(out[0].remaining() + out[1].remaining()).put(out[0]).put(out[1]).flip();
        MessageView again = MessageView.parse(joined);
        assertEquals(count, again.deliveryCount());
        assertEquals(view.priority(), again.priority());
        assertEquals(view.bareMessage(), again.bareMessage());
    }

    /** Mostly well-formed messages with random sections and values, some with one byte spoiled. */
    private static final class RandomMessage {
        private final Random random;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        RandomMessage(Random random) {
            this.random = random;
        }

        byte[] bytes() {
            int code = 0x70 + random.nextInt(3);
            int sections = 1 + random.nextInt(4);
            for (int i = 0; i < sections && code <= 0x78; i++) {
                out.write(0);
                out.write(0x53);
                out.write(code);
                switch (code) {
                    case 0x70, 0x73, 0x76 -> list(0);
                    case 0x75 -> bytes(0xa0, random.nextInt(6));
                    case 0x77 -> value(0);
                    default -> map(0);
                }
                code += 1 + random.nextInt(3);
            }
            byte[] b = out.toByteArray();
            if (random.nextBoolean()) {
                b[random.nextInt(b.length)] = (byte) random.nextInt(256);
            }
            return b;
        }

        private void value(int depth) {
            int kind = random.nextInt(depth < 3 ? 12 : 8);
            switch (kind) {
                case 0 -> out.write(0x40 + random.nextInt(6));
                case 1 -> fixed(0x50 + random.nextInt(7), 1);
                case 2 -> fixed(0x70 + random.nextInt(5), 4);
                case 3 -> fixed(0x80 + random.nextInt(5), 8);
                case 4 -> fixed(random.nextBoolean() ? 0x94 : 0x98, 16);
                case 5 -> bytes(new int[] {0xa0, 0xa1, 0xa3}[random.nextInt(3)], random.nextInt(8));
                case 6 -> fixed(0x60 + random.nextInt(2), 2);
                case 7 -> {
                    out.write(0xe0);
                    int n = random.nextInt(4);
                    out.write(2 + n);
                    out.write(n);
                    out.write(0x50);
                    fill(n);
                }
                case 8, 9 -> list(depth + 1);
                case 10 -> map(depth + 1);
                default -> {
                    out.write(0);
                    out.write(0x53);
                    out.write(random.nextInt(256));
                    value(depth + 1);
                }
            }
        }

        private void list(int depth) {
            compound(0xc0, 2 * random.nextInt(4) + random.nextInt(2), depth, false);
        }

        private void map(int depth) {
            compound(0xc1, 2 * random.nextInt(3), depth, true);
        }

        private void compound(int code, int count, int depth, boolean symbolKeys) {
            ByteArrayOutputStream outer = new ByteArrayOutputStream();
            byte[] saved = out.toByteArray();
            out.reset();
            for (int i = 0; i < count; i++) {
                if (symbolKeys && i % 2 == 0) {
                    bytes(random.nextInt(8) == 0 ? 0xa1 : 0xa3, 1 + random.nextInt(4));
                } else {
                    value(depth);
                }
            }
            byte[] elements = out.toByteArray();
            out.reset();
            outer.writeBytes(saved);
            if (elements.length < 250) {
                outer.write(code);
                outer.write(elements.length + 1);
                outer.write(count);
            } else {
                outer.write(code + 0x10);
                outer.writeBytes(ByteBuffer.allocate(8).putInt(elements.length + 4).putInt(count).array());
            }
            outer.writeBytes(elements);
            out.writeBytes(outer.toByteArray());
        }

        private void fixed(int code, int width) {
            out.write(code);
            fill(width);
        }

        private void bytes(int code, int length) {
            out.write(code);
            out.write(length);
            for (int i = 0; i < length; i++) {
                out.write('a' + random.nextInt(26));
            }
        }

        private void fill(int n) {
            for (int i = 0; i < n; i++) {
                out.write(random.nextInt(256));
            }
        }
    }
}
