package io.wharf.amqp.message;

import java.nio.ByteBuffer;

/**
 * The sections of an AMQP 1.0 message (part 3, section 3.2), in the order they must appear.
 *
 * <p>Each section is a described type whose descriptor is either the numeric code
 * {@code 0x00000000:0x000000nn} (domain 0, the AMQP domain) or the symbolic name.
 */
public enum MessageSection {
    HEADER(0x70, "amqp:header:list", 0),
    DELIVERY_ANNOTATIONS(0x71, "amqp:delivery-annotations:map", 1),
    MESSAGE_ANNOTATIONS(0x72, "amqp:message-annotations:map", 2),
    PROPERTIES(0x73, "amqp:properties:list", 3),
    APPLICATION_PROPERTIES(0x74, "amqp:application-properties:map", 4),
    DATA(0x75, "amqp:data:binary", 5),
    AMQP_SEQUENCE(0x76, "amqp:amqp-sequence:list", 5),
    AMQP_VALUE(0x77, "amqp:amqp-value:*", 5),
    FOOTER(0x78, "amqp:footer:map", 6);

    /** values() clones its array on each call; the lookups below run once per section. */
    private static final MessageSection[] ALL = values();
    private static final int FIRST_CODE = 0x70;

    private final int code;
    private final String symbol;
    private final int rank;

    MessageSection(int code, String symbol, int rank) {
        this.code = code;
        this.symbol = symbol;
        this.rank = rank;
    }

    /** Low 32 bits of the numeric descriptor (the high 32, the domain, are 0). */
    public int code() {
        return code;
    }

    /** The symbolic descriptor. */
    public String symbol() {
        return symbol;
    }

    /** Position in the message: sections must come in non-decreasing rank; the bodies share one. */
    int rank() {
        return rank;
    }

    boolean isBody() {
        return rank == 5;
    }

    /**
     * The section named by the descriptor value at pos (already scanned, so in bounds): a ulong
     * (0x44, 0x53 or 0x80 form) or a sym8/sym32.
     *
     * @throws MalformedMessageException any other descriptor type or an unknown section
     */
    static MessageSection ofDescriptor(ByteBuffer b, int pos) {
        int code = PrimitiveReader.code(b, pos);
        if (code == PrimitiveReader.SMALLULONG || code == PrimitiveReader.ULONG || code == PrimitiveReader.ULONG0) {
            long descriptor = (long) PrimitiveReader.messageId(b, pos, "descriptor");
            long index = descriptor - FIRST_CODE;
            if (index >= 0 && index < ALL.length) {
                return ALL[(int) index];
            }
            throw new MalformedMessageException(pos, String.format("unknown section descriptor 0x%x", descriptor));
        }
        if (code == PrimitiveReader.SYM8 || code == PrimitiveReader.SYM32) {
            MessageSection section = forSymbol(b, PrimitiveReader.variableStart(b, pos), PrimitiveReader.variableLength(b, pos));
            if (section != null) {
                return section;
            }
            throw new MalformedMessageException(pos, "unknown section descriptor '"
                    + PrimitiveReader.symbol(b, pos, "descriptor") + "'");
        }
        throw new MalformedMessageException(pos, String.format(
                "section descriptor must be a ulong or a symbol, found constructor 0x%02x", code));
    }

    /**
     * Checks the type of the value this section holds (at valuePos, already scanned). Null stands
     * for an empty list or map where that is harmless; a body section must hold what it names.
     */
    void checkValue(ByteBuffer b, int valuePos) {
        int code = PrimitiveReader.code(b, valuePos);
        boolean ok = switch (this) {
            case HEADER, PROPERTIES -> PrimitiveReader.isList(code) || code == PrimitiveReader.NULL;
            case AMQP_SEQUENCE -> PrimitiveReader.isList(code);
            case DATA -> code == PrimitiveReader.VBIN8 || code == PrimitiveReader.VBIN32;
            case AMQP_VALUE -> true;
            default -> PrimitiveReader.isMap(code) || code == PrimitiveReader.NULL;
        };
        if (!ok) {
            throw new MalformedMessageException(valuePos, String.format(
                    "%s section holds the wrong type (constructor 0x%02x)", this, code));
        }
    }

    /** The section whose symbolic name is the {@code length} ASCII bytes at pos, or null. */
    private static MessageSection forSymbol(ByteBuffer b, int pos, int length) {
        for (MessageSection s : ALL) {
            if (s.symbol.length() == length && matches(b, pos, s.symbol)) {
                return s;
            }
        }
        return null;
    }

    private static boolean matches(ByteBuffer b, int pos, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (b.get(pos + i) != (byte) ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
