package io.wharf.broker.plugin;

import io.wharf.plugin.ExchangeTypeProvider;
import io.wharf.plugin.PluginMessaging;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * What the broker lends plugins beyond events and users: messaging, and where their exchange types go.
 *
 * @param messaging     {@link io.wharf.plugin.PluginContext#messaging()}
 * @param exchangeTypes takes each {@link ExchangeTypeProvider} a plugin adds; throws
 *                      {@link IllegalArgumentException} for a name that is taken
 */
public record PluginServices(PluginMessaging messaging, Consumer<ExchangeTypeProvider> exchangeTypes) {

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
    });
}
