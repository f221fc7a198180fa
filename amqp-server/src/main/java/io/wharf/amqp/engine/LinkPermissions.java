package io.wharf.amqp.engine;

import io.wharf.amqp.address.Address;
import io.wharf.amqp.address.AddressResolver;
import io.wharf.amqp.message.MessageView;
import io.wharf.broker.security.AccessControl;
import io.wharf.broker.security.AccessControl.Access;
import java.util.UUID;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.engine.Link;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.engine.Sender;

/**
 * Which permissions an attach or an anonymous-relay message needs, checked before anything is resolved or
 * auto-created (RabbitMQ's rules):
 * <ul>
 *   <li>publish to {@code /queues/:q} or a plain queue name: write on the queue (the default exchange is written
 *       to as the queue, as RabbitMQ 4 checks it); to {@code /exchanges/:x[/:key]}: write on exchange x; to a JMS
 *       topic name: write on {@code amq.topic}</li>
 *   <li>consume from a queue: read on it</li>
 *   <li>a queue the attach would create (unknown name, auto-create on; a dynamic link's temporary queue; a topic
 *       subscription's queue): configure on it, and for a subscription read on its source exchange and write on
 *       its queue (the binding)</li>
 * </ul>
 * Addresses that do not parse pass here and are refused by the resolver with their own error. Loop thread only.
 */
final class LinkPermissions {

    private LinkPermissions() {
    }

    /** Null when the attach of {@code link} is allowed; else the refusal's description. */
    static String attach(AmqpConnectionHandler connection, Link link) {
        String user = connection.user();
        if (AccessControl.unrestricted(user)) {
            return null;
        }
        if (link instanceof Receiver) {
            if (!(link.getRemoteTarget() instanceof Target target)) {
                return null;
            }
            if (target.getDynamic()) {
                return check(connection, Access.CONFIGURE, "queue", temporaryName());
            }
            return target.getAddress() == null ? null
                    : publish(connection, target.getAddress(), AddressResolver.isTopic(target.getCapabilities()));
        }
        Sender sender = (Sender) link;
        if (!(sender.getRemoteSource() instanceof Source source)) {
            return null;
        }
        if (source.getDynamic()) {
            return check(connection, Access.CONFIGURE, "queue", temporaryName());
        }
        if (TopicSubscription.isLookup(sender)) {
            return null;
        }
        if (TopicSubscription.applies(sender)) {
            TopicSubscription wanted;
            try {
                wanted = TopicSubscription.of(sender, connection.remoteContainer());
            } catch (IllegalArgumentException e) {
                return null;
            }
            String queue = wanted.queueName() != null ? wanted.queueName() : temporaryName();
            String refused = check(connection, Access.READ, "exchange", wanted.exchange());
            if (refused == null && connection.vhost().queues().get(queue) == null) {
                refused = check(connection, Access.CONFIGURE, "queue", queue);
            }
            return refused != null ? refused : check(connection, Access.WRITE, "queue", queue);
        }
        return source.getAddress() == null ? null : consume(connection, source.getAddress());
    }

    /** Null when {@code message} may be published through the anonymous relay to its {@code to}. */
    static String relay(AmqpConnectionHandler connection, MessageView message) {
        if (AccessControl.unrestricted(connection.user()) || message.to() == null) {
            return null;
        }
        Object jmsDest = message.messageAnnotation("x-opt-jms-dest");
        boolean topic = jmsDest instanceof Byte b && (b == 1 || b == 3);
        return publish(connection, message.to(), topic);
    }

    private static String publish(AmqpConnectionHandler connection, String address, boolean topic) {
        Address parsed;
        try {
            parsed = Address.parse(address);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (parsed.kind() == Address.Kind.EXCHANGE) {
            return parsed.name().isEmpty() ? null : check(connection, Access.WRITE, "exchange", parsed.name());
        }
        if (topic && parsed.kind() == Address.Kind.PLAIN) {
            return check(connection, Access.WRITE, "exchange", AddressResolver.TOPIC_EXCHANGE);
        }
        String refused = createCheck(connection, parsed.name());
        return refused != null ? refused : check(connection, Access.WRITE, "queue", parsed.name());
    }

    private static String consume(AmqpConnectionHandler connection, String address) {
        Address parsed;
        try {
            parsed = Address.parse(address);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (parsed.kind() == Address.Kind.EXCHANGE) {
            return null;
        }
        String refused = createCheck(connection, parsed.name());
        return refused != null ? refused : check(connection, Access.READ, "queue", parsed.name());
    }

    /** Configure on a queue that attaching would auto-create. */
    private static String createCheck(AmqpConnectionHandler connection, String queue) {
        if (connection.vhost().queues().get(queue) != null) {
            return null;
        }
        return check(connection, Access.CONFIGURE, "queue", queue);
    }

    private static String check(AmqpConnectionHandler connection, Access access, String kind, String name) {
        return connection.context().security().access().refusal(connection.user(), connection.vhostName(), access,
                kind, name);
    }

    /** A name like the one a temporary queue gets ({@code amq.gen-<uuid>}), to check configure against. */
    private static String temporaryName() {
        return "amq.gen-" + UUID.randomUUID();
    }
}
