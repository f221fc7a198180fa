package io.wharf.amqp.engine;

import io.wharf.amqp.address.AddressResolver;
import io.wharf.exchange.Topology;
import io.wharf.store.queue.QueueRegistry;

/**
 * A virtual host as connections see it: its queues, exchanges and bindings, and how its addresses resolve. A
 * connection picks one at open ({@code open.hostname = vhost:<name>}) and keeps it.
 */
public record VirtualHost(String name, Topology topology, AddressResolver addresses) {

    public VirtualHost(String name, Topology topology) {
        this(name, topology, new AddressResolver(topology));
    }

    public QueueRegistry queues() {
        return topology.queues();
    }
}
