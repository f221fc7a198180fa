package io.wharf.amqp.management;

import io.wharf.store.meta.Arguments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedByte;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.UnsignedShort;

/**
 * AMQP values of management bodies (as proton-j decodes them) to the plain Java values the topology stores, and the
 * few conversions back. Symbols become strings, unsigned integers longs; binary, timestamps, described types and the
 * like are refused (a 400 naming the argument).
 */
final class AmqpValues {

    private AmqpValues() {
    }

    /**
     * An AMQP map of arguments as normalized Java values.
     *
     * @throws BadRequest naming the argument, for a value arguments cannot hold
     */
    static Map<String, Object> arguments(Object amqpMap, String what) {
        if (amqpMap == null) {
            return Map.of();
        }
        if (!(amqpMap instanceof Map<?, ?> map)) {
            throw new BadRequest(what + " must be a map, not " + amqpMap.getClass().getSimpleName());
        }
        Map<String, Object> plain = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = key(e.getKey(), what);
            plain.put(name, value(e.getValue(), name));
        }
        try {
            return Arguments.normalized(plain);
        } catch (IllegalArgumentException e) {
            throw new BadRequest(e.getMessage());
        }
    }

    static String key(Object key, String what) {
        if (key instanceof String s) {
            return s;
        }
        if (key instanceof Symbol s) {
            return s.toString();
        }
        throw new BadRequest(what + " keys must be strings, not " + (key == null ? "null" : key.getClass().getSimpleName()));
    }

    private static Object value(Object v, String name) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Integer
                || v instanceof Short || v instanceof Byte || v instanceof Double || v instanceof Float) {
            return v;
        }
        if (v instanceof Symbol s) {
            return s.toString();
        }
        if (v instanceof Character c) {
            return String.valueOf(c);
        }
        if (v instanceof UnsignedInteger || v instanceof UnsignedShort || v instanceof UnsignedByte) {
            return ((Number) v).longValue();
        }
        if (v instanceof UnsignedLong ul && ul.longValue() >= 0) {
            return ul.longValue();
        }
        if (v instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(value(element, name));
            }
            return copy;
        }
        if (v instanceof Object[] array) {
            List<Object> copy = new ArrayList<>(array.length);
            for (Object element : array) {
                copy.add(value(element, name));
            }
            return copy;
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                copy.put(key(e.getKey(), "argument '" + name + "'"), value(e.getValue(), name));
            }
            return copy;
        }
        throw new BadRequest("argument '" + name + "' has a value of unsupported AMQP type "
                + v.getClass().getSimpleName());
    }

    /** A request's malformed part; answered with 400 and this message. */
    static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message);
        }
    }
}
