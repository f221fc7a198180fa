/**
 * The management HTTP listener: one Netty server whose routes plugins add ({@link io.wharf.plugin.http.HttpRoutes}),
 * basic auth against the broker's users (checked off the event loop, cached briefly), routes run on a small worker
 * pool. Serves nothing by itself.
 */
package io.wharf.broker.http;
