package io.wharf.broker.plugin;

import io.wharf.broker.http.HttpRouteTable;
import io.wharf.plugin.ExchangeTypeProvider;
import io.wharf.plugin.PluginMessaging;
import io.wharf.plugin.admin.BrokerAdmin;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the broker lends plugins beyond events and users: messaging, where their exchange types go, the management
 * view and the HTTP routes.
 *
 * @param messaging     {@link io.wharf.plugin.PluginContext#messaging()}
 * @param exchangeTypes takes each {@link ExchangeTypeProvider} a plugin adds; throws
 *                      {@link IllegalArgumentException} for a name that is taken
 * @param admin         {@link io.wharf.plugin.PluginContext#admin()}; null when the broker offers none (tests of
 *                      the host alone)
 * @param routes        where {@link io.wharf.plugin.PluginContext#http()} adds routes; a plugin's go when it stops
 */
public record PluginServices(PluginMessaging messaging, Consumer<ExchangeTypeProvider> exchangeTypes,
        BrokerAdmin admin, HttpRouteTable routes) {

    /** No broker behind: messaging fails, exchange types are refused (for tests of the host alone). */
    public static final PluginServices NONE = new PluginServices(new PluginMessaging() {
        @Override
        public CompletableFuture<Void> declareExchange(String vhost, String exchange, String type, boolean durable) {
            return CompletableFuture.failedFuture(new IllegalStateException("no broker"));
        }

        @Override
        public CompletableFuture<Integer> publishCopy(String vhost, String exchange, String routingKey,
                io.wharf.plugin.InterceptedMessage message, java.util.Map<String, Object> annotations) {
            return CompletableFuture.completedFuture(0);
        }
    }, provider -> {
        throw new IllegalArgumentException("exchange types need a broker");
    }, null, new HttpRouteTable());
}
