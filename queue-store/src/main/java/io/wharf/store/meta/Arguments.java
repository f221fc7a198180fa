package io.wharf.store.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value types stored for queue, exchange and binding arguments, and the one canonical form of a map of them.
 *
 * <p>Arguments are compared for equality (a redeclare is "equivalent" only with equal arguments; a binding is
 * identified by its arguments), and they go through JSON in the metadata store. Both only work when one value has
 * one representation, so every argument map is normalized: integers of any width become {@link Long}, floating
 * point becomes {@link Double}, nested lists and maps are normalized too; strings, booleans and null stay. Anything
 * else is refused here, so a caller converts protocol types (AMQP symbols, unsigned integers) first.
 */
public final class Arguments {

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

    private Arguments() {
    }

    /**
     * An unmodifiable normalized copy (an empty map for null).
     *
     * @throws IllegalArgumentException naming the argument, for a value of a type arguments cannot hold
     */
    public static Map<String, Object> normalized(Map<String, ?> arguments) {
        if (arguments == null || arguments.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> copy = new LinkedHashMap<>(arguments.size() * 2);
        for (Map.Entry<String, ?> e : arguments.entrySet()) {
            if (e.getKey() == null) {
                throw new IllegalArgumentException("an argument has no name");
            }
            copy.put(e.getKey(), value(e.getKey(), e.getValue()));
        }
        return Collections.unmodifiableMap(copy);
    }

    private static Object value(String name, Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof BigInteger big && big.bitLength() < 64) {
            return big.longValue();
        }
        if (v instanceof BigDecimal dec) {
            return dec.doubleValue();
        }
        if (v instanceof Character c) {
            return String.valueOf(c);
        }
        if (v instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            for (Object element : list) {
                copy.add(value(name, element));
            }
            return Collections.unmodifiableList(copy);
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>(map.size() * 2);
            for (Map.Entry<?, ?> e : map.entrySet()) {
                copy.put(String.valueOf(e.getKey()), value(name, e.getValue()));
            }
            return Collections.unmodifiableMap(copy);
        }
        throw new IllegalArgumentException("argument '" + name + "' has a value of unsupported type "
                + v.getClass().getSimpleName() + " (use a string, number, boolean, list or map)");
    }

    /** JSON with map keys sorted: equal maps give equal text, whatever their iteration order. */
    public static String canonicalJson(Map<String, Object> arguments) {
        try {
            return CANONICAL.writeValueAsString(arguments);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("arguments cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
