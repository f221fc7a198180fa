package io.wharf.broker;

import io.wharf.amqp.engine.VirtualHost;
import io.wharf.amqp.engine.VirtualHosts;
import io.wharf.amqp.message.MessageIdReader;
import io.wharf.broker.config.QueuesConfig;
import io.wharf.exchange.ExchangeTypes;
import io.wharf.exchange.Topology;
import io.wharf.plugin.BrokerEventListener;
import io.wharf.exchange.TopologyException;
import io.wharf.store.DiskQueueStorage;
import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.meta.ExchangeDefinition;
import io.wharf.store.meta.MetadataChange;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueRegistry;
import io.wharf.store.queue.QueueThreads;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's virtual hosts: each its own queue registry and topology over the shared queue threads and store.
 * Lookups are lock-free; creating and deleting run on the metadata thread, written to the store first.
 */
final class VirtualHostRegistry implements VirtualHosts {

    private static final Logger LOG = LoggerFactory.getLogger(VirtualHostRegistry.class);
    static final String DEFAULT_VHOST = "/";

    private final ConcurrentHashMap<String, VirtualHost> vhosts = new ConcurrentHashMap<>();
    private final QueueThreads threads;
    private final DiskQueueStorage storage;
    private final MetadataTopologyStore topologyStore;
    private final QueuesConfig queuesConfig;
    private final ExchangeTypes exchangeTypes;
    private final int maxQueuesPerVhost;
    /** Plugin events; none until the plugin host starts (after recovery). */
    private volatile BrokerEventListener events = new BrokerEventListener() {
    };

    VirtualHostRegistry(QueueThreads threads, DiskQueueStorage storage, QueuesConfig queuesConfig,
            ExchangeTypes exchangeTypes, int maxQueuesPerVhost) {
        this.maxQueuesPerVhost = maxQueuesPerVhost;
        this.threads = threads;
        this.storage = storage;
        this.topologyStore = new MetadataTopologyStore(storage);
        this.queuesConfig = queuesConfig;
        this.exchangeTypes = exchangeTypes;
    }

    /** Called with a vhost's name once its deletion is stored (on the metadata thread). */
    private volatile java.util.function.Consumer<String> onDeleted = name -> { };

    /** Where topology and queue changes of every vhost (existing and future) are reported from now on. */
    void events(BrokerEventListener events) {
        this.events = events;
    }

    /** What else goes with a deleted vhost (its permissions, its connections); runs on the metadata thread. */
    void onDeleted(java.util.function.Consumer<String> action) {
        this.onDeleted = action;
    }

    /**
     * At start, before any connection: brings back every vhost (configured or stored) with its durable queues,
     * exchanges and bindings, and stores the configured ones that were not stored yet.
     */
    void recover(List<String> configured, List<String> stored, List<QueueDefinition> durable,
            List<ExchangeDefinition> exchanges, List<BindingDefinition> bindings) {
        List<String> names = new ArrayList<>(configured);
        for (String name : stored) {
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        for (QueueDefinition queue : durable) {
            if (!names.contains(queue.vhost())) {
                LOG.warn("Queue '{}' belongs to vhost '{}', which is not configured or stored; the vhost is restored",
                        queue.name(), queue.vhost());
                names.add(queue.vhost());
            }
        }
        MetadataChange missing = new MetadataChange();
        for (String name : names) {
            VirtualHost vhost = newVhost(name);
            int recovered = 0;
            for (QueueDefinition queue : durable) {
                if (!queue.vhost().equals(name)) {
                    continue;
                }
                if (queue.exclusive()) {
                    // Its connection is gone with the restart, and an exclusive queue goes with its connection.
                    LOG.info("Exclusive queue '{}' of vhost '{}' is deleted: its connection did not survive the "
                            + "restart", queue.name(), name);
                    storage.forVhost(name).deleted(queue.name());
                    continue;
                }
                vhost.topology().queues().recover(queue);
                recovered++;
            }
            vhost.topology().recover(exchanges, bindings);
            vhosts.put(name, vhost);
            if (!stored.contains(name)) {
                missing.putVhost(name);
            }
            if (recovered > 0 && !DEFAULT_VHOST.equals(name)) {
                LOG.info("Vhost '{}' has {} durable queues", name, recovered);
            }
        }
        if (!missing.isEmpty()) {
            storage.metadataExecutor().execute(() -> {
                try {
                    storage.write(missing);
                } catch (Exception e) {
                    LOG.error("Configured vhosts could not be stored", e);
                }
            });
        }
    }

    private VirtualHost newVhost(String name) {
        QueueRegistry queues = new QueueRegistry(name, threads, storage.forVhost(name));
        queues.autoCreateArguments(queuesConfig::argumentsFor);
        queues.maxQueues(maxQueuesPerVhost);
        Topology topology = new Topology(name, queues, topologyStore, queuesConfig.autoCreate(), exchangeTypes);
        TopologyEvents reporter = new TopologyEvents(() -> events);
        topology.listener(reporter);
        queues.onCreated(reporter::queueDeclared);
        queues.onDeleted(reporter::queueDeleted);
        // Before any queue exists, so recovered queues dead-letter through this vhost's exchanges too.
        queues.deadLetters(new DeadLetterRouter(topology));
        queues.messageIds(new MessageIdReader());
        return new VirtualHost(name, topology);
    }

    @Override
    public VirtualHost get(String name) {
        return vhosts.get(name);
    }

    Collection<VirtualHost> all() {
        return List.copyOf(vhosts.values());
    }

    @Override
    public boolean exists(String name) {
        return vhosts.containsKey(name);
    }

    @Override
    public CompletableFuture<Boolean> create(String name) {
        return onMetadataThread(() -> {
            if (name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > Topology.MAX_NAME_BYTES
                    || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
                throw new TopologyException(TopologyException.Reason.BAD_REQUEST, "'" + name
                        + "' is not a virtual host name (1 to 255 bytes, no line breaks)");
            }
            if (vhosts.containsKey(name)) {
                return false;
            }
            storage.write(new MetadataChange().putVhost(name));
            vhosts.put(name, newVhost(name));
            LOG.info("Vhost '{}' created", name);
            return true;
        });
    }

    @Override
    public CompletableFuture<Boolean> delete(String name) {
        if (DEFAULT_VHOST.equals(name)) {
            return CompletableFuture.failedFuture(new TopologyException(TopologyException.Reason.ACCESS_REFUSED,
                    "the default vhost '/' cannot be deleted"));
        }
        VirtualHost vhost = vhosts.get(name);
        if (vhost == null) {
            return CompletableFuture.completedFuture(false);
        }
        return vhost.topology().deleteEverything().thenCompose(queues -> onMetadataThread(() -> {
            storage.write(new MetadataChange().deleteVhost(name));
            vhosts.remove(name, vhost);
            LOG.info("Vhost '{}' deleted with its {} queues", name, queues);
            try {
                onDeleted.accept(name);
            } catch (RuntimeException e) {
                LOG.warn("Vhost '{}' deleted, but clearing what went with it failed", name, e);
            }
            return true;
        }));
    }

    private interface Work<T> {
        T run() throws Exception;
    }

    private <T> CompletableFuture<T> onMetadataThread(Work<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        storage.metadataExecutor().execute(() -> {
            try {
                result.complete(work.run());
            } catch (TopologyException e) {
                result.completeExceptionally(e);
            } catch (Exception e) {
                LOG.error("Vhost change failed", e);
                result.completeExceptionally(new TopologyException(TopologyException.Reason.INTERNAL,
                        "the change could not be stored: " + e, e));
            }
        });
        return result;
    }
}
