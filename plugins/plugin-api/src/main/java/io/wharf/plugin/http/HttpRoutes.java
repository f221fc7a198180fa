package io.wharf.plugin.http;

/**
 * The broker's management HTTP server (config {@code http.*}, port 15672 by default), shared by all plugins. A plugin
 * adds routes by path prefix; a request goes to the route with the longest prefix that matches whole segments
 * ({@code /api} serves {@code /api} and {@code /api/queues}, not {@code /apis}). The server starts only when some
 * plugin added a route.
 */
public interface HttpRoutes {

    /** Who may call a route. */
    enum Access {
        /** Anyone: static console files, a metrics scrape. */
        PUBLIC,
        /**
         * HTTP basic auth against the broker's users ({@link io.wharf.plugin.UserAdmin}); wrong or missing
         * credentials get 401 before the handler runs. Tags (administrator, ...) are the route's to check.
         */
        AUTHENTICATED
    }

    /**
     * Adds a route. Fails with {@link IllegalStateException} when another route has that prefix.
     *
     * @param pathPrefix starts with {@code /}; {@code /} alone serves everything no other route takes
     */
    void add(String pathPrefix, Access access, HttpHandler handler);
}
