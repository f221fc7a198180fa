package io.wharf.plugins.prometheus;

import io.wharf.plugin.PluginContext;
import io.wharf.plugin.WharfPlugin;
import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.plugin.http.HttpResponse;
import io.wharf.plugin.http.HttpRoutes;
import java.util.concurrent.CompletableFuture;

/**
 * The {@code prometheus} plugin: {@code GET /metrics} on the management HTTP port in the Prometheus text exposition
 * format (version 0.0.4), broker-wide and per queue. Unauthenticated by default, as scrapers expect; setting
 * {@code plugins.settings.prometheus.authenticated: true} puts it behind basic auth.
 */
public final class PrometheusPlugin implements WharfPlugin {

    @Override
    public String name() {
        return "prometheus";
    }

    @Override
    public void start(PluginContext context) {
        BrokerAdmin admin = context.admin();
        boolean authenticated = Boolean.TRUE.equals(context.settings().get("authenticated"))
                || "true".equals(context.settings().get("authenticated"));
        context.http().add("/metrics", authenticated ? HttpRoutes.Access.AUTHENTICATED : HttpRoutes.Access.PUBLIC,
                request -> {
                    if (!request.method().equals("GET")) {
                        return CompletableFuture.completedFuture(HttpResponse.error(405, "only GET is served"));
                    }
                    return admin.connections().thenApply(connections -> HttpResponse.text(200,
                            "text/plain; version=0.0.4; charset=utf-8", new Exposition(admin, connections).render()));
                });
    }
}
