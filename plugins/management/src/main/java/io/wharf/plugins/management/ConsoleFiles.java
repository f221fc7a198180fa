package io.wharf.plugins.management;

import io.wharf.plugin.http.HttpHandler;
import io.wharf.plugin.http.HttpRequest;
import io.wharf.plugin.http.HttpResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The web console: plain HTML, JavaScript and CSS from this jar (no build step, nothing from the internet). The
 * files are public; the console asks for credentials and sends them with every API call.
 */
final class ConsoleFiles implements HttpHandler {

    private static final String ROOT = "/io/wharf/plugins/management/console/";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js",
            "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");

    @Override
    public CompletableFuture<HttpResponse> handle(HttpRequest request) throws IOException {
        if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
            return CompletableFuture.completedFuture(HttpResponse.error(405, "the console is read-only"));
        }
        String path = request.path();
        String name = path.equals("/") || path.isEmpty() ? "index.html" : path.substring(1);
        if (!name.matches("[a-z0-9-]+\\.(html|js|css|svg)")) {
            return CompletableFuture.completedFuture(HttpResponse.error(404, "nothing is served at '" + path + "'"));
        }
        try (InputStream in = ConsoleFiles.class.getResourceAsStream(ROOT + name)) {
            if (in == null) {
                return CompletableFuture.completedFuture(HttpResponse.error(404, "nothing is served at '" + path
                        + "'"));
            }
            String type = TYPES.get(name.substring(name.lastIndexOf('.') + 1));
            return CompletableFuture.completedFuture(new HttpResponse(200, type, in.readAllBytes(), Map.of()));
        }
    }
}
