package io.wharf.amqp.message;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.proton.codec.AMQPDefinedTypes;
import org.apache.qpid.proton.codec.DecoderImpl;
import org.apache.qpid.proton.codec.EncoderImpl;

/**
 * Reads the map sections: delivery/message annotations and footer (keys are symbols or ulongs,
 * part 3, 3.2.10) and application-properties (keys are strings, 3.2.5).
 *
 * <p>Keys are read by hand, so a lookup compares bytes in place and decodes only the value it
 * returns, and keys never pass through proton-j's global Symbol cache. Values can be any AMQP type
 * (x-opt-deaths is a list of maps, some values are described types), so they are decoded by
 * proton-j rather than by a second general decoder of our own; they come back as proton-j's Java
 * types (Symbol, UnsignedInteger, UnsignedLong, Binary, Date for timestamps, List, Map,
 * DescribedType, ...). The bytes were scanned first, so nesting is bounded and the decoder cannot
 * run off the end; anything it still rejects becomes a {@link MalformedMessageException}.
 *
 * <p>Should a key repeat (invalid AMQP), the first entry wins, both here and in a lookup.
 */
final class MapSectionReader {

    /** How keys are encoded: symbol-or-ulong for annotations and footers, string for app properties. */
    enum Keys { ANNOTATION, STRING }

    /**
     * DecoderImpl holds state (its current buffer) and costs a few hundred objects to set up, so
     * each thread keeps one. Broker threads are few and long-lived, and each use is a single
     * readObject call that cannot re-enter this class.
     */
    private static final ThreadLocal<DecoderImpl> DECODER = ThreadLocal.withInitial(() -> {
        DecoderImpl decoder = new DecoderImpl();
        AMQPDefinedTypes.registerAllTypes(decoder, new EncoderImpl(decoder));
        return decoder;
    });

    private MapSectionReader() {
    }

    /** Every entry of the map whose constructor is at mapPos (null counts as an empty map). */
    static Map<String, Object> readAll(ByteBuffer b, int mapPos, int end, Keys keys) {
        int entries = PrimitiveReader.count(b, mapPos) / 2;
        if (entries == 0) {
            return Map.of();
        }
        Map<String, Object> result = new LinkedHashMap<>(entries * 2);
        int p = PrimitiveReader.firstElement(b, mapPos);
        for (int i = 0; i < entries; i++) {
            String key = key(b, p, keys);
            int valuePos = AmqpTypeScanner.endOf(b, p, end);
            int valueEnd = AmqpTypeScanner.endOf(b, valuePos, end);
            if (!result.containsKey(key)) {
                result.put(key, decodeValue(b, valuePos, valueEnd));
            }
            p = valueEnd;
        }
        return Collections.unmodifiableMap(result);
    }

    /** The value under key, decoding nothing else; null when absent (or when the value is null). */
    static Object find(ByteBuffer b, int mapPos, int end, Keys keys, String key) {
        int valuePos = valuePosition(b, mapPos, end, keys, key);
        return valuePos < 0 ? null : decodeValue(b, valuePos, AmqpTypeScanner.endOf(b, valuePos, end));
    }

    /**
     * Where the value under key starts (its constructor), decoding nothing; -1 when absent. Keys before it are
     * checked as {@link #find} checks them (a key of the wrong type throws), those after it are not looked at.
     */
    static int valuePosition(ByteBuffer b, int mapPos, int end, Keys keys, String key) {
        return valuePosition(b, mapPos, end, keys, key, utf8OrNull(key));
    }

    /** The UTF-8 bytes of a key for the lookups, or null for an ASCII key (compared char by char). */
    static byte[] utf8OrNull(String key) {
        return isAscii(key) ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    /** {@link #valuePosition(ByteBuffer, int, int, Keys, String)} with the key's {@link #utf8OrNull} given. */
    static int valuePosition(ByteBuffer b, int mapPos, int end, Keys keys, String key, byte[] utf8) {
        int entries = PrimitiveReader.count(b, mapPos) / 2;
        int p = PrimitiveReader.firstElement(b, mapPos);
        for (int i = 0; i < entries; i++) {
            boolean match = keyMatches(b, p, keys, key, utf8);
            int valuePos = AmqpTypeScanner.endOf(b, p, end);
            if (match) {
                return valuePos;
            }
            p = AmqpTypeScanner.endOf(b, valuePos, end);
        }
        return -1;
    }

    private static String key(ByteBuffer b, int p, Keys keys) {
        int code = PrimitiveReader.code(b, p);
        if (keys == Keys.STRING) {
            if (code == PrimitiveReader.STR8 || code == PrimitiveReader.STR32) {
                return PrimitiveReader.string(b, p, "application-properties key");
            }
        } else if (code == PrimitiveReader.SYM8 || code == PrimitiveReader.SYM32) {
            return PrimitiveReader.symbol(b, p, "annotation key");
        } else if (isULong(code)) {
            return Long.toUnsignedString(ulong(b, p));
        }
        throw badKey(b, p, keys);
    }

    private static boolean keyMatches(ByteBuffer b, int p, Keys keys, String key, byte[] utf8) {
        int code = PrimitiveReader.code(b, p);
        boolean textKey = keys == Keys.STRING
                ? code == PrimitiveReader.STR8 || code == PrimitiveReader.STR32
                : code == PrimitiveReader.SYM8 || code == PrimitiveReader.SYM32;
        if (textKey) {
            return bytesEqual(b, PrimitiveReader.variableStart(b, p), PrimitiveReader.variableLength(b, p), key, utf8);
        }
        if (keys == Keys.ANNOTATION && isULong(code)) {
            return key.equals(Long.toUnsignedString(ulong(b, p)));
        }
        throw badKey(b, p, keys);
    }

    /** Compares in place: char by char for an ASCII key (the usual x-opt-... case), else UTF-8 bytes. */
    private static boolean bytesEqual(ByteBuffer b, int start, int length, String key, byte[] utf8) {
        if (utf8 == null) {
            if (length != key.length()) {
                return false;
            }
            for (int i = 0; i < length; i++) {
                if (b.get(start + i) != (byte) key.charAt(i)) {
                    return false;
                }
            }
            return true;
        }
        return length == utf8.length && b.slice(start, length).equals(ByteBuffer.wrap(utf8));
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static boolean isULong(int code) {
        return code == PrimitiveReader.ULONG0 || code == PrimitiveReader.SMALLULONG || code == PrimitiveReader.ULONG;
    }

    /** Only called for the three ulong encodings. */
    private static long ulong(ByteBuffer b, int p) {
        return (long) PrimitiveReader.messageId(b, p, "annotation key");
    }

    private static MalformedMessageException badKey(ByteBuffer b, int p, Keys keys) {
        return new MalformedMessageException(p, String.format("%s, found constructor 0x%02x",
                keys == Keys.STRING ? "application-properties: keys must be strings" : "annotations: keys must be symbols or ulongs",
                PrimitiveReader.code(b, p)));
    }

    private static Object decodeValue(ByteBuffer b, int pos, int end) {
        int code = PrimitiveReader.code(b, pos);
        if (code == PrimitiveReader.STR8 || code == PrimitiveReader.STR32) {
            // The common case (a filter tag, most properties) without setting up proton-j's decoder.
            return PrimitiveReader.string(b, pos, "value");
        }
        ByteBuffer value = b.slice(pos, end - pos);
        DecoderImpl decoder = DECODER.get();
        decoder.setByteBuffer(value);
        try {
            return decoder.readObject();
        } catch (RuntimeException e) {
            // proton-j reports bad content with several exception types (DecodeException,
            // IllegalArgumentException, ClassCastException, ...): all mean "not decodable".
            throw new MalformedMessageException(pos, "value not decodable: " + e, e);
        } finally {
            decoder.setBuffer(null); // do not keep the message alive through the thread's decoder
        }
    }
}
