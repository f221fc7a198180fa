package io.wharf.amqp.message;

import static io.wharf.amqp.message.TestMessages.wrap;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** AMQP 1.0 part 1, 1.6: the width of every constructor, and what a scan must refuse. */
@Timeout(30)
class AmqpTypeScannerTest {

    private static final int[][] FIXED = {
        {0x40, 0}, {0x41, 0}, {0x42, 0}, {0x43, 0}, {0x44, 0}, {0x45, 0},
        {0x50, 1}, {0x51, 1}, {0x52, 1}, {0x53, 1}, {0x54, 1}, {0x55, 1}, {0x56, 1},
        {0x60, 2}, {0x61, 2},
        {0x70, 4}, {0x71, 4}, {0x72, 4}, {0x73, 4}, {0x74, 4},
        {0x80, 8}, {0x81, 8}, {0x82, 8}, {0x83, 8}, {0x84, 8},
        {0x94, 16}, {0x98, 16},
    };

    /** A value with constructor code followed by width bytes, placed after a 2-byte prefix. */
    private static ByteBuffer fixed(int code, int width, int extra) {
        ByteBuffer b = ByteBuffer.allocate(2 + 1 + width + extra);
        b.put(2, (byte) code);
        return b;
    }

    @Test
    void fixedWidthConstructorsSpanTheirWidth() {
        for (int[] f : FIXED) {
            ByteBuffer b = fixed(f[0], f[1], 3);
            assertEquals(3 + f[1], AmqpTypeScanner.endOf(b, 2), String.format("0x%02x", f[0]));
        }
    }

    @Test
    void fixedWidthValueCutShortIsMalformed() {
        for (int[] f : FIXED) {
            if (f[1] == 0) {
                continue;
            }
            ByteBuffer b = fixed(f[0], f[1] - 1, 0);
            MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(b, 2));
            assertEquals(2, e.position(), String.format("0x%02x", f[0]));
        }
    }

    @Test
    void variableWidthOneByteSize() {
        for (int code : new int[] {0xa0, 0xa1, 0xa3}) {
            assertEquals(2, AmqpTypeScanner.endOf(wrap(code, 0), 0));
            assertEquals(5, AmqpTypeScanner.endOf(wrap(code, 3, 'a', 'b', 'c', 0x99), 0));
            assertEquals(257, AmqpTypeScanner.endOf(ByteBuffer.allocate(257).put(0, (byte) code).put(1, (byte) 255), 0));
            assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(code, 4, 'a', 'b', 'c'), 0));
            assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(code), 0));
        }
    }

    @Test
    void variableWidthFourByteSize() {
        for (int code : new int[] {0xb0, 0xb1, 0xb3}) {
            assertEquals(5, AmqpTypeScanner.endOf(wrap(code, 0, 0, 0, 0), 0));
            assertEquals(8, AmqpTypeScanner.endOf(wrap(code, 0, 0, 0, 3, 'a', 'b', 'c', 0x99), 0));
            assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(code, 0, 0, 1, 0, 'a'), 0));
            assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(code, 0, 0, 0), 0));
            // sizes past 2^31-1 would be negative as an int: refused, not wrapped around
            assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(code, 0xff, 0xff, 0xff, 0xfc, 1), 0));
            assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(code, 0x80, 0, 0, 0, 1), 0));
        }
    }

    @Test
    void fourByteSizesAreBigEndianWhateverTheBufferOrder() {
        ByteBuffer b = wrap(0xb1, 0, 0, 0, 2, 'h', 'i').order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(7, AmqpTypeScanner.endOf(b, 0));
    }

    @Test
    void lists() {
        assertEquals(1, AmqpTypeScanner.endOf(wrap(0x45), 0));
        // list8: size 5 = count byte + 3 elements (null, smalluint 7, true) taking 4 bytes
        assertEquals(7, AmqpTypeScanner.endOf(wrap(0xc0, 5, 3, 0x40, 0x52, 7, 0x41, 0xee), 0));
        assertEquals(3, AmqpTypeScanner.endOf(wrap(0xc0, 1, 0), 0));
        // list32: size 7 = 4-byte count + 3 bytes of elements
        assertEquals(12, AmqpTypeScanner.endOf(wrap(0xd0, 0, 0, 0, 7, 0, 0, 0, 2, 0x40, 0x50, 1, 0xee), 0));
    }

    @Test
    void maps() {
        // map8 {sym "a": null}
        assertEquals(7, AmqpTypeScanner.endOf(wrap(0xc1, 5, 2, 0xa3, 1, 'a', 0x40), 0));
        assertEquals(13, AmqpTypeScanner.endOf(wrap(0xd1, 0, 0, 0, 8, 0, 0, 0, 2, 0xa3, 1, 'a', 0x40), 0));
        MalformedMessageException odd = assertThrows(MalformedMessageException.class,
                () -> AmqpTypeScanner.endOf(wrap(0xc1, 4, 1, 0xa3, 1, 'a'), 0));
        assertTrue(odd.getMessage().contains("odd"), odd.getMessage());
    }

    @Test
    void compoundWhoseElementsDoNotFillTheSizeIsMalformed() {
        // says 2 elements, size leaves room for 3 bytes, elements take 2
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(0xc0, 4, 2, 0x40, 0x40, 0x40), 0));
        // element runs past the list's own end, though not past the buffer
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(0xc0, 2, 1, 0x52, 9, 9), 0));
        // size 0 leaves no room for the count
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(0xc0, 0, 0x40), 0));
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(0xd0, 0, 0, 0, 2, 0, 0), 0));
        // count larger than the bytes there are: refused before walking
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(0xc0, 2, 200, 0x40), 0));
        assertThrows(MalformedMessageException.class,
                () -> AmqpTypeScanner.endOf(wrap(0xd0, 0, 0, 0, 5, 0x7f, 0xff, 0xff, 0xff, 0x40), 0));
    }

    @Test
    void arraysOfFixedWidthElements() {
        // array8 of 3 smalluints: size 5 = count + ctor + 3 bytes
        assertEquals(7, AmqpTypeScanner.endOf(wrap(0xe0, 5, 3, 0x52, 1, 2, 3), 0));
        // array32 of 2 ints
        assertEquals(18, AmqpTypeScanner.endOf(wrap(0xf0, 0, 0, 0, 13, 0, 0, 0, 2, 0x71, 0, 0, 0, 1, 0, 0, 0, 2), 0));
        // empty array of longs
        assertEquals(4, AmqpTypeScanner.endOf(wrap(0xe0, 2, 0, 0x81), 0));
        // 3 ints announced, 8 bytes present
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(0xe0, 10, 3, 0x71, 0, 0, 0, 1, 0, 0, 0, 2), 0));
    }

    @Test
    void arraysOfVariableWidthAndCompoundElements() {
        // array8 of sym8 "a", "bc"
        assertEquals(9, AmqpTypeScanner.endOf(wrap(0xe0, 7, 2, 0xa3, 1, 'a', 2, 'b', 'c', 0xee), 0));
        // array8 of list8: [ [null], [] ]  elements are size count items, no constructor
        assertEquals(9, AmqpTypeScanner.endOf(wrap(0xe0, 7, 2, 0xc0, 2, 1, 0x40, 1, 0, 0xee), 0));
        // array of arrays of ubyte: [[1,2]]
        assertEquals(9, AmqpTypeScanner.endOf(wrap(0xe0, 7, 1, 0xe0, 4, 2, 0x50, 1, 2, 0xee), 0));
        // element runs past the array
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(0xe0, 4, 1, 0xa3, 5, 'a', 'b', 'c', 'd', 'e'), 0));
    }

    @Test
    void arrayOfDescribedElements() {
        // descriptor smallulong 0x99, element type uint: two items
        assertEquals(15, AmqpTypeScanner.endOf(wrap(0xe0, 13, 2, 0x00, 0x53, 0x99, 0x70, 0, 0, 0, 1, 0, 0, 0, 2), 0));
    }

    @Test
    void arrayCountAboveItsBytesIsMalformedEvenForZeroWidthElements() {
        // 200 nulls in 0 bytes is legal per the spec, refused here: it would let a few bytes make a
        // decoder allocate without bound (see AmqpTypeScanner#checkCount)
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(0xe0, 2, 200, 0x40), 0));
        assertThrows(MalformedMessageException.class,
                () -> AmqpTypeScanner.endOf(wrap(0xf0, 0, 0, 0, 5, 0x7f, 0xff, 0xff, 0xff, 0x40), 0));
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(0xe0, 2, 1, 0x40), 0));
        assertEquals(4, AmqpTypeScanner.endOf(wrap(0xe0, 2, 0, 0x40), 0));
    }

    @Test
    void describedTypes() {
        // 00 53 70 45: smallulong descriptor, list0 value
        assertEquals(4, AmqpTypeScanner.endOf(wrap(0x00, 0x53, 0x70, 0x45), 0));
        // symbolic descriptor, described value that is itself described
        assertEquals(8, AmqpTypeScanner.endOf(wrap(0x00, 0xa3, 2, 'x', 'y', 0x00, 0x44, 0x41, 0xee), 0));
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(0x00, 0x53), 0));
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(0x00), 0));
    }

    @Test
    void unknownConstructorsAreMalformed() {
        for (int code = 0; code < 256; code++) {
            boolean known = code == 0 || (code >= 0x40 && code <= 0x45) || (code >= 0x50 && code <= 0x56)
                    || code == 0x60 || code == 0x61 || (code >= 0x70 && code <= 0x74) || (code >= 0x80 && code <= 0x84)
                    || code == 0x94 || code == 0x98 || code == 0xa0 || code == 0xa1 || code == 0xa3
                    || code == 0xb0 || code == 0xb1 || code == 0xb3 || code == 0xc0 || code == 0xc1
                    || code == 0xd0 || code == 0xd1 || code == 0xe0 || code == 0xf0;
            assertEquals(known && code != 0, AmqpTypeScanner.isKnownPrimitive(code), String.format("0x%02x", code));
            if (!known) {
                final int c = code;
                ByteBuffer b = ByteBuffer.allocate(64).put(0, (byte) code);
                MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(b, 0));
                assertTrue(e.getMessage().contains(String.format("0x%02x", c)), e.getMessage());
                // also as an array's element type
                assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(wrap(0xe0, 2, 0, c), 0));
            }
        }
    }

    @Test
    void respectsStartPositionAndExplicitLimitAndLeavesTheBufferAlone() {
        ByteBuffer b = wrap(0xee, 0xee, 0xa1, 2, 'o', 'k', 0xa1, 9);
        b.position(1).limit(7);
        assertEquals(6, AmqpTypeScanner.endOf(b, 2));
        assertEquals(1, b.position());
        assertEquals(7, b.limit());
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(b, 2, 5));
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(b, 6));
    }

    @Test
    void nestingUpToTheLimitIsAcceptedAndOneMoreIsNot() {
        assertEquals(nestedLists(AmqpTypeScanner.MAX_DEPTH).limit(),
                AmqpTypeScanner.endOf(nestedLists(AmqpTypeScanner.MAX_DEPTH), 0));
        MalformedMessageException e = assertThrows(MalformedMessageException.class,
                () -> AmqpTypeScanner.endOf(nestedLists(AmqpTypeScanner.MAX_DEPTH + 1), 0));
        assertTrue(e.getMessage().contains("nested"), e.getMessage());
    }

    @Test
    void hostileNestingIsRejectedWithoutOverflowingTheStack() {
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(nestedLists(100_000), 0));
        byte[] described = new byte[200_000];  // 00 00 00 ... : descriptors that are described types
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(ByteBuffer.wrap(described), 0));
        byte[] arrays = new byte[300_000];  // e0 ff 01 e0 ff 01 ...: arrays of arrays, claimed sizes
        for (int i = 0; i < arrays.length; i += 3) {
            arrays[i] = (byte) 0xe0;
            arrays[i + 1] = (byte) 0xff;
            arrays[i + 2] = 1;
        }
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(ByteBuffer.wrap(arrays), 0));
        byte[] describedElementType = new byte[100_000];  // e0 size 01 00 00 00 ...
        Arrays.fill(describedElementType, (byte) 0);
        describedElementType[0] = (byte) 0xe0;
        describedElementType[1] = (byte) 0xff;
        describedElementType[2] = 1;
        assertThrows(MalformedMessageException.class, () -> AmqpTypeScanner.endOf(ByteBuffer.wrap(describedElementType), 0));
    }

    /** depth lists, each holding the next, the innermost empty: list32 so sizes never overflow. */
    static ByteBuffer nestedLists(int depth) {
        ByteBuffer b = ByteBuffer.allocate(9 * (depth - 1) + 1);
        for (int level = 0; level < depth - 1; level++) {
            int size = b.capacity() - b.position() - 5;
            b.put((byte) 0xd0).putInt(size).putInt(1);
        }
        b.put((byte) 0x45);
        return b.flip();
    }
}
