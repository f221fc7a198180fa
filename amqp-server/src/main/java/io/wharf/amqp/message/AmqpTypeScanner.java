package io.wharf.amqp.message;

import java.nio.ByteBuffer;

/**
 * Finds where an encoded AMQP 1.0 value ends without decoding it (AMQP 1.0 part 1, section 1.6).
 *
 * <p>The scan is deep: it walks into lists, maps, arrays and described types and checks that every
 * element fits inside its container and that the elements fill the declared size exactly. After
 * {@link #endOf} returns, every byte in the range is a well-formed value, so later readers only need
 * to check types, never bounds. It never reads outside {@code [pos, limit)}, never changes the
 * buffer's position or limit, and allocates nothing.
 *
 * <p>Nesting is bounded by {@link #MAX_DEPTH}: the scan recurses once per container, so a hostile
 * message of nested list headers cannot overflow the stack (nor the stack of any decoder that later
 * reads a value this scanner accepted). Element counts are bounded by the bytes available (each
 * element needs at least one byte), so neither this scan nor a decoder that allocates per element
 * can be made to loop or allocate far beyond the size of the message.
 *
 * <pre>
 * constructor byte  layout after the constructor            width rule
 * 0x40-0x45         (nothing)                               null, true, false, uint0, ulong0, list0
 * 0x50-0x56         1 byte                                  ubyte .. boolean
 * 0x60-0x61         2 bytes                                 ushort, short
 * 0x70-0x74         4 bytes                                 uint .. decimal32
 * 0x80-0x84         8 bytes                                 ulong .. decimal64
 * 0x94, 0x98        16 bytes                                decimal128, uuid
 * 0xa0 0xa1 0xa3    size:u8  bytes[size]                    vbin8, str8, sym8
 * 0xb0 0xb1 0xb3    size:u32 bytes[size]                    vbin32, str32, sym32
 * 0xc0 0xc1         size:u8  count:u8  value[count]         list8, map8  (size counts count + values)
 * 0xd0 0xd1         size:u32 count:u32 value[count]         list32, map32
 * 0xe0              size:u8  count:u8  ctor data[count]     array8  (ctor = element constructor,
 * 0xf0              size:u32 count:u32 ctor data[count]     array32  elements carry no constructor)
 * 0x00              descriptor-value value                  described type
 * </pre>
 */
public final class AmqpTypeScanner {

    /** Most levels of containers (list, map, array, described type) accepted in one value. */
    public static final int MAX_DEPTH = 64;

    static final int DESCRIBED = 0x00;

    /** Width of the data after a fixed-width constructor; VARIABLE or UNKNOWN otherwise. */
    private static final byte VARIABLE = -1;
    private static final byte UNKNOWN = -2;
    private static final byte[] WIDTH = new byte[256];

    static {
        java.util.Arrays.fill(WIDTH, UNKNOWN);
        fill(0x40, 0x45, 0);
        fill(0x50, 0x56, 1);
        fill(0x60, 0x61, 2);
        fill(0x70, 0x74, 4);
        fill(0x80, 0x84, 8);
        WIDTH[0x94] = 16;
        WIDTH[0x98] = 16;
        for (int code : new int[] {0xa0, 0xa1, 0xa3, 0xb0, 0xb1, 0xb3, 0xc0, 0xc1, 0xd0, 0xd1, 0xe0, 0xf0}) {
            WIDTH[code] = VARIABLE;
        }
    }

    private static void fill(int from, int to, int width) {
        for (int code = from; code <= to; code++) {
            WIDTH[code] = (byte) width;
        }
    }

    private AmqpTypeScanner() {
    }

    /**
     * End (exclusive) of the value whose constructor is at {@code pos}, bounded by the buffer's
     * limit.
     *
     * @throws MalformedMessageException unknown constructor, a size past the limit, an element
     *     count that does not match the size, nesting deeper than {@link #MAX_DEPTH}
     */
    public static int endOf(ByteBuffer buffer, int pos) {
        return endOf(buffer, pos, buffer.limit());
    }

    /** As {@link #endOf(ByteBuffer, int)} with an explicit limit (at most the buffer's limit). */
    public static int endOf(ByteBuffer buffer, int pos, int limit) {
        if (limit > buffer.limit() || pos < 0) {
            throw new IllegalArgumentException("pos " + pos + " / limit " + limit + " outside the buffer");
        }
        return value(buffer, pos, limit, 0);
    }

    /** True when {@code code} is a primitive constructor (not 0x00) this scanner knows. */
    static boolean isKnownPrimitive(int code) {
        return WIDTH[code & 0xff] != UNKNOWN;
    }

    private static int value(ByteBuffer b, int pos, int limit, int depth) {
        if (depth >= MAX_DEPTH) {
            throw new MalformedMessageException(pos, "values nested deeper than " + MAX_DEPTH + " levels");
        }
        int code = u8(b, pos, limit);
        if (code == DESCRIBED) {
            int descriptorEnd = value(b, pos + 1, limit, depth + 1);
            return value(b, descriptorEnd, limit, depth + 1);
        }
        return data(b, code, pos, pos + 1, limit, depth);
    }

    /** End of the data of a value with constructor {@code code} (at ctorPos) whose data starts at p. */
    private static int data(ByteBuffer b, int code, int ctorPos, int p, int limit, int depth) {
        int width = WIDTH[code];
        if (width >= 0) {
            return within(p, width, limit, ctorPos);
        }
        switch (code) {
            case 0xa0: case 0xa1: case 0xa3:
                return within(p + 1, u8(b, p, limit), limit, ctorPos);
            case 0xb0: case 0xb1: case 0xb3:
                return within(p + 4, u32(b, p, limit), limit, ctorPos);
            case 0xc0: case 0xc1: {
                int end = within(p + 1, u8(b, p, limit), limit, ctorPos);
                return compound(b, code == 0xc1, p + 2, end, u8(b, p + 1, end), ctorPos, depth);
            }
            case 0xd0: case 0xd1: {
                int end = within(p + 4, u32(b, p, limit), limit, ctorPos);
                return compound(b, code == 0xd1, p + 8, end, u32(b, p + 4, end), ctorPos, depth);
            }
            case 0xe0: {
                int end = within(p + 1, u8(b, p, limit), limit, ctorPos);
                return array(b, p + 2, end, u8(b, p + 1, end), ctorPos, depth);
            }
            case 0xf0: {
                int end = within(p + 4, u32(b, p, limit), limit, ctorPos);
                return array(b, p + 8, end, u32(b, p + 4, end), ctorPos, depth);
            }
            default:
                throw new MalformedMessageException(ctorPos, String.format("unknown constructor 0x%02x", code));
        }
    }

    /** List or map: {@code count} full values from p, which must end exactly at end. */
    private static int compound(ByteBuffer b, boolean map, int p, int end, int count, int ctorPos, int depth) {
        if (map && (count & 1) != 0) {
            throw new MalformedMessageException(ctorPos, "map with an odd number of elements (" + count + ")");
        }
        checkCount(count, p, end, ctorPos);
        for (int i = 0; i < count; i++) {
            p = value(b, p, end, depth + 1);
        }
        return exactly(p, end, ctorPos);
    }

    /** Array: one element constructor (possibly described), then count data items without one. */
    private static int array(ByteBuffer b, int p, int end, int count, int ctorPos, int depth) {
        int level = depth + 1;
        int code = u8(b, p, end);
        // constructor = format-code / %x00 descriptor constructor: a described element type may
        // itself be described, so this is a loop, bounded like any other nesting.
        while (code == DESCRIBED) {
            if (++level >= MAX_DEPTH) {
                throw new MalformedMessageException(p, "array element type nested deeper than " + MAX_DEPTH);
            }
            p = value(b, p + 1, end, level);
            code = u8(b, p, end);
        }
        int elementCtor = p++;
        checkCount(count, p, end, ctorPos);
        int width = WIDTH[code];
        if (width == UNKNOWN) {
            throw new MalformedMessageException(elementCtor, String.format("unknown array element constructor 0x%02x", code));
        }
        if (width >= 0) {
            // Fixed width: the size alone says whether the count is right, no need to walk.
            if ((long) count * width != end - p) {
                throw new MalformedMessageException(ctorPos, "array of " + count + " elements of " + width
                        + " bytes does not fill its " + (end - p) + " bytes");
            }
            return end;
        }
        for (int i = 0; i < count; i++) {
            p = data(b, code, elementCtor, p, end, level);
        }
        return exactly(p, end, ctorPos);
    }

    /**
     * Every element takes at least one byte (arrays of zero-width elements included, by our rule
     * rather than the spec's), so a count above the bytes left is a lie; rejecting it up front keeps
     * both this loop and any decoder's per-element allocation proportional to the message size.
     */
    private static void checkCount(int count, int p, int end, int ctorPos) {
        if (p > end) {
            throw new MalformedMessageException(ctorPos, "compound size smaller than its count field");
        }
        if (count > end - p) {
            throw new MalformedMessageException(ctorPos, "element count " + count + " exceeds the "
                    + (end - p) + " bytes available");
        }
    }

    private static int exactly(int p, int end, int ctorPos) {
        if (p != end) {
            throw new MalformedMessageException(ctorPos, "elements end at " + p + " but the size says " + end);
        }
        return end;
    }

    /** p + size if that stays within limit. */
    private static int within(int p, long size, int limit, int ctorPos) {
        long end = p + size;
        if (end > limit) {
            throw new MalformedMessageException(ctorPos, "value of " + size + " bytes runs past the end (" + limit + ")");
        }
        return (int) end;
    }

    private static int u8(ByteBuffer b, int p, int limit) {
        if (p >= limit) {
            throw new MalformedMessageException(p, "truncated: expected a byte");
        }
        return b.get(p) & 0xff;
    }

    /**
     * An unsigned 32-bit size or count; anything past Integer.MAX_VALUE cannot fit a ByteBuffer.
     * Read byte by byte because the caller's buffer may be set to little-endian order.
     */
    private static int u32(ByteBuffer b, int p, int limit) {
        if (p > limit - 4) {
            throw new MalformedMessageException(p, "truncated: expected a 4-byte size or count");
        }
        int v = (b.get(p) & 0xff) << 24 | (b.get(p + 1) & 0xff) << 16 | (b.get(p + 2) & 0xff) << 8 | (b.get(p + 3) & 0xff);
        if (v < 0) {
            throw new MalformedMessageException(p, "size or count " + (v & 0xffffffffL) + " too large");
        }
        return v;
    }
}
