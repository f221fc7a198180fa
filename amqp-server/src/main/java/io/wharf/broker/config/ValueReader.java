package io.wharf.broker.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.math.BigInteger;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;

/**
 * Reads typed values out of the yaml tree for {@link ConfigLoader}, environment overrides first, and collects
 * every problem instead of stopping at the first.
 *
 * <p>Each error reads {@code <key>: <value as given> <what is wrong>}; a value from the environment is labelled
 * {@code <key> (from <VARIABLE>)} and shown as the string it was. A getter that finds a problem records it and
 * returns the default, so binding carries on and reports the next problem too; the loader throws once at the end.
 *
 * <p>A key that is absent or written with no value ({@code port:}, yaml null) takes its default, the same as a
 * missing section: an empty config file is a valid config.
 */
final class ValueReader {

    /** A value found for a key, and how to name it in an error. */
    record Raw(JsonNode node, String label) {
    }

    private static final int MAX_SHOWN_CHARS = 80;

    private final EnvOverrides env;
    private final List<String> errors = new ArrayList<>();

    ValueReader(EnvOverrides env) {
        this.env = env;
    }

    List<String> errors() {
        return errors;
    }

    void error(String message) {
        errors.add(message);
    }

    void error(String label, JsonNode value, String problem) {
        errors.add(label + ": " + show(value) + " " + problem);
    }

    /**
     * The value for {@code key}: its environment variable when set, else {@code mapping.field}; null when neither
     * (a null or missing {@code mapping} counts as empty).
     */
    Raw raw(String key, JsonNode mapping, String field) {
        var override = env.forKey(key);
        if (override.isPresent()) {
            return new Raw(TextNode.valueOf(override.get().value()), key + " (from " + override.get().variable() + ")");
        }
        JsonNode node = mapping == null ? null : mapping.get(field);
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        return new Raw(node, key);
    }

    /**
     * The section {@code key} of {@code parent} as a mapping whose keys are checked against {@code known}; null when
     * the section is absent or not a mapping (reported).
     */
    ObjectNode section(String key, JsonNode parent, String field, Collection<String> known) {
        JsonNode node = parent == null ? null : parent.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            error(key, node, "is not a mapping");
            return null;
        }
        checkKeys(key, node, known);
        return (ObjectNode) node;
    }

    /** Reports each key of {@code mapping} not in {@code known}, with a guess when one is close. */
    void checkKeys(String prefix, JsonNode mapping, Collection<String> known) {
        Iterator<String> names = mapping.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!known.contains(name)) {
                String guess = closest(name, known);
                errors.add("unknown key '" + qualified(prefix, name) + "'"
                        + (guess == null ? "" : " (did you mean '" + qualified(prefix, guess) + "'?)"));
            }
        }
    }

    String string(String key, JsonNode mapping, String field, String defaultValue) {
        Raw raw = raw(key, mapping, field);
        String text = raw == null ? null : text(raw);
        return text == null ? defaultValue : text;
    }

    /**
     * An integer in {@code min..max}. {@code rangeProblem} words the out-of-range error; null gives
     * "is out of range (min..max)".
     */
    long integer(String key, JsonNode mapping, String field, long min, long max, String rangeProblem,
                 long defaultValue) {
        Raw raw = raw(key, mapping, field);
        if (raw == null) {
            return defaultValue;
        }
        BigInteger value = integral(raw.node());
        if (value == null) {
            error(raw.label(), raw.node(), "is not an integer");
            return defaultValue;
        }
        if (value.compareTo(BigInteger.valueOf(min)) < 0 || value.compareTo(BigInteger.valueOf(max)) > 0) {
            error(raw.label(), raw.node(), rangeProblem != null ? rangeProblem
                    : "is out of range (" + min + ".." + max + ")");
            return defaultValue;
        }
        return value.longValueExact();
    }

    /** True or false: yaml booleans or the strings "true" / "false" (an environment variable is always a string). */
    boolean bool(String key, JsonNode mapping, String field, boolean defaultValue) {
        Raw raw = raw(key, mapping, field);
        if (raw == null) {
            return defaultValue;
        }
        JsonNode node = raw.node();
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual() && (node.textValue().equals("true") || node.textValue().equals("false"))) {
            return node.textValue().equals("true");
        }
        error(raw.label(), node, "is not a boolean (true or false)");
        return defaultValue;
    }

    /** A path, made absolute against the current working directory so later chdir-free code sees one place. */
    Path path(String key, JsonNode mapping, String field, String defaultValue) {
        Path fallback = Path.of(defaultValue).toAbsolutePath().normalize();
        Raw raw = raw(key, mapping, field);
        String text = raw == null ? null : text(raw);
        if (text == null) {
            return fallback;
        }
        try {
            return Path.of(text).toAbsolutePath().normalize();
        } catch (InvalidPathException e) {
            error(raw.label(), raw.node(), "is not a valid path (" + e.getReason() + ")");
            return fallback;
        }
    }

    /**
     * A list of non-empty strings: a yaml sequence, or from the environment one comma-separated string (blanks
     * around commas ignored, empty items dropped, so "" means an empty list).
     */
    List<String> stringList(String key, JsonNode mapping, String field, List<String> defaultValue) {
        Raw raw = raw(key, mapping, field);
        if (raw == null) {
            return defaultValue;
        }
        List<String> items = new ArrayList<>();
        if (env.forKey(key).isPresent()) {
            for (String item : raw.node().textValue().split(",")) {
                if (!item.isBlank()) {
                    items.add(item.strip());
                }
            }
            return List.copyOf(items);
        }
        if (!raw.node().isArray()) {
            error(raw.label(), raw.node(), "is not a list");
            return defaultValue;
        }
        for (int i = 0; i < raw.node().size(); i++) {
            JsonNode item = raw.node().get(i);
            if (!item.isTextual() || item.textValue().isBlank()) {
                error(key + "[" + i + "]", item, "is not a non-empty string");
            } else {
                items.add(item.textValue());
            }
        }
        return List.copyOf(items);
    }

    /** The non-blank string a value holds, or null (reported) when it holds none. */
    private String text(Raw raw) {
        if (!raw.node().isTextual()) {
            error(raw.label(), raw.node(), "is not a string");
            return null;
        }
        if (raw.node().textValue().isBlank()) {
            error(raw.label(), raw.node(), "is empty");
            return null;
        }
        return raw.node().textValue();
    }

    /** The integer a node holds, or null when it holds none; floats are refused even when whole (1.0). */
    private static BigInteger integral(JsonNode node) {
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue();
        }
        if (node.isTextual()) {
            String text = node.textValue();
            // BigInteger would also take "+5" and "٥" (other scripts' digits); a config value should be plain.
            if (!text.matches("-?[0-9]+")) {
                return null;
            }
            return new BigInteger(text);
        }
        return null;
    }

    /** The value as written (strings quoted, so a stray space shows), cut short if long. */
    static String show(JsonNode value) {
        String text = value.toString();
        return text.length() <= MAX_SHOWN_CHARS ? text : text.substring(0, MAX_SHOWN_CHARS) + "...";
    }

    private static String qualified(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }

    /** A known key close to a mistyped one: two edits away, or one the mistake is a prefix of (password). */
    private static String closest(String name, Collection<String> known) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : known) {
            int distance = name.length() >= 3 && candidate.startsWith(name) ? 1 : editDistance(name, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
