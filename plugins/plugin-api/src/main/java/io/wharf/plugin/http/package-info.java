/**
 * The management HTTP server as plugins see it: routes by path prefix ({@link io.wharf.plugin.http.HttpRoutes}),
 * fully read requests and responses, basic auth done by the broker, and a small JSON codec.
 */
package io.wharf.plugin.http;
