package io.wharf.it;

import io.wharf.plugin.http.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** A real HTTP client (java.net.http) against a broker's management port, with basic auth. */
final class HttpApi {

    /** One answer: status and body (parsed as JSON when it is JSON). */
    record Answer(int status, String text, String contentType) {

        Object json() {
            return text.isEmpty() ? null : Json.parse(text);
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> map() {
            return (Map<String, Object>) json();
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> list() {
            return (List<Map<String, Object>>) json();
        }

        /** The error's reason (RabbitMQ's {"error", "reason"} shape). */
        String reason() {
            return String.valueOf(map().get("reason"));
        }
    }

    /** The extra YAML a broker needs to serve the management API on a free port, with fast rate samples. */
    static final String YAML = "http:\n  host: 127.0.0.1\n  port: 0\n  rates-interval-ms: 500\n"
            + "plugins:\n  enabled: [management, prometheus]\n";

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;
    private final String authorization;

    HttpApi(int port, String user, String password) {
        this.port = port;
        this.authorization = user == null ? null : "Basic " + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    HttpApi as(String user, String password) {
        return new HttpApi(port, user, password);
    }

    Answer get(String path) throws Exception {
        return send("GET", path, null);
    }

    Answer put(String path, String body) throws Exception {
        return send("PUT", path, body);
    }

    Answer post(String path, String body) throws Exception {
        return send("POST", path, body);
    }

    Answer delete(String path) throws Exception {
        return send("DELETE", path, null);
    }

    Answer send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(),
                response.headers().firstValue("content-type").orElse(""));
    }
}
