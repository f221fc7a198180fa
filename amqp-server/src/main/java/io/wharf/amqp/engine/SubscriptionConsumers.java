package io.wharf.amqp.engine;

import io.wharf.exchange.TopologyException;
import io.wharf.store.queue.QueueLimitException;
import java.util.concurrent.CompletionException;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.TerminusDurability;
import org.apache.qpid.proton.amqp.messaging.TerminusExpiryPolicy;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sender;

/**
 * Consumer attaches that are topic subscriptions ({@link TopicSubscription}). Their queue and binding are made on
 * the topology thread (written to the metadata store first for a durable subscription), so the attach is answered
 * when that is done, back on the connection's loop. Credit the client gave meanwhile is picked up then. Event-loop
 * confined apart from the topology work.
 */
final class SubscriptionConsumers {

    private SubscriptionConsumers() {
    }

    /** A consumer attach for a topic subscription. */
    static void attach(AmqpConnectionHandler connection, Sender sender) {
        TopicSubscription wanted;
        try {
            wanted = TopicSubscription.of(sender, connection.remoteContainer());
        } catch (IllegalArgumentException e) {
            AmqpConnectionHandler.refuse(sender, AmqpError.INVALID_FIELD, e.getMessage());
            return;
        }
        Source reply = ConsumerLink.copyOf((Source) sender.getRemoteSource());
        reply.setAddress(((Source) sender.getRemoteSource()).getAddress());
        // The reply keeps the filters; ConsumerLink.attach echoes only those it applies.
        Subscriptions subscriptions = connection.vhost().subscriptions();
        subscriptions.join(wanted).whenComplete((joined, error) -> connection.runOnLoop(() -> {
            if (gone(connection, sender)) {
                if (joined != null) {
                    subscriptions.leave(joined.subscription(), false);
                }
                return;
            }
            if (error != null) {
                refuse(sender, error);
                return;
            }
            open(connection, sender, reply, joined);
        }));
    }

    /** Qpid JMS looking up a durable subscription by link name, to unsubscribe (it closes the link next). */
    static void lookup(AmqpConnectionHandler connection, Sender sender) {
        TopicSubscription lookup = TopicSubscription.lookup(sender, connection.remoteContainer());
        Subscriptions subscriptions = connection.vhost().subscriptions();
        subscriptions.joinExisting(lookup).whenComplete((joined, error) -> connection.runOnLoop(() -> {
            if (gone(connection, sender)) {
                if (joined != null) {
                    subscriptions.leave(joined.subscription(), false);
                }
                return;
            }
            if (error != null) {
                refuse(sender, error);
                return;
            }
            if (joined == null) {
                AmqpConnectionHandler.refuse(sender, AmqpError.NOT_FOUND, "there is no durable subscription '"
                        + sender.getName() + "' for this client");
                return;
            }
            TopicSubscription found = joined.subscription();
            Source reply = new Source();
            reply.setAddress(found.bindingKey() == null ? "/queues/" + found.queueName()
                    : TopicSubscription.addressOf(found));
            reply.setCapabilities(Symbol.valueOf("topic"));
            reply.setDurable(TerminusDurability.UNSETTLED_STATE);
            reply.setExpiryPolicy(TerminusExpiryPolicy.NEVER);
            open(connection, sender, reply, joined);
        }));
    }

    private static boolean gone(AmqpConnectionHandler connection, Sender sender) {
        return connection.closing() || sender.getLocalState() != EndpointState.UNINITIALIZED
                || sender.getRemoteState() != EndpointState.ACTIVE;
    }

    private static void open(AmqpConnectionHandler connection, Sender sender, Source reply,
            Subscriptions.Joined joined) {
        ConsumerLink consumer = ConsumerLink.attach(connection, sender, reply, joined.queue(), false, false, true);
        connection.subscribed(consumer, joined.subscription());
        if (sender.getCredit() > 0) {
            consumer.onFlow();
        }
    }

    private static void refuse(Sender sender, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof TopologyException t && t.getCause() instanceof QueueLimitException limit) {
            AmqpConnectionHandler.refuse(sender, AmqpError.RESOURCE_LIMIT_EXCEEDED, limit.getMessage());
        } else if (cause instanceof TopologyException t) {
            Symbol condition = switch (t.reason()) {
                case BAD_REQUEST -> AmqpError.INVALID_FIELD;
                case ACCESS_REFUSED -> AmqpError.UNAUTHORIZED_ACCESS;
                case NOT_FOUND -> AmqpError.NOT_FOUND;
                case PRECONDITION_FAILED -> AmqpError.PRECONDITION_FAILED;
                case INTERNAL -> AmqpError.INTERNAL_ERROR;
            };
            AmqpConnectionHandler.refuse(sender, condition, "cannot subscribe: " + t.getMessage());
        } else {
            AmqpConnectionHandler.refuse(sender, AmqpError.INTERNAL_ERROR, "cannot subscribe: " + cause);
        }
    }
}
