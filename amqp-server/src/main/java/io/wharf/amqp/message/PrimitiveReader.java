package io.wharf.amqp.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Reads single AMQP primitives at a position, for the fields Wharf decodes by hand (header and
 * properties). The bytes have already passed {@link AmqpTypeScanner}, so sizes are known to be in
 * bounds; what is checked here is the type: a field of the wrong type is a
 * {@link MalformedMessageException} naming the field. Null (0x40) always means "absent".
 */
final class PrimitiveReader {

    static final int NULL = 0x40;
    static final int TRUE = 0x41;
    static final int FALSE = 0x42;
    static final int UINT0 = 0x43;
    static final int ULONG0 = 0x44;
    static final int LIST0 = 0x45;
    static final int UBYTE = 0x50;
    static final int SMALLUINT = 0x52;
    static final int SMALLULONG = 0x53;
    static final int SMALLINT = 0x54;
    static final int SMALLLONG = 0x55;
    static final int BOOLEAN = 0x56;
    static final int UINT = 0x70;
    static final int INT = 0x71;
    static final int ULONG = 0x80;
    static final int LONG = 0x81;
    static final int TIMESTAMP = 0x83;
    static final int UUID_CODE = 0x98;
    static final int VBIN8 = 0xa0;
    static final int STR8 = 0xa1;
    static final int SYM8 = 0xa3;
    static final int VBIN32 = 0xb0;
    static final int STR32 = 0xb1;
    static final int SYM32 = 0xb3;
    static final int LIST8 = 0xc0;
    static final int MAP8 = 0xc1;
    static final int LIST32 = 0xd0;
    static final int MAP32 = 0xd1;

    private PrimitiveReader() {
    }

    static int code(ByteBuffer b, int pos) {
        return b.get(pos) & 0xff;
    }

    static boolean bool(ByteBuffer b, int pos, boolean absent, String field) {
        switch (code(b, pos)) {
            case NULL: return absent;
            case TRUE: return true;
            case FALSE: return false;
            case BOOLEAN:
                int v = b.get(pos + 1);
                if (v == 0 || v == 1) {
                    return v == 1;
                }
                throw new MalformedMessageException(pos, field + ": boolean byte " + v + " is neither 0 nor 1");
            default: throw wrongType(b, pos, field, "boolean");
        }
    }

    static int ubyte(ByteBuffer b, int pos, int absent, String field) {
        switch (code(b, pos)) {
            case NULL: return absent;
            case UBYTE: return b.get(pos + 1) & 0xff;
            default: throw wrongType(b, pos, field, "ubyte");
        }
    }

    /** An unsigned 32-bit value as a non-negative long. */
    static long uint(ByteBuffer b, int pos, long absent, String field) {
        switch (code(b, pos)) {
            case NULL: return absent;
            case UINT0: return 0;
            case SMALLUINT: return b.get(pos + 1) & 0xff;
            case UINT: return b.getInt(pos + 1) & 0xffffffffL;
            default: throw wrongType(b, pos, field, "uint");
        }
    }

    /** Milliseconds since the epoch. */
    static long timestamp(ByteBuffer b, int pos, long absent, String field) {
        switch (code(b, pos)) {
            case NULL: return absent;
            case TIMESTAMP: return b.getLong(pos + 1);
            default: throw wrongType(b, pos, field, "timestamp");
        }
    }

    static String string(ByteBuffer b, int pos, String field) {
        int code = code(b, pos);
        if (code == NULL) {
            return null;
        }
        if (code != STR8 && code != STR32) {
            throw wrongType(b, pos, field, "string");
        }
        // Malformed UTF-8 becomes U+FFFD rather than an error: the address or subject is then
        // simply one nobody uses, which is cheaper than a strict decoder on every message.
        return new String(bytes(b, pos), StandardCharsets.UTF_8);
    }

    static String symbol(ByteBuffer b, int pos, String field) {
        int code = code(b, pos);
        if (code == NULL) {
            return null;
        }
        if (code != SYM8 && code != SYM32) {
            throw wrongType(b, pos, field, "symbol");
        }
        return new String(bytes(b, pos), StandardCharsets.US_ASCII);
    }

    static byte[] binary(ByteBuffer b, int pos, String field) {
        int code = code(b, pos);
        if (code == NULL) {
            return null;
        }
        if (code != VBIN8 && code != VBIN32) {
            throw wrongType(b, pos, field, "binary");
        }
        return bytes(b, pos);
    }

    /**
     * A message-id or correlation-id (part 3, 3.2.11-15): ulong as Long (the 64 bits as they are, so
     * values past Long.MAX_VALUE come out negative), uuid as UUID, binary as a copied byte[], string.
     *
     * <p>Signed integers are not message-ids by the spec, but proton-j writes a Java Long id as one
     * and applications do that; refusing them would make the whole properties section (and with it
     * the routing address) unreadable, so they are read as Long too.
     */
    static Object messageId(ByteBuffer b, int pos, String field) {
        switch (code(b, pos)) {
            case NULL: return null;
            case ULONG0: return 0L;
            case SMALLULONG: return (long) (b.get(pos + 1) & 0xff);
            case ULONG: case LONG: return b.getLong(pos + 1);
            case SMALLINT: case SMALLLONG: return (long) b.get(pos + 1);
            case INT: return (long) b.getInt(pos + 1);
            case UUID_CODE: return new UUID(b.getLong(pos + 1), b.getLong(pos + 9));
            case VBIN8: case VBIN32: return bytes(b, pos);
            case STR8: case STR32: return new String(bytes(b, pos), StandardCharsets.UTF_8);
            default: throw wrongType(b, pos, field, "ulong, uuid, binary or string");
        }
    }

    /** A copy of the payload of a vbin/str/sym value. */
    static byte[] bytes(ByteBuffer b, int pos) {
        byte[] out = new byte[variableLength(b, pos)];
        b.get(variableStart(b, pos), out);
        return out;
    }

    /** Payload length of a vbin/str/sym value: one size byte for the 0xa_ codes, four for 0xb_. */
    static int variableLength(ByteBuffer b, int pos) {
        return (code(b, pos) & 0xf0) == 0xa0 ? b.get(pos + 1) & 0xff : b.getInt(pos + 1);
    }

    static int variableStart(ByteBuffer b, int pos) {
        return (code(b, pos) & 0xf0) == 0xa0 ? pos + 2 : pos + 5;
    }

    /**
     * Number of elements of a list or map at pos (null and list0 have none).
     * <pre>
     * 0x45                      list0
     * 0xc0|0xc1 size:u8  count:u8  elements...
     * 0xd0|0xd1 size:u32 count:u32 elements...
     * </pre>
     */
    static int count(ByteBuffer b, int pos) {
        switch (code(b, pos)) {
            case LIST8: case MAP8: return b.get(pos + 2) & 0xff;
            case LIST32: case MAP32: return b.getInt(pos + 5);
            default: return 0;
        }
    }

    /** Position of the first element of a list or map (meaningless when count is 0). */
    static int firstElement(ByteBuffer b, int pos) {
        switch (code(b, pos)) {
            case LIST8: case MAP8: return pos + 3;
            case LIST32: case MAP32: return pos + 9;
            default: return pos + 1;
        }
    }

    static boolean isList(int code) {
        return code == LIST0 || code == LIST8 || code == LIST32;
    }

    static boolean isMap(int code) {
        return code == MAP8 || code == MAP32;
    }

    private static MalformedMessageException wrongType(ByteBuffer b, int pos, String field, String expected) {
        return new MalformedMessageException(pos, String.format("%s: expected %s, found constructor 0x%02x",
                field, expected, code(b, pos)));
    }
}
