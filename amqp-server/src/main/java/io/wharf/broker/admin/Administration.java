package io.wharf.broker.admin;

import io.wharf.amqp.address.ApplicationPropertyHeaders;
import io.wharf.amqp.engine.Connections;
import io.wharf.amqp.engine.VirtualHost;
import io.wharf.amqp.engine.VirtualHosts;
import io.wharf.amqp.message.MessageView;
import io.wharf.amqp.stats.BrokerCounters;
import io.wharf.exchange.Exchange;
import io.wharf.exchange.RoutedQueues;
import io.wharf.exchange.Topology;
import io.wharf.exchange.TopologyException;
import io.wharf.plugin.admin.AdminException;
import io.wharf.plugin.admin.AdminException.Reason;
import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.meta.BindingDefinition.DestinationKind;
import io.wharf.store.meta.ExchangeDefinition;
import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.Scheduling;
import io.wharf.store.stream.StreamQueue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * {@link BrokerAdmin} over the running broker: the virtual hosts' topologies, the open connections and the message
 * counters. Reads take snapshots that are safe from any thread; changes go through each topology's own thread, as
 * the AMQP management link's do. {@link TopologyException}s become {@link AdminException}s with the same status.
 */
public final class Administration implements BrokerAdmin {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Administration.class);

    /** How long a management get waits for its queue to answer. */
    private static final long GET_TIMEOUT_SECONDS = 10;

    private final String nodeName;
    private final String version;
    private final long startedAtMs = System.currentTimeMillis();
    private final VirtualHosts vhosts;
    private final Supplier<Collection<VirtualHost>> allVhosts;
    private final Connections connections;
    private final BrokerCounters counters;
    private final BooleanSupplier diskLow;
    private final BooleanSupplier memoryHigh;

    public Administration(String nodeName, String version, VirtualHosts vhosts,
            Supplier<Collection<VirtualHost>> allVhosts, Connections connections, BrokerCounters counters,
            BooleanSupplier diskLow, BooleanSupplier memoryHigh) {
        this.nodeName = nodeName;
        this.version = version;
        this.vhosts = vhosts;
        this.allVhosts = allVhosts;
        this.connections = connections;
        this.counters = counters;
        this.diskLow = diskLow;
        this.memoryHigh = memoryHigh;
    }

    /** One sample of every counter (the broker timer calls this every {@code http.rates-interval-ms}). */
    public void sample() {
        try {
            Collection<VirtualHost> all = allVhosts.get();
            counters.sampleAll(System.currentTimeMillis(),
                    queue -> all.stream().anyMatch(v -> v.queues().get(queue.name()) == queue),
                    (vhost, exchange) -> {
                        VirtualHost v = vhosts.get(vhost);
                        return v != null && (exchange.isEmpty() || v.topology().exchange(exchange) != null);
                    });
        } catch (RuntimeException e) {
            // A failure must not cancel the periodic task: the next sample tries again.
            LOG.warn("Sampling message rates failed", e);
        }
    }

    @Override
    public String nodeName() {
        return nodeName;
    }

    @Override
    public Overview overview() {
        int queueCount = 0;
        int exchangeCount = 0;
        long messages = 0;
        int consumers = 0;
        for (VirtualHost v : allVhosts.get()) {
            for (MessageQueue q : v.queues().all()) {
                queueCount++;
                messages += q.messageCount();
                consumers += q.consumerCount();
            }
            exchangeCount += v.topology().exchanges().size() + 1;
        }
        return new Overview(nodeName, version, System.currentTimeMillis() - startedAtMs, allVhosts.get().size(),
                queueCount, exchangeCount, connections.count(), consumers, messages, messages, 0,
                counters.total().stats());
    }

    // ---- vhosts ----

    @Override
    public List<String> vhosts() {
        return allVhosts.get().stream().map(VirtualHost::name).sorted().toList();
    }

    @Override
    public CompletableFuture<Boolean> createVhost(String name) {
        return translated(vhosts.create(name));
    }

    @Override
    public CompletableFuture<Boolean> deleteVhost(String name) {
        return translated(vhosts.delete(name));
    }

    private VirtualHost vhost(String name) {
        VirtualHost v = name == null ? null : vhosts.get(name);
        if (v == null) {
            throw new AdminException(Reason.NOT_FOUND, "vhost '" + name + "' not found");
        }
        return v;
    }

    // ---- queues ----

    @Override
    public List<QueueInfo> queues(String vhost) {
        Collection<VirtualHost> scope = vhost == null ? allVhosts.get() : List.of(vhost(vhost));
        List<QueueInfo> list = new ArrayList<>();
        for (VirtualHost v : scope) {
            for (MessageQueue q : v.queues().all()) {
                list.add(info(v.name(), q));
            }
        }
        list.sort(Comparator.comparing(QueueInfo::vhost).thenComparing(QueueInfo::name));
        return list;
    }

    private QueueInfo info(String vhost, MessageQueue q) {
        QueueDefinition d = q.definition();
        return new QueueInfo(vhost, q.name(), d.type(), d.durable(), d.exclusive(), d.autoDelete(), d.arguments(),
                q.messageCount(), q.consumerCount(), counters.queue(q).stats(),
                q instanceof Scheduling s ? Math.max(0, s.scheduledCount()) : 0);
    }

    private MessageQueue queueOf(String vhost, String name) {
        MessageQueue q = vhost(vhost).queues().get(name);
        if (q == null) {
            throw new AdminException(Reason.NOT_FOUND, "queue '" + name + "' in vhost '" + vhost + "' not found");
        }
        return q;
    }

    @Override
    public QueueInfo queue(String vhost, String name) {
        return info(vhost, queueOf(vhost, name));
    }

    @Override
    public CompletableFuture<Boolean> declareQueue(QueueSpec spec) {
        VirtualHost v = vhost(spec.vhost());
        if (spec.exclusive()) {
            throw new AdminException(Reason.BAD_REQUEST, "an exclusive queue belongs to the connection that "
                    + "declares it; declare it over AMQP");
        }
        Map<String, Object> arguments = new HashMap<>(spec.arguments() == null ? Map.of() : spec.arguments());
        String type = spec.type() == null ? "classic" : spec.type();
        if (!type.equals("classic") && !type.equals("stream") && !type.equals("quorum")) {
            throw new AdminException(Reason.BAD_REQUEST, "unknown queue type '" + type
                    + "'; expected classic, stream or quorum");
        }
        if (!type.equals("classic")) {
            Object given = arguments.putIfAbsent("x-queue-type", type);
            if (given != null && !given.equals(type)) {
                throw new AdminException(Reason.BAD_REQUEST, "type '" + type + "' and x-queue-type '" + given
                        + "' disagree");
            }
        }
        QueueDefinition definition = new QueueDefinition(v.name(), spec.name(), "classic", spec.durable(), false,
                spec.autoDelete(), arguments);
        return translated(v.topology().declareQueue(definition).thenApply(Topology.QueueDeclared::created));
    }

    @Override
    public CompletableFuture<Long> deleteQueue(String vhost, String name) {
        queueOf(vhost, name);
        return translated(vhost(vhost).topology().deleteQueue(name));
    }

    @Override
    public CompletableFuture<Long> purgeQueue(String vhost, String name) {
        return translated(queueOf(vhost, name).purge());
    }

    @Override
    public CompletableFuture<List<FetchedMessage>> get(String vhost, String queue, int count, boolean requeue) {
        MessageQueue q = queueOf(vhost, queue);
        if (q instanceof StreamQueue) {
            throw new AdminException(Reason.BAD_REQUEST, "queue '" + queue + "' is a stream: read it with a "
                    + "stream consumer (an offset), not a get");
        }
        if (count < 1 || count > 1000) {
            throw new AdminException(Reason.BAD_REQUEST, "'count' must be 1..1000, not " + count);
        }
        return QueueFetch.run(q, count, requeue, counters.queue(q)).orTimeout(GET_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    // ---- exchanges ----

    @Override
    public List<ExchangeInfo> exchanges(String vhost) {
        Collection<VirtualHost> scope = vhost == null ? allVhosts.get() : List.of(vhost(vhost));
        List<ExchangeInfo> list = new ArrayList<>();
        for (VirtualHost v : scope) {
            list.add(new ExchangeInfo(v.name(), "", "direct", true, false, false, Map.of(),
                    counters.exchange(v.name(), "").stats()));
            for (Exchange x : v.topology().exchanges()) {
                list.add(info(v.name(), x));
            }
        }
        list.sort(Comparator.comparing(ExchangeInfo::vhost).thenComparing(ExchangeInfo::name));
        return list;
    }

    private ExchangeInfo info(String vhost, Exchange x) {
        ExchangeDefinition d = x.definition();
        return new ExchangeInfo(vhost, d.name(), d.type(), d.durable(), d.autoDelete(), d.internal(), d.arguments(),
                counters.exchange(vhost, d.name()).stats());
    }

    @Override
    public ExchangeInfo exchange(String vhost, String name) {
        VirtualHost v = vhost(vhost);
        if (name.isEmpty()) {
            return exchanges(vhost).get(0);
        }
        Exchange x = v.topology().exchange(name);
        if (x == null) {
            throw new AdminException(Reason.NOT_FOUND, "exchange '" + name + "' in vhost '" + vhost + "' not found");
        }
        return info(vhost, x);
    }

    @Override
    public CompletableFuture<Boolean> declareExchange(ExchangeSpec spec) {
        VirtualHost v = vhost(spec.vhost());
        return translated(v.topology().declareExchange(new ExchangeDefinition(v.name(), spec.name(), spec.type(),
                spec.durable(), spec.autoDelete(), spec.internal(), spec.arguments())));
    }

    @Override
    public CompletableFuture<Boolean> deleteExchange(String vhost, String name) {
        exchange(vhost, name);
        return translated(vhost(vhost).topology().deleteExchange(name));
    }

    @Override
    public CompletableFuture<Boolean> publish(String vhost, String exchange, String routingKey,
            OutgoingMessage message) {
        VirtualHost v = vhost(vhost);
        ByteBuffer bytes = AdminMessages.encode(message);
        MessageView view = MessageView.parse(bytes.duplicate());
        RoutedQueues queues = new RoutedQueues();
        if (exchange.isEmpty()) {
            MessageQueue q = v.queues().get(routingKey);
            if (q != null) {
                queues.add(q);
            }
        } else {
            Exchange x = v.topology().exchange(exchange);
            if (x == null) {
                throw new AdminException(Reason.NOT_FOUND, "exchange '" + exchange + "' in vhost '" + vhost
                        + "' not found");
            }
            if (x.internal()) {
                throw new AdminException(Reason.FORBIDDEN, "exchange '" + exchange + "' is internal");
            }
            v.topology().route(x, routingKey, new ApplicationPropertyHeaders(view), queues);
        }
        counters.exchange(v.name(), exchange).published();
        if (queues.isEmpty()) {
            return CompletableFuture.completedFuture(false);
        }
        MessageHeader header = new MessageHeader(ttlExpiry(view), 0, view.priority(), 0, view.durable());
        CompletableFuture<?>[] stores = new CompletableFuture<?>[queues.size()];
        for (int i = 0; i < queues.size(); i++) {
            MessageQueue q = queues.get(i);
            stores[i] = q.enqueue(header, bytes.duplicate()).thenRun(() -> counters.queue(q).published());
        }
        return CompletableFuture.allOf(stores).thenApply(done -> true);
    }

    private static long ttlExpiry(MessageView view) {
        long ttl = view.ttlMs();
        return ttl > 0 ? System.currentTimeMillis() + ttl : 0;
    }

    // ---- bindings ----

    @Override
    public CompletableFuture<List<BindingInfo>> bindings(String vhost) {
        Collection<VirtualHost> scope = vhost == null ? allVhosts.get() : List.of(vhost(vhost));
        List<CompletableFuture<List<BindingInfo>>> parts = new ArrayList<>();
        for (VirtualHost v : scope) {
            Topology t = v.topology();
            parts.add(t.submit(() -> {
                List<BindingInfo> list = new ArrayList<>();
                for (Exchange x : t.exchanges()) {
                    for (BindingDefinition b : t.bindingsFrom(x.name(), null, null)) {
                        list.add(new BindingInfo(v.name(), b.source(), b.destination(),
                                b.destinationKind() == DestinationKind.QUEUE ? "queue" : "exchange", b.routingKey(),
                                b.arguments()));
                    }
                }
                return list;
            }));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<BindingInfo> all = new ArrayList<>();
            parts.forEach(p -> all.addAll(p.join()));
            return all;
        });
    }

    private BindingDefinition definition(BindingInfo b) {
        VirtualHost v = vhost(b.vhost());
        DestinationKind kind = switch (b.destinationType() == null ? "" : b.destinationType()) {
            case "queue", "q" -> DestinationKind.QUEUE;
            case "exchange", "e" -> DestinationKind.EXCHANGE;
            default -> throw new AdminException(Reason.BAD_REQUEST, "destination_type must be 'queue' or "
                    + "'exchange', not '" + b.destinationType() + "'");
        };
        return new BindingDefinition(v.name(), b.source(), kind, b.destination(),
                b.routingKey() == null ? "" : b.routingKey(), b.arguments() == null ? Map.of() : b.arguments());
    }

    @Override
    public CompletableFuture<Boolean> bind(BindingInfo binding) {
        BindingDefinition d = definition(binding);
        return translated(vhost(binding.vhost()).topology().bind(d));
    }

    @Override
    public CompletableFuture<Boolean> unbind(BindingInfo binding) {
        BindingDefinition d = definition(binding);
        return translated(vhost(binding.vhost()).topology().unbind(d));
    }

    // ---- connections ----

    @Override
    public CompletableFuture<List<ConnectionInfo>> connections() {
        return connections.snapshot();
    }

    @Override
    public CompletableFuture<Boolean> closeConnection(String id, String reason) {
        return CompletableFuture.completedFuture(connections.close(id,
                reason == null || reason.isBlank() ? "closed through management" : reason));
    }

    // ---- streams ----

    private StreamQueue stream(String vhost, String name) {
        MessageQueue q = queueOf(vhost, name);
        if (!(q instanceof StreamQueue s)) {
            throw new AdminException(Reason.BAD_REQUEST, "queue '" + name + "' in vhost '" + vhost
                    + "' is not a stream");
        }
        return s;
    }

    @Override
    public CompletableFuture<List<StreamOffsetInfo>> streamOffsets(String vhost, String name) {
        StreamQueue s = stream(vhost, name);
        return s.storedOffsets().thenCombine(s.range(), (offsets, range) -> {
            List<StreamOffsetInfo> list = new ArrayList<>();
            offsets.forEach((consumer, offset) -> list.add(new StreamOffsetInfo(consumer, offset,
                    Math.max(0, range[1] - offset - 1))));
            return list;
        });
    }

    @Override
    public CompletableFuture<Void> setStreamOffset(String vhost, String name, String consumer, long offset) {
        if (offset < 0) {
            throw new AdminException(Reason.BAD_REQUEST, "an offset is a non-negative integer, not " + offset);
        }
        if (consumer == null || consumer.isEmpty()) {
            throw new AdminException(Reason.BAD_REQUEST, "a stored offset needs a consumer name");
        }
        return stream(vhost, name).storeOffset(consumer, offset);
    }

    @Override
    public CompletableFuture<List<BrokerAdmin.ConsumerGroupInfo>> consumerGroups(String vhost, String stream) {
        VirtualHost v = vhost(vhost);
        if (io.wharf.exchange.PartitionedStreams.find(v.topology(), stream) == null) {
            throw new AdminException(Reason.NOT_FOUND, "no partitioned stream '" + stream + "' in vhost '" + vhost
                    + "'");
        }
        return v.consumerGroupsOf(stream);
    }

    // ---- scheduled messages ----

    @Override
    public CompletableFuture<ScheduledPage> scheduledMessages(String vhost, String queue, String after, int limit) {
        return ScheduledListing.page(vhost, queueOf(vhost, queue), after, limit);
    }

    @Override
    public CompletableFuture<Integer> cancelScheduledMessage(String vhost, String queue, String messageId) {
        return ScheduledListing.scheduling(vhost, queueOf(vhost, queue)).cancelScheduled(messageId);
    }

    // ---- health ----

    @Override
    public List<Alarm> alarms() {
        List<Alarm> alarms = new ArrayList<>();
        if (diskLow.getAsBoolean()) {
            alarms.add(new Alarm("disk", "free disk space is below store.min-free-disk-bytes; publishes are refused"));
        }
        if (memoryHigh.getAsBoolean()) {
            alarms.add(new Alarm("memory", "heap use is above limits.memory-high-watermark-percent; publishers get "
                    + "no credit"));
        }
        return alarms;
    }

    /** The future with topology failures turned into AdminExceptions of the same status. */
    private static <T> CompletableFuture<T> translated(CompletableFuture<T> future) {
        return future.handle((value, error) -> {
            if (error == null) {
                return value;
            }
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause()
                    : error;
            if (cause instanceof TopologyException t) {
                Reason reason = switch (t.reason()) {
                    case BAD_REQUEST -> Reason.BAD_REQUEST;
                    case ACCESS_REFUSED -> Reason.FORBIDDEN;
                    case NOT_FOUND -> Reason.NOT_FOUND;
                    case PRECONDITION_FAILED -> Reason.CONFLICT;
                    default -> Reason.INTERNAL;
                };
                throw new AdminException(reason, t.getMessage());
            }
            throw cause instanceof RuntimeException r ? r : new CompletionException(cause);
        });
    }
}
