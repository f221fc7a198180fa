package io.wharf.amqp.filter;

import io.wharf.amqp.message.MessageView;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.Symbol;

/**
 * The AMQP filter expressions over the properties section ({@code amqp:properties-filter}) or the application
 * properties ({@code amqp:application-properties-filter}): a map of name to expected value, all of which must
 * match. A string value {@code &p:x} matches strings starting with x, {@code &s:x} strings ending with x, and
 * {@code &&x} the string {@code &x}; other strings, symbols, numbers (by value, whatever their AMQP width),
 * booleans, timestamps, UUIDs and binaries match equal values. An absent field never matches.
 */
final class PropertiesFilter implements MessagePredicate {

    private final boolean applicationProperties;
    private final Map<String, Object> expected;

    private PropertiesFilter(boolean applicationProperties, Map<String, Object> expected) {
        this.applicationProperties = applicationProperties;
        this.expected = expected;
    }

    /**
     * @param value the filter's described value: a map
     * @throws IllegalArgumentException when it is not a map, or names a field the properties section lacks
     */
    static PropertiesFilter of(boolean applicationProperties, Object value) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("a properties filter takes a map, not " + describe(value));
        }
        Map<String, Object> expected = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getKey() instanceof String || e.getKey() instanceof Symbol)) {
                throw new IllegalArgumentException("a properties filter's keys are strings or symbols, not "
                        + describe(e.getKey()));
            }
            String name = e.getKey().toString();
            if (!applicationProperties && !Field.PROPERTY_FIELDS.contains(name)) {
                throw new IllegalArgumentException("no property '" + name + "' in the properties section");
            }
            expected.put(name, e.getValue());
        }
        return new PropertiesFilter(applicationProperties, expected);
    }

    @Override
    public boolean test(MessageView message) {
        for (Map.Entry<String, Object> e : expected.entrySet()) {
            Object actual = applicationProperties ? message.applicationProperty(e.getKey())
                    : rawProperty(message, e.getKey());
            if (!matches(e.getValue(), actual)) {
                return false;
            }
        }
        return true;
    }

    private static Object rawProperty(MessageView message, String name) {
        var p = message.properties();
        return switch (name) {
            case "message-id" -> p.messageId();
            case "user-id" -> p.userId();
            case "correlation-id" -> p.correlationId();
            default -> MessageFields.property(p, name);
        };
    }

    static boolean matches(Object expected, Object actual) {
        if (expected == null || actual == null) {
            return false;
        }
        if (expected instanceof String s) {
            String text = actual instanceof String || actual instanceof Symbol ? actual.toString() : null;
            if (text == null) {
                return false;
            }
            if (s.startsWith("&p:")) {
                return text.startsWith(s.substring(3));
            }
            if (s.startsWith("&s:")) {
                return text.endsWith(s.substring(3));
            }
            if (s.startsWith("&&")) {
                return text.equals(s.substring(1));
            }
            return text.equals(s);
        }
        if (expected instanceof Symbol) {
            return (actual instanceof String || actual instanceof Symbol) && expected.toString().equals(actual.toString());
        }
        if (expected instanceof Binary b) {
            byte[] bytes = actual instanceof byte[] a ? a : actual instanceof Binary ab ? ab.getArray() != null
                    ? Arrays.copyOfRange(ab.getArray(), ab.getArrayOffset(), ab.getArrayOffset() + ab.getLength())
                    : null : null;
            return bytes != null && Arrays.equals(bytes, Arrays.copyOfRange(b.getArray(), b.getArrayOffset(),
                    b.getArrayOffset() + b.getLength()));
        }
        if (expected instanceof Date d) {
            Object ms = actual instanceof Date a ? (Object) a.getTime() : actual;
            return ms instanceof Long l && l == d.getTime();
        }
        if (expected instanceof UUID) {
            return expected.equals(actual);
        }
        Object e = MessageFields.value(expected);
        Object a = MessageFields.value(actual);
        if (e instanceof Number && a instanceof Number || e instanceof Boolean && a instanceof Boolean) {
            return Boolean.TRUE.equals(Expression.Compare.compare(Expression.CompareOp.EQ, e, a));
        }
        return expected.equals(actual);
    }

    static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }
}
