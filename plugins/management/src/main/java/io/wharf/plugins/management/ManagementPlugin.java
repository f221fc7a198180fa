package io.wharf.plugins.management;

import io.wharf.plugin.PluginContext;
import io.wharf.plugin.WharfPlugin;
import io.wharf.plugin.http.HttpRoutes;

/**
 * The {@code management} plugin: the REST API under {@code /api} (basic auth, RabbitMQ's paths and JSON fields)
 * and the web console at {@code /}, on the broker's management HTTP port. Sees the broker only through plugin-api.
 */
public final class ManagementPlugin implements WharfPlugin {

    @Override
    public String name() {
        return "management";
    }

    @Override
    public void start(PluginContext context) {
        context.http().add("/api", HttpRoutes.Access.AUTHENTICATED,
                new ApiRoutes(context.admin(), context.users(), context.brokerVersion()));
        context.http().add("/", HttpRoutes.Access.PUBLIC, new ConsoleFiles());
    }
}
