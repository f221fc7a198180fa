package io.wharf.amqp.engine;

import io.wharf.amqp.address.AddressResolver;
import io.wharf.exchange.Topology;
import io.wharf.store.queue.QueueRegistry;

/**
 * A virtual host as connections see it: its queues, exchanges and bindings, how its addresses resolve, and its
 * topic subscriptions. A connection picks one at open ({@code open.hostname = vhost:<name>}) and keeps it.
 */
public final class VirtualHost {

    private final String name;
    private final Topology topology;
    private final AddressResolver addresses;
    private final Subscriptions subscriptions;
    private final ConsumerGroups consumerGroups;

    public VirtualHost(String name, Topology topology) {
        this.name = name;
        this.topology = topology;
        this.addresses = new AddressResolver(topology);
        this.subscriptions = new Subscriptions(topology);
        this.consumerGroups = new ConsumerGroups(name);
    }

    public String name() {
        return name;
    }

    public Topology topology() {
        return topology;
    }

    public AddressResolver addresses() {
        return addresses;
    }

    Subscriptions subscriptions() {
        return subscriptions;
    }

    /** Consumer groups on this virtual host's partitioned streams. */
    ConsumerGroups consumerGroups() {
        return consumerGroups;
    }

    /** The named consumer groups reading partitioned stream {@code stream} (see {@link ConsumerGroups#groupsOf}). */
    public java.util.concurrent.CompletableFuture<java.util.List<io.wharf.plugin.admin.BrokerAdmin.ConsumerGroupInfo>>
            consumerGroupsOf(String stream) {
        return consumerGroups.groupsOf(stream);
    }

    public QueueRegistry queues() {
        return topology.queues();
    }
}
