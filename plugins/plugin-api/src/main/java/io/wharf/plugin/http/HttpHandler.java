package io.wharf.plugin.http;

import java.util.concurrent.CompletableFuture;

/**
 * Answers requests under one path prefix. Called on a broker HTTP worker thread (never a network event loop), so
 * it may block briefly; long work should complete the future later instead. An exception thrown or a failed future
 * becomes a 500 (or the status of an {@link io.wharf.plugin.admin.AdminException}).
 */
@FunctionalInterface
public interface HttpHandler {

    CompletableFuture<HttpResponse> handle(HttpRequest request) throws Exception;
}
