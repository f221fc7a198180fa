package io.wharf.broker;

import io.wharf.amqp.address.ApplicationPropertyHeaders;
import io.wharf.amqp.engine.VirtualHost;
import io.wharf.amqp.engine.VirtualHosts;
import io.wharf.amqp.message.InterceptedView;
import io.wharf.amqp.message.MalformedMessageException;
import io.wharf.amqp.message.MessageView;
import io.wharf.exchange.Exchange;
import io.wharf.exchange.RoutedQueues;
import io.wharf.plugin.InterceptedMessage;
import io.wharf.plugin.PluginMessaging;
import io.wharf.store.meta.ExchangeDefinition;
import io.wharf.store.queue.MessageHeader;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * {@link PluginMessaging} over the broker's virtual hosts. A copy is routed on the calling thread (no locks, no disk,
 * as a producer's message is) and stored by the target queues on their threads; nothing waits.
 */
final class BrokerPluginMessaging implements PluginMessaging {

    private final VirtualHosts vhosts;

    BrokerPluginMessaging(VirtualHosts vhosts) {
        this.vhosts = vhosts;
    }

    @Override
    public CompletableFuture<Void> declareExchange(String vhost, String exchange, String type, boolean durable) {
        VirtualHost host = vhosts.get(vhost);
        if (host == null) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("vhost '" + vhost + "' not found"));
        }
        return host.topology().declareExchange(new ExchangeDefinition(vhost, exchange, type, durable, false, false,
                Map.of()), true).thenApply(created -> null);
    }

    @Override
    public CompletableFuture<Integer> publishCopy(String vhost, String exchange, String routingKey,
            InterceptedMessage message, Map<String, Object> annotations) {
        VirtualHost host = vhosts.get(vhost);
        Exchange x = host == null ? null : host.topology().exchange(exchange);
        if (x == null) {
            return CompletableFuture.completedFuture(0);
        }
        MessageView view;
        try {
            view = message instanceof InterceptedView own ? own.view() : MessageView.parse(message.encoded());
        } catch (MalformedMessageException e) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("not an AMQP message: "
                    + e.getMessage(), e));
        }
        RoutedQueues targets = new RoutedQueues();
        host.topology().route(x, routingKey, new ApplicationPropertyHeaders(view), targets);
        if (targets.isEmpty()) {
            return CompletableFuture.completedFuture(0);
        }
        ByteBuffer[] parts = view.withDeliveryState(0, true, annotations);
        int size = 0;
        for (ByteBuffer part : parts) {
            size += part.remaining();
        }
        ByteBuffer copy = ByteBuffer.allocate(size);
        for (ByteBuffer part : parts) {
            copy.put(part.duplicate());
        }
        copy.flip();
        MessageHeader header = new MessageHeader(0, 0, view.priority(), 0, view.durable());
        CompletableFuture<?>[] stores = new CompletableFuture<?>[targets.size()];
        for (int i = 0; i < stores.length; i++) {
            stores[i] = targets.get(i).enqueue(header, copy.duplicate());
        }
        int count = stores.length;
        return CompletableFuture.allOf(stores).thenApply(done -> count);
    }
}
