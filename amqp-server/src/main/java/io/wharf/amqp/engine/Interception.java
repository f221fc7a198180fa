package io.wharf.amqp.engine;

import io.wharf.amqp.message.InterceptedView;
import io.wharf.amqp.message.MalformedMessageException;
import io.wharf.amqp.message.MessageView;
import io.wharf.broker.plugin.InterceptorChain;
import io.wharf.broker.security.PluginAuthorization;
import io.wharf.exchange.RoutedQueues;
import io.wharf.plugin.AuthorizationProvider.Access;
import io.wharf.plugin.AuthorizationProvider.Resource;
import io.wharf.plugin.BrokerEventListener.ConsumerEvent;
import io.wharf.plugin.MessageInterceptor;
import io.wharf.store.queue.Outcome;
import io.wharf.store.queue.QueueDelivery;
import java.util.ArrayList;
import java.util.List;

/**
 * The links' side of plugins: builds interceptor events and asks authorization vetoes, so that
 * {@link ProducerLink} and {@link ConsumerLink} each need one call per hook. Every method first checks whether any
 * plugin cares (one volatile read) and otherwise returns without allocating. Event-loop thread of the connection.
 */
final class Interception {

    private Interception() {
    }

    static InterceptorChain interceptors(AmqpConnectionHandler connection) {
        return connection.context().events().interceptors();
    }

    /** Null when plugins allow {@code access} to the resource; else why not. */
    static String refusal(AmqpConnectionHandler connection, Access access, Resource kind, String name) {
        return PluginAuthorization.refusal(connection.context().events(), connection.info().user(),
                connection.vhost().name(), access, kind, name);
    }

    /** Write access for publishing to {@code target}: its exchange, the default exchange {@code ""} for a queue. */
    static String publishRefusal(AmqpConnectionHandler connection, io.wharf.amqp.address.PublishTarget target) {
        return refusal(connection, Access.WRITE, Resource.EXCHANGE, target.exchangeName());
    }

    /** The message arrived; the chain is active. Returns what the interceptors decided. */
    static io.wharf.plugin.Verdict published(InterceptorChain chain, AmqpConnectionHandler connection,
            io.wharf.amqp.address.PublishTarget to, InterceptedView message, boolean presettled) {
        return chain.publish(new MessageInterceptor.Publish(connection.info(), to.address(), message, presettled));
    }

    /** The message was routed to {@code queues}; the chain is active. */
    static void routed(InterceptorChain chain, AmqpConnectionHandler connection,
            io.wharf.amqp.address.PublishTarget to, RoutedQueues queues, InterceptedView message) {
        List<String> names = new ArrayList<>(queues.size());
        for (int i = 0; i < queues.size(); i++) {
            names.add(queues.get(i).name());
        }
        chain.route(new MessageInterceptor.Route(connection.info(), to.exchangeName(), to.routingKey(),
                List.copyOf(names), message));
    }

    /** A message went to a consumer. */
    static void delivered(AmqpConnectionHandler connection, String queue, String link, QueueDelivery delivery,
            boolean presettled) {
        InterceptorChain chain = interceptors(connection);
        if (!chain.active()) {
            return;
        }
        MessageView view;
        try {
            view = MessageView.parse(delivery.payload().duplicate());
        } catch (MalformedMessageException e) {
            return;
        }
        chain.deliver(new MessageInterceptor.Deliver(connection.info(), queue, link, delivery.messageId(),
                delivery.deliveryCount(), new InterceptedView(view), presettled));
        if (presettled) {
            chain.settle(new MessageInterceptor.Settle(connection.info(), queue, link, delivery.messageId(),
                    MessageInterceptor.Outcome.ACCEPTED));
        }
    }

    /** A consumer settled a delivery. */
    static void settled(AmqpConnectionHandler connection, String queue, String link, long messageId,
            Outcome outcome) {
        InterceptorChain chain = interceptors(connection);
        if (!chain.active()) {
            return;
        }
        MessageInterceptor.Outcome seen = switch (outcome) {
            case ACCEPTED -> MessageInterceptor.Outcome.ACCEPTED;
            case REJECTED -> MessageInterceptor.Outcome.REJECTED;
            case MODIFIED_FAILED -> MessageInterceptor.Outcome.MODIFIED_FAILED;
            case MODIFIED_UNDELIVERABLE -> MessageInterceptor.Outcome.MODIFIED_UNDELIVERABLE;
            default -> MessageInterceptor.Outcome.RELEASED;
        };
        chain.settle(new MessageInterceptor.Settle(connection.info(), queue, link, messageId, seen));
    }

    /** A consumer attached ({@code attached}) or went. */
    static void consumer(AmqpConnectionHandler connection, String queue, String link, boolean attached) {
        var events = connection.context().events();
        if (!events.hasListeners()) {
            return;
        }
        ConsumerEvent event = new ConsumerEvent(connection.connectionId(), connection.vhost().name(), queue, link);
        if (attached) {
            events.consumerAttached(event);
        } else {
            events.consumerDetached(event);
        }
    }
}
