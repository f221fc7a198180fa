package io.wharf.amqp.engine;

import io.wharf.amqp.address.Address;
import io.wharf.amqp.address.AddressResolver;
import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.meta.BindingDefinition.DestinationKind;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.messaging.TerminusDurability;
import org.apache.qpid.proton.amqp.messaging.TerminusExpiryPolicy;
import org.apache.qpid.proton.engine.Sender;

/**
 * A consumer's subscription to a topic: a queue bound to an exchange, fed by it while the subscription lasts.
 *
 * <p>Which queue, from the attach (as Qpid JMS sends it):
 * <ul>
 *   <li>a plain source address with capability {@code topic} subscribes to {@code amq.topic} with the address as
 *       binding key (so {@code *} and {@code #} in it are wildcards); a source {@code /exchanges/:x[/:key]} to
 *       exchange x with that key;</li>
 *   <li>non-durable, not shared: a temporary queue ({@code amq.gen-...}), deleted with the link;</li>
 *   <li>durable (expiry-policy {@code never} or a durable terminus): the queue
 *       {@code <subscription>|<container-id>}, or {@code <subscription>|} for a global shared subscription (no
 *       client ID, capability {@code global}). It stays when the link detaches and is deleted when the link is
 *       closed (how JMS unsubscribes);</li>
 *   <li>shared, non-durable (capability {@code shared}): the queue {@code <subscription>|<container-id>|volatile}
 *       ({@code <subscription>||volatile} when global), deleted when its last consumer goes.</li>
 * </ul>
 * Qpid JMS names the link after the subscription: {@code sub} for a durable one, {@code sub|2}, {@code sub|global},
 * {@code sub|volatile1}, ... for shared ones; subscription names cannot contain {@code |}, so the subscription
 * name is what comes before the first {@code |}, and no client ID or subscription name can make two names collide.
 *
 * @param kind       how long the queue lives
 * @param queueName  the queue (for a temporary subscription, known once it is created)
 * @param exchange   the exchange the queue is bound to
 * @param bindingKey the binding key (the topic)
 * @param address    the address the consumer attached with (echoed in the reply)
 */
record TopicSubscription(Kind kind, String queueName, String exchange, String bindingKey, String address) {

    enum Kind { TEMPORARY, SHARED_VOLATILE, DURABLE }

    static final Symbol SHARED = Symbol.valueOf("shared");
    static final Symbol GLOBAL = Symbol.valueOf("global");
    private static final String GLOBAL_LINK_SUFFIX = "|global";

    /** Whether a consumer's attach is for a topic subscription rather than a queue. */
    static boolean applies(Sender sender) {
        if (!(sender.getRemoteSource() instanceof Source source) || source.getDynamic()
                || source.getAddress() == null) {
            return false;
        }
        Address address;
        try {
            address = Address.parse(source.getAddress());
        } catch (IllegalArgumentException e) {
            return false;
        }
        return address.kind() == Address.Kind.EXCHANGE
                || (address.kind() == Address.Kind.PLAIN && AddressResolver.isTopic(source.getCapabilities()));
    }

    /**
     * Whether the attach is Qpid JMS looking up a durable subscription by link name (no source at all): how it
     * unsubscribes.
     */
    static boolean isLookup(Sender sender) {
        return sender.getRemoteSource() == null;
    }

    /** The subscription an attach asks for; {@link #applies} said it is one. */
    static TopicSubscription of(Sender sender, String containerId) {
        Source source = (Source) sender.getRemoteSource();
        Address address = Address.parse(source.getAddress());
        String exchange = address.kind() == Address.Kind.EXCHANGE ? address.name() : AddressResolver.TOPIC_EXCHANGE;
        String key = address.kind() == Address.Kind.EXCHANGE ? address.routingKey() : address.name();
        boolean shared = has(source.getCapabilities(), SHARED);
        boolean global = has(source.getCapabilities(), GLOBAL);
        boolean durable = source.getExpiryPolicy() == TerminusExpiryPolicy.NEVER
                || (source.getDurable() != null && source.getDurable() != TerminusDurability.NONE);
        String name = subscriptionName(sender.getName(), shared);
        String scope = global || containerId == null ? "" : containerId;
        if (durable) {
            return new TopicSubscription(Kind.DURABLE, name + "|" + scope, exchange, key, source.getAddress());
        }
        if (shared) {
            return new TopicSubscription(Kind.SHARED_VOLATILE, name + "|" + scope + "|volatile", exchange, key,
                    source.getAddress());
        }
        return new TopicSubscription(Kind.TEMPORARY, null, exchange, key, source.getAddress());
    }

    /** The durable subscription a lookup attach (no source) names: its queue; exchange and key still unknown. */
    static TopicSubscription lookup(Sender sender, String containerId) {
        String link = sender.getName();
        boolean global = link.endsWith(GLOBAL_LINK_SUFFIX) || has(sender.getRemoteDesiredCapabilities(), GLOBAL);
        String name = subscriptionName(link, true);
        return new TopicSubscription(Kind.DURABLE, name + "|" + (global || containerId == null ? "" : containerId),
                null, null, null);
    }

    private static String subscriptionName(String linkName, boolean shared) {
        int bar = linkName.indexOf('|');
        return shared && bar >= 0 ? linkName.substring(0, bar) : linkName;
    }

    /** The address a consumer of this subscription would attach with. */
    static String addressOf(TopicSubscription s) {
        if (AddressResolver.TOPIC_EXCHANGE.equals(s.exchange())) {
            return s.bindingKey();
        }
        return "/exchanges/" + s.exchange() + "/" + s.bindingKey();
    }

    TopicSubscription withQueue(String name) {
        return new TopicSubscription(kind, name, exchange, bindingKey, address);
    }

    TopicSubscription withTopic(String exchangeName, String key) {
        return new TopicSubscription(kind, queueName, exchangeName, key, address);
    }

    BindingDefinition binding(String vhost) {
        return new BindingDefinition(vhost, exchange, DestinationKind.QUEUE, queueName, bindingKey, Map.of());
    }

    private static boolean has(Symbol[] capabilities, Symbol wanted) {
        if (capabilities != null) {
            for (Symbol c : capabilities) {
                if (wanted.equals(c)) {
                    return true;
                }
            }
        }
        return false;
    }
}
