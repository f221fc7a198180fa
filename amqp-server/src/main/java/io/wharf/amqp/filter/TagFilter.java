package io.wharf.amqp.filter;

import io.wharf.amqp.message.AnnotationLookup;
import io.wharf.amqp.message.MessageView;
import io.wharf.store.queue.TagHash;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.apache.qpid.proton.amqp.Symbol;

/**
 * The tag filter ({@code rabbitmq:stream-filter}, with {@code rabbitmq:stream-match-unfiltered}): a message
 * published with the annotation {@value #ANNOTATION} matches when its value is one of the wanted ones; an untagged
 * message matches only with match-unfiltered. Exact: the stored tag hash only pre-screens, the tag itself is
 * compared here.
 */
public final class TagFilter implements MessagePredicate {

    /** The message annotation carrying a message's tag. */
    public static final String ANNOTATION = "x-stream-filter-value";

    /** Verdicts of {@link #verdict}. */
    static final int NO = 0;
    static final int YES = 1;
    /** The tag is of a type (or text) that only the full decoder judges exactly: ask {@link #test}. */
    static final int UNSURE = 2;

    private static final AnnotationLookup TAG = AnnotationLookup.of(ANNOTATION);
    private static final int NULL = 0x40;
    private static final int STR8 = 0xa1;
    private static final int SYM8 = 0xa3;
    private static final int STR32 = 0xb1;
    private static final int SYM32 = 0xb3;

    private final Set<String> values;
    private final boolean matchUnfiltered;
    /** The wanted values made of ASCII characters only, as their bytes. */
    private final byte[][] asciiValues;
    /** Whether some wanted value has a character outside ASCII. */
    private final boolean nonAsciiValues;

    private TagFilter(Set<String> values, boolean matchUnfiltered) {
        this.values = values;
        this.matchUnfiltered = matchUnfiltered;
        this.asciiValues = values.stream().filter(TagFilter::isAscii)
                .map(v -> v.getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
        this.nonAsciiValues = asciiValues.length < values.size();
    }

    /**
     * @param value a string or symbol, or a list of them
     * @throws IllegalArgumentException for anything else, or an empty list
     */
    static TagFilter of(Object value, boolean matchUnfiltered) {
        Set<String> values;
        if (value instanceof String || value instanceof Symbol) {
            values = Set.of(value.toString());
        } else if (value instanceof List<?> list && !list.isEmpty()) {
            java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>();
            for (Object item : list) {
                if (!(item instanceof String || item instanceof Symbol)) {
                    throw new IllegalArgumentException("rabbitmq:stream-filter values are strings, not "
                            + PropertiesFilter.describe(item));
                }
                all.add(item.toString());
            }
            values = Set.copyOf(all);
        } else {
            throw new IllegalArgumentException("rabbitmq:stream-filter takes a string or a list of strings, not "
                    + PropertiesFilter.describe(value));
        }
        return new TagFilter(values, matchUnfiltered);
    }

    /** The tag of a message as published, or null when it has none (or a non-text one). */
    public static String tagOf(MessageView message) {
        Object tag = message.messageAnnotation(ANNOTATION);
        return tag instanceof String || tag instanceof Symbol ? tag.toString() : null;
    }

    @Override
    public boolean test(MessageView message) {
        String tag = tagOf(message);
        return tag == null ? matchUnfiltered : values.contains(tag);
    }

    /**
     * The verdict {@link SourceFilters} reaches with this filter alone on the encoded {@code message} (a message
     * it cannot parse does not match), read in place: the message is walked and checked like
     * {@link MessageView#parse} ({@link AnnotationLookup}) and the tag's bytes are compared with the wanted
     * values' bytes, with no view, string or decoder. {@link #UNSURE} for what only the decoder answers exactly (a
     * tag neither string, symbol nor null; a non-ASCII symbol when a wanted value is not ASCII either).
     *
     * <p>Why bytes give the decoder's answer: a string is decoded from UTF-8 and a symbol from ASCII; text made of
     * ASCII bytes decodes to the same characters, so it equals a wanted value exactly when it has that value's
     * bytes, and it never equals a value with a character beyond ASCII. Text with a byte beyond ASCII decodes to
     * some character beyond ASCII (U+FFFD for what is not valid), so it can only equal a non-ASCII value: a string
     * is then decoded and compared, a symbol left to the decoder.
     */
    int verdict(ByteBuffer message) {
        ByteBuffer b = message.order() == ByteOrder.BIG_ENDIAN ? message : message.slice();
        int pos = TAG.valuePosition(b);
        if (pos == AnnotationLookup.MALFORMED) {
            return NO;
        }
        int code = pos == AnnotationLookup.ABSENT ? NULL : b.get(pos) & 0xff;
        int start;
        int length;
        switch (code) {
            case NULL -> {
                // No tag, or a null one (decoded as null): untagged.
                return matchUnfiltered ? YES : NO;
            }
            case STR8, SYM8 -> {
                start = pos + 2;
                length = b.get(pos + 1) & 0xff;
            }
            case STR32, SYM32 -> {
                start = pos + 5;
                length = b.getInt(pos + 1);
            }
            default -> {
                return UNSURE;
            }
        }
        for (byte[] wanted : asciiValues) {
            if (wanted.length == length && equalBytes(b, start, wanted)) {
                return YES;
            }
        }
        if (!nonAsciiValues || isAscii(b, start, length)) {
            return NO;
        }
        if (code == STR8 || code == STR32) {
            byte[] utf8 = new byte[length];
            b.get(start, utf8);
            return values.contains(new String(utf8, StandardCharsets.UTF_8)) ? YES : NO;
        }
        return UNSURE;
    }

    private static boolean equalBytes(ByteBuffer b, int start, byte[] wanted) {
        for (int i = 0; i < wanted.length; i++) {
            if (b.get(start + i) != wanted[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(ByteBuffer b, int start, int length) {
        for (int i = 0; i < length; i++) {
            if (b.get(start + i) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    int[] tagHashes() {
        int[] hashes = new int[values.size() + (matchUnfiltered ? 1 : 0)];
        int i = 0;
        for (String v : values) {
            hashes[i++] = TagHash.of(v);
        }
        if (matchUnfiltered) {
            hashes[i] = TagHash.NONE;
        }
        return hashes;
    }
}
