package io.wharf.plugins.management;

import io.wharf.plugin.admin.AdminException;
import io.wharf.plugin.admin.AdminException.Reason;
import io.wharf.plugin.http.HttpRequest;
import io.wharf.plugin.http.Json;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Reading JSON request bodies: every problem is a 400 naming the field. */
final class Bodies {

    private Bodies() {
    }

    /** The body as a JSON object limited to {@code allowed} members (an empty body is an empty object). */
    static Map<String, Object> object(HttpRequest request, Set<String> allowed) {
        String text = request.bodyText();
        if (text.isBlank()) {
            return Map.of();
        }
        Object parsed;
        try {
            parsed = Json.parse(text);
        } catch (Json.SyntaxException e) {
            throw bad("the request body is not valid JSON: " + e.getMessage());
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw bad("the request body must be a JSON object");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (allowed != null && !allowed.contains(key)) {
                throw bad("unknown field '" + key + "'; expected one of " + Arrays.toString(allowed.stream().sorted()
                        .toArray()));
            }
            out.put(key, e.getValue());
        }
        return out;
    }

    static boolean bool(Map<String, Object> body, String name, boolean absent) {
        Object v = body.get(name);
        if (v == null) {
            return absent;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if ("true".equals(v) || "false".equals(v)) {
            return "true".equals(v);
        }
        throw bad("'" + name + "' must be a boolean, not " + Json.write(v));
    }

    static String text(Map<String, Object> body, String name, String absent) {
        Object v = body.get(name);
        if (v == null) {
            return absent;
        }
        if (v instanceof String s) {
            return s;
        }
        throw bad("'" + name + "' must be a string, not " + Json.write(v));
    }

    static String requiredText(Map<String, Object> body, String name) {
        String s = text(body, name, null);
        if (s == null) {
            throw bad("the body needs '" + name + "'");
        }
        return s;
    }

    static long integer(Map<String, Object> body, String name, long absent) {
        Object v = body.get(name);
        if (v == null) {
            return absent;
        }
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof String s) {
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                // fall through
            }
        }
        throw bad("'" + name + "' must be an integer, not " + Json.write(v));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Map<String, Object> body, String name) {
        Object v = body.get(name);
        if (v == null) {
            return Map.of();
        }
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw bad("'" + name + "' must be a JSON object, not " + Json.write(v));
    }

    static AdminException bad(String message) {
        return new AdminException(Reason.BAD_REQUEST, message);
    }

    static AdminException notFound(String message) {
        return new AdminException(Reason.NOT_FOUND, message);
    }
}
