package io.wharf.amqp.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.qpid.proton.amqp.Symbol;
import org.junit.jupiter.api.Test;

/**
 * The tag filter judged on the bytes in place ({@link TagFilter#verdict}, used by {@link SourceFilters#matches})
 * against the reference path through {@link io.wharf.amqp.message.MessageView}: the same answer for every message,
 * well-formed or not. Messages are encoded by hand so that every encoding a client may choose appears (symbol or
 * string tags, 8- or 32-bit sizes, numeric or symbolic section descriptors, other annotation keys around the tag,
 * non-text tags), then truncated, bit-flipped and shuffled.
 */
class TagVerdictTest {

    private static final String KEY = TagFilter.ANNOTATION;

    // ---- encoding by hand ----

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    /** A str/sym/vbin value: {@code code8} with a one-byte size, or the 32-bit form. */
    private static byte[] variable(int code8, byte[] payload, boolean wide) {
        return wide ? cat(bytes(code8 + 0x10), u32(payload.length), payload)
                : cat(bytes(code8, payload.length), payload);
    }

    private static byte[] str(String s, boolean wide) {
        return variable(0xa1, s.getBytes(StandardCharsets.UTF_8), wide);
    }

    private static byte[] sym(String ascii, boolean wide) {
        return variable(0xa3, ascii.getBytes(StandardCharsets.ISO_8859_1), wide);
    }

    /** A map (0xc1/0xd1) or list (0xc0/0xd0) of already encoded elements. */
    private static byte[] compound(boolean map, List<byte[]> elements, boolean wide) {
        byte[] body = cat(elements.toArray(byte[][]::new));
        if (wide) {
            return cat(bytes(map ? 0xd1 : 0xd0), u32(body.length + 4), u32(elements.size()), body);
        }
        return cat(bytes(map ? 0xc1 : 0xc0, body.length + 1, elements.size()), body);
    }

    private static byte[] section(int code, byte[] value, int descriptorForm) {
        byte[] descriptor = switch (descriptorForm) {
            case 0 -> bytes(0x53, code);
            case 1 -> bytes(0x80, 0, 0, 0, 0, 0, 0, 0, code);
            default -> sym(switch (code) {
                case 0x70 -> "amqp:header:list";
                case 0x71 -> "amqp:delivery-annotations:map";
                case 0x72 -> "amqp:message-annotations:map";
                case 0x73 -> "amqp:properties:list";
                case 0x74 -> "amqp:application-properties:map";
                case 0x75 -> "amqp:data:binary";
                case 0x77 -> "amqp:amqp-value:*";
                default -> "amqp:footer:map";
            }, false);
        };
        return cat(bytes(0x00), descriptor, value);
    }

    // ---- random messages ----

    private static final String[] TAGS = {"rare", "common", "", "rar", "rarex", "RARE", "café", "\uFFFD", "x"};

    private static byte[] tagValue(Random r) {
        boolean wide = r.nextInt(4) == 0;
        return switch (r.nextInt(16)) {
            case 0, 1, 2, 3, 4 -> str(TAGS[r.nextInt(TAGS.length)], wide);
            case 5, 6, 7 -> sym(r.nextBoolean() ? "rare" : r.nextBoolean() ? "common" : "rarex", wide);
            case 8 -> variable(0xa1, bytes(0xff, 0xfe, 'r'), wide); // not UTF-8: decoded with U+FFFD
            case 9 -> variable(0xa3, bytes('r', 0xc3, 0xa9), wide); // a symbol beyond ASCII
            case 10 -> bytes(0x40); // null
            case 11 -> bytes(0x71, 0, 0, 0, 7); // int
            case 12 -> variable(0xa0, "rare".getBytes(StandardCharsets.US_ASCII), wide); // binary
            case 13 -> compound(false, List.of(str("rare", false)), wide); // a list holding the tag
            case 14 -> cat(bytes(0x00), sym("com.example:tag", false), str("rare", false)); // described
            default -> bytes(0x41); // true
        };
    }

    private static byte[] otherKey(Random r) {
        return switch (r.nextInt(7)) {
            case 0 -> sym("x-opt-jms-msg-type", false);
            case 1 -> sym("x-stream-filter-valuE", false);
            case 2 -> sym(KEY + "-2", r.nextBoolean());
            case 3 -> bytes(0x53, 0x05); // ulong keys are allowed in annotations
            case 4 -> bytes(0x80, 0, 0, 0, 0, 0, 0, 1, 0);
            case 5 -> bytes(0x44);
            default -> str(KEY, false); // a string key: annotations must not have one
        };
    }

    private static byte[] annotations(Random r, boolean withTag) {
        List<byte[]> entries = new ArrayList<>();
        int others = r.nextInt(3);
        int tagAt = withTag ? r.nextInt(others + 1) : -1;
        for (int i = 0; i <= others; i++) {
            if (i == tagAt) {
                entries.add(r.nextInt(5) == 0 ? sym(KEY, true) : sym(KEY, false));
                entries.add(tagValue(r));
                if (r.nextInt(6) == 0) { // the key again: the first one counts
                    entries.add(sym(KEY, false));
                    entries.add(tagValue(r));
                }
            } else if (i < others) {
                entries.add(otherKey(r));
                entries.add(r.nextBoolean() ? str("v", false) : bytes(0x52, 9));
            }
        }
        return compound(true, entries, r.nextInt(4) == 0);
    }

    private static byte[] message(Random r) {
        int form = r.nextInt(8) == 0 ? 2 : r.nextInt(8) == 0 ? 1 : 0;
        List<byte[]> sections = new ArrayList<>();
        if (r.nextBoolean()) {
            byte[] header = switch (r.nextInt(3)) {
                case 0 -> compound(false, List.of(bytes(0x41), bytes(0x50, 4)), false);
                case 1 -> bytes(0x45);
                default -> bytes(0x40);
            };
            sections.add(section(0x70, header, form));
        }
        if (r.nextInt(3) == 0) { // delivery annotations carrying the key: not the message's tag
            sections.add(section(0x71, compound(true, List.of(sym(KEY, false), str("rare", false)), false), form));
        }
        switch (r.nextInt(6)) {
            case 0 -> { } // no message annotations
            case 1 -> sections.add(section(0x72, bytes(0x40), form));
            case 2 -> sections.add(section(0x72, annotations(r, false), form));
            default -> sections.add(section(0x72, annotations(r, true), form));
        }
        if (r.nextInt(3) == 0) {
            sections.add(section(0x73, bytes(0x45), form));
        }
        if (r.nextInt(3) == 0) { // an application property of the same name: not the tag either
            sections.add(section(0x74, compound(true, List.of(str(KEY, false), str("rare", false)), false), form));
        }
        switch (r.nextInt(4)) {
            case 0 -> { }
            case 1 -> sections.add(section(0x77, str("body", false), form));
            default -> {
                int n = 1 + r.nextInt(2);
                for (int i = 0; i < n; i++) {
                    sections.add(section(0x75, variable(0xa0, new byte[r.nextInt(40)], r.nextInt(3) == 0), form));
                }
            }
        }
        if (r.nextInt(5) == 0) {
            sections.add(section(0x78, compound(true, List.of(sym("f", false), bytes(0x40)), false), form));
        }
        if (r.nextInt(12) == 0 && sections.size() > 1) { // out of order, or a section twice in a row
            if (r.nextBoolean()) {
                java.util.Collections.swap(sections, 0, sections.size() - 1);
            } else {
                int at = r.nextInt(sections.size());
                sections.add(at, sections.get(at));
            }
        }
        return cat(sections.toArray(byte[][]::new));
    }

    /** The message as generated, or damaged: cut short, a byte changed, a byte added, or plain noise. */
    private static byte[] maybeDamaged(Random r, byte[] message) {
        if (message.length == 0) {
            return message;
        }
        switch (r.nextInt(8)) {
            case 0 -> {
                return Arrays.copyOf(message, r.nextInt(message.length + 1));
            }
            case 1 -> {
                byte[] copy = message.clone();
                copy[r.nextInt(copy.length)] = (byte) r.nextInt(256);
                return copy;
            }
            case 2 -> {
                int at = r.nextInt(message.length + 1);
                return cat(Arrays.copyOf(message, at), bytes(r.nextInt(256)),
                        Arrays.copyOfRange(message, at, message.length));
            }
            case 3 -> {
                if (r.nextInt(4) == 0) {
                    byte[] noise = new byte[r.nextInt(30)];
                    r.nextBytes(noise);
                    return noise;
                }
                return message;
            }
            default -> {
                return message;
            }
        }
    }

    private static List<SourceFilters> tagFilters() {
        List<Object> wanted = List.of("rare", Symbol.valueOf("rare"), List.of("rare", "common"),
                List.of(Symbol.valueOf("common"), "x"), "café", List.of("\uFFFD", "rare"), "", "\uD800",
                List.of("r\u00e9", Symbol.valueOf("rarex")));
        List<SourceFilters> filters = new ArrayList<>();
        for (Object value : wanted) {
            for (Boolean unfiltered : new Boolean[] {null, true, false}) {
                Map<Symbol, Object> set = new LinkedHashMap<>();
                set.put(Symbol.valueOf("rabbitmq:stream-filter"), value);
                if (unfiltered != null) {
                    set.put(Symbol.valueOf("rabbitmq:stream-match-unfiltered"), unfiltered);
                }
                SourceFilters f = SourceFilters.read(set);
                assertEquals(1, f.appliedKeys().size() - (unfiltered != null ? 1 : 0), "applied: " + value);
                filters.add(f);
            }
        }
        return filters;
    }

    @Test
    void theVerdictOnTheBytesIsTheVerdictOfTheView() {
        List<SourceFilters> filters = tagFilters();
        Random r = new Random(20261122);
        int[] outcomes = new int[2];
        int malformed = 0;
        for (int i = 0; i < 40_000; i++) {
            byte[] message = maybeDamaged(r, message(r));
            try {
                io.wharf.amqp.message.MessageView.parse(ByteBuffer.wrap(message));
            } catch (RuntimeException e) {
                malformed++;
            }
            SourceFilters f = filters.get(r.nextInt(filters.size()));
            boolean expected = f.matchesByView(ByteBuffer.wrap(message));
            outcomes[expected ? 1 : 0]++;
            assertEquals(expected, f.matches(ByteBuffer.wrap(message)), () -> describe(message));
            // Inside a larger buffer, from a position, in little-endian order: the same answer.
            byte[] padded = cat(bytes(0x00, 0x53, 0x72), message, bytes(0x40, 0x41));
            ByteBuffer inside = ByteBuffer.wrap(padded).slice(3, message.length);
            assertEquals(expected, f.matches(inside.order(ByteOrder.LITTLE_ENDIAN)), () -> describe(message));
            ByteBuffer positioned = ByteBuffer.wrap(padded).position(3).limit(3 + message.length);
            assertEquals(expected, f.matches(positioned), () -> describe(message));
            assertEquals(3, positioned.position());
        }
        assertTrue(outcomes[0] > 5_000 && outcomes[1] > 5_000, Arrays.toString(outcomes));
        assertTrue(malformed > 5_000, "malformed: " + malformed);
    }

    @Test
    void everyPrefixOfAWellFormedMessageIsJudgedAlike() {
        List<SourceFilters> filters = tagFilters();
        Random r = new Random(7);
        for (int i = 0; i < 80; i++) {
            byte[] message = message(r);
            for (int cut = 0; cut <= message.length; cut++) {
                byte[] prefix = Arrays.copyOf(message, cut);
                for (SourceFilters f : filters) {
                    assertEquals(f.matchesByView(ByteBuffer.wrap(prefix)), f.matches(ByteBuffer.wrap(prefix)),
                            () -> describe(prefix));
                }
            }
        }
    }

    @Test
    void commonTagsAreJudgedWithoutTheDecoder() {
        SourceFilters rare = SourceFilters.read(Map.of(Symbol.valueOf("rabbitmq:stream-filter"), "rare"));
        TagFilter tags = onlyTagFilter("rare");
        for (byte[] tag : List.of(str("rare", false), str("rare", true), sym("rare", false), sym("rare", true))) {
            byte[] message = cat(section(0x70, bytes(0x45), 0),
                    section(0x72, compound(true, List.of(sym("x-opt-a", false), bytes(0x40), sym(KEY, false), tag),
                            false), 0),
                    section(0x75, variable(0xa0, new byte[200], false), 0));
            assertEquals(TagFilter.YES, tags.verdict(ByteBuffer.wrap(message)));
            assertTrue(rare.matches(ByteBuffer.wrap(message)));
        }
        byte[] common = cat(section(0x72, compound(true, List.of(sym(KEY, false), str("common", false)), false), 0),
                section(0x75, variable(0xa0, new byte[10], false), 0));
        assertEquals(TagFilter.NO, tags.verdict(ByteBuffer.wrap(common)));
        byte[] untagged = section(0x75, variable(0xa0, new byte[10], false), 0);
        assertEquals(TagFilter.NO, tags.verdict(ByteBuffer.wrap(untagged)));
        byte[] intTag = cat(section(0x72, compound(true, List.of(sym(KEY, false), bytes(0x52, 1)), false), 0));
        assertNotEquals(TagFilter.YES, tags.verdict(ByteBuffer.wrap(intTag)));
    }

    private static TagFilter onlyTagFilter(String value) {
        return TagFilter.of(value, false);
    }

    private static String describe(byte[] message) {
        StringBuilder hex = new StringBuilder();
        for (byte b : message) {
            hex.append(String.format("%02x ", b));
        }
        return hex.toString();
    }
}
