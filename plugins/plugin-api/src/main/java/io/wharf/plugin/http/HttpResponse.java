package io.wharf.plugin.http;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A route's answer.
 *
 * @param status      HTTP status code
 * @param contentType the {@code Content-Type}; null with an empty body
 * @param body        the body bytes
 * @param headers     further response headers (may be empty)
 */
public record HttpResponse(int status, String contentType, byte[] body, Map<String, String> headers) {

    private static final byte[] NONE = new byte[0];

    public static HttpResponse json(int status, Object value) {
        return new HttpResponse(status, "application/json", Json.write(value).getBytes(StandardCharsets.UTF_8),
                Map.of());
    }

    public static HttpResponse text(int status, String contentType, String text) {
        return new HttpResponse(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    /** No body (e.g. 201 or 204 after a change). */
    public static HttpResponse empty(int status) {
        return new HttpResponse(status, null, NONE, Map.of());
    }

    /** An error in RabbitMQ's shape: {@code {"error": <reason phrase>, "reason": <what went wrong>}}. */
    public static HttpResponse error(int status, String reason) {
        return json(status, Map.of("error", phrase(status), "reason", reason));
    }

    private static String phrase(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 401 -> "not_authorized";
            case 403 -> "access_refused";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 409 -> "conflict";
            case 413 -> "payload_too_large";
            case 501 -> "not_implemented";
            default -> status >= 500 ? "internal_error" : "error";
        };
    }
}
