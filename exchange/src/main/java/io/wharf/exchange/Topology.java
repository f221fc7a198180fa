package io.wharf.exchange;

import io.wharf.exchange.TopologyException.Reason;
import io.wharf.store.meta.Arguments;
import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.meta.BindingDefinition.DestinationKind;
import io.wharf.store.meta.ExchangeDefinition;
import io.wharf.store.meta.MetadataChange;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchanges and bindings of one virtual host, over its queues, and routing through them.
 *
 * <p>Routing ({@link #route}, {@link #exchange}) runs on any thread, typically event loops: it reads concurrent maps
 * and per-exchange indexes that are replaced or updated atomically, takes no lock and never touches the disk.
 *
 * <p>Changes (declare, delete, bind, unbind) run one at a time on the {@link TopologyStore}'s thread. Each is checked
 * first, then written to the metadata store in one transaction (when durable), and only then applied in memory, so a
 * change that fails leaves nothing behind. Each returns a future completed on that thread.
 */
public final class Topology {

    private static final Logger LOG = LoggerFactory.getLogger(Topology.class);

    /** The default exchange: every queue is bound to it under its own name; it cannot be declared or bound. */
    public static final String DEFAULT_EXCHANGE = "";
    /** Longest queue, exchange name or binding key, in UTF-8 bytes (as RabbitMQ). */
    public static final int MAX_NAME_BYTES = 255;
    private static final String RESERVED_PREFIX = "amq.";

    private final String vhost;
    private final QueueRegistry queues;
    private final TopologyStore store;
    private final DefaultExchange defaultExchange;
    private final ExchangeTypes types;
    private volatile TopologyListener listener = TopologyListener.NONE;
    private final ConcurrentHashMap<String, Exchange> exchanges = new ConcurrentHashMap<>();
    /** Bindings by destination object (queue or exchange, by identity). Topology thread only. */
    private final Map<Object, Set<Binding>> byDestination = new IdentityHashMap<>();

    /**
     * @param autoCreateQueues whether the default exchange creates unknown queues ({@code queues.auto-create})
     */
    public Topology(String vhost, QueueRegistry queues, TopologyStore store, boolean autoCreateQueues) {
        this(vhost, queues, store, autoCreateQueues, new ExchangeTypes());
    }

    /**
     * @param types the exchange types, built in and from plugins (one registry for the whole broker)
     */
    public Topology(String vhost, QueueRegistry queues, TopologyStore store, boolean autoCreateQueues,
            ExchangeTypes types) {
        this.vhost = vhost;
        this.queues = queues;
        this.store = store;
        this.types = types;
        this.defaultExchange = new DefaultExchange(queues, autoCreateQueues);
        for (ExchangeDefinition predeclared : predeclared(vhost)) {
            exchanges.put(predeclared.name(), types.create(predeclared, false));
        }
        // A queue can go without us (a temporary queue closed with its link): its bindings go after it.
        queues.onDeleted(queue -> store.executor().execute(() -> dropBindingsTo(queue)));
    }

    /** The exchanges every virtual host has: {@code amq.direct}, {@code amq.fanout}, {@code amq.topic}, {@code amq.headers}. */
    public static List<ExchangeDefinition> predeclared(String vhost) {
        List<ExchangeDefinition> all = new ArrayList<>();
        for (ExchangeType type : ExchangeType.values()) {
            if (!type.predeclared()) {
                continue;
            }
            all.add(new ExchangeDefinition(vhost, RESERVED_PREFIX + type.label(), type.label(), true, false, false,
                    Map.of()));
        }
        return all;
    }

    public String vhost() {
        return vhost;
    }

    /** Who hears of changes from now on (one listener; the broker's plugin events). */
    public void listener(TopologyListener listener) {
        this.listener = listener == null ? TopologyListener.NONE : listener;
    }

    public QueueRegistry queues() {
        return queues;
    }

    public DefaultExchange defaultExchange() {
        return defaultExchange;
    }

    // ---- routing: any thread -------------------------------------------------------------------

    /** The exchange of that name, or null; the default exchange {@code ""} is not one of them. Any thread. */
    public Exchange exchange(String name) {
        return exchanges.get(name);
    }

    /** Every exchange (a snapshot). Any thread. */
    public Collection<Exchange> exchanges() {
        return List.copyOf(exchanges.values());
    }

    /**
     * Routes a message published to {@code exchange}: its matching bindings, the exchanges those lead to (each
     * exchange visited once, so cycles end), and, when that reaches no queue, its alternate exchange (and that one's,
     * in turn). Adds each queue once to {@code out}. Any thread; no locks, no disk.
     */
    public void route(Exchange exchange, String routingKey, MessageHeaders headers, RoutedQueues out) {
        new Walk(routingKey, headers, out).from(exchange);
    }

    /** One routing: the exchanges visited so far and those still to visit. */
    private final class Walk implements Consumer<Binding> {
        private final String routingKey;
        private final MessageHeaders headers;
        private final RoutedQueues out;
        private final List<Exchange> visited = new ArrayList<>(4);
        private int next;

        Walk(String routingKey, MessageHeaders headers, RoutedQueues out) {
            this.routingKey = routingKey;
            this.headers = headers;
            this.out = out;
        }

        void from(Exchange exchange) {
            Exchange current = exchange;
            while (current != null && !visited.contains(current)) {
                int before = out.size();
                visited.add(current);
                next = visited.size() - 1;
                while (next < visited.size()) {
                    visited.get(next++).match(routingKey, headers, this);
                }
                if (out.size() > before) {
                    return;
                }
                String alternate = current.alternateExchange();
                current = alternate == null ? null : exchanges.get(alternate);
            }
        }

        @Override
        public void accept(Binding binding) {
            if (binding.queue() != null) {
                out.add(binding.queue());
            } else if (!visited.contains(binding.exchange())) {
                visited.add(binding.exchange());
            }
        }
    }

    // ---- changes: on the topology thread -------------------------------------------------------

    /** Runs {@code change} on the topology thread; the future completes there, failed with what it threw. */
    private <T> CompletableFuture<T> onTopologyThread(Callable<T> change) {
        CompletableFuture<T> result = new CompletableFuture<>();
        store.executor().execute(() -> {
            try {
                result.complete(change.call());
            } catch (TopologyException e) {
                result.completeExceptionally(e);
            } catch (io.wharf.store.queue.QueueLimitException e) {
                result.completeExceptionally(new TopologyException(Reason.ACCESS_REFUSED, e.getMessage(), e));
            } catch (Exception | Error e) {
                LOG.error("Topology change failed in vhost '{}'", vhost, e);
                result.completeExceptionally(new TopologyException(Reason.INTERNAL,
                        "the change could not be stored: " + e, e));
            }
        });
        return result;
    }

    /**
     * Runs {@code work} on the topology thread, after every change submitted before it: a read that must see
     * earlier changes (a client that declared and then asks sees its declaration), or bookkeeping that must stay in
     * order with them. The work must not wait for another topology future (there is one thread).
     */
    public <T> CompletableFuture<T> submit(Callable<T> work) {
        return onTopologyThread(work);
    }

    /**
     * Declares an exchange. Completes with true when created, false when an equivalent one existed; fails with
     * 400 (bad name, type or arguments), 403 (the default exchange, a new {@code amq.} name) or 409 (exists with
     * different properties).
     */
    public CompletableFuture<Boolean> declareExchange(ExchangeDefinition definition) {
        return declareExchange(definition, false);
    }

    /**
     * As {@link #declareExchange(ExchangeDefinition)}; with {@code reservedAllowed}, also names starting with
     * {@code amq.} (the broker's own and its plugins' exchanges, e.g. {@code amq.wharf.trace}; never for clients).
     */
    public CompletableFuture<Boolean> declareExchange(ExchangeDefinition definition, boolean reservedAllowed) {
        return onTopologyThread(() -> {
            String name = definition.name();
            if (DEFAULT_EXCHANGE.equals(name)) {
                throw TopologyException.accessRefused("operation not permitted on the default exchange");
            }
            types.check(definition.type());
            Exchange existing = exchanges.get(name);
            if (existing != null) {
                ExchangeDefinition had = existing.definition();
                if (!had.type().equals(definition.type()) || had.durable() != definition.durable()
                        || had.autoDelete() != definition.autoDelete() || had.internal() != definition.internal()
                        || !had.arguments().equals(definition.arguments())) {
                    throw TopologyException.conflict("exchange '" + name + "' exists with different properties: "
                            + describe(had) + "; declared " + describe(definition));
                }
                return false;
            }
            checkName("exchange", name);
            if (name.startsWith(RESERVED_PREFIX) && !reservedAllowed) {
                throw TopologyException.accessRefused("exchange '" + name + "' starts with reserved prefix '"
                        + RESERVED_PREFIX + "'");
            }
            Object alternate = definition.arguments().get(Exchange.ALTERNATE_EXCHANGE);
            if (alternate != null && !(alternate instanceof String)) {
                throw TopologyException.badRequest("argument alternate-exchange must be an exchange name (a "
                        + "string), not " + alternate.getClass().getSimpleName());
            }
            types.checkArguments(definition);
            Exchange exchange = types.create(new ExchangeDefinition(vhost, name, definition.type(),
                    definition.durable(), definition.autoDelete(), definition.internal(), definition.arguments()),
                    false);
            try {
                if (exchange.definition().durable()) {
                    store.write(new MetadataChange().putExchange(exchange.definition()));
                }
            } catch (Exception | Error e) {
                types.removed(exchange);
                throw e;
            }
            exchanges.put(name, exchange);
            listener.exchangeDeclared(exchange.definition());
            return true;
        });
    }

    private static String describe(ExchangeDefinition x) {
        return "type=" + x.type() + ", durable=" + x.durable() + ", auto_delete=" + x.autoDelete() + ", internal="
                + x.internal() + ", arguments=" + x.arguments();
    }

    /**
     * Deletes an exchange with its bindings (from and to it). Completes with false when there was none; fails with
     * 403 for the default exchange and {@code amq.} names.
     */
    public CompletableFuture<Boolean> deleteExchange(String name) {
        return onTopologyThread(() -> {
            if (DEFAULT_EXCHANGE.equals(name)) {
                throw TopologyException.accessRefused("operation not permitted on the default exchange");
            }
            if (name.startsWith(RESERVED_PREFIX)) {
                throw TopologyException.accessRefused("exchange '" + name + "' starts with reserved prefix '"
                        + RESERVED_PREFIX + "'");
            }
            Exchange exchange = exchanges.get(name);
            if (exchange == null) {
                return false;
            }
            Removal removal = new Removal();
            removal.deleteExchange(exchange);
            removal.commit();
            return true;
        });
    }

    /**
     * Deletes every exchange (the predeclared ones too), binding and queue of the virtual host: what deleting the
     * vhost takes. Completes with the number of queues deleted.
     */
    public CompletableFuture<Integer> deleteEverything() {
        return onTopologyThread(() -> {
            Removal removal = new Removal();
            for (Exchange x : exchanges.values()) {
                removal.deleteExchange(x);
            }
            removal.commit();
            int deleted = 0;
            for (MessageQueue queue : List.copyOf(queues.all())) {
                if (queues.delete(queue.name())) {
                    deleted++;
                }
            }
            return deleted;
        });
    }

    /** What {@link #declareQueue} did. */
    public record QueueDeclared(MessageQueue queue, boolean created) {
    }

    /**
     * Declares a queue. Completes with the queue and whether it was created; fails with 400 (bad name, arguments
     * of the wrong type), 403 ({@code amq.} names) or 409 (exists with different properties).
     */
    public CompletableFuture<QueueDeclared> declareQueue(QueueDefinition definition) {
        return onTopologyThread(() -> {
            String name = definition.name();
            if (name == null || name.isEmpty()) {
                throw TopologyException.badRequest("declare queue with empty name not allowed");
            }
            checkName("queue", name);
            if (name.startsWith(RESERVED_PREFIX)) {
                throw TopologyException.accessRefused("queue '" + name + "' starts with reserved prefix '"
                        + RESERVED_PREFIX + "'");
            }
            Map<String, Object> arguments;
            try {
                arguments = Arguments.normalized(definition.arguments());
            } catch (IllegalArgumentException e) {
                throw TopologyException.badRequest(e.getMessage());
            }
            QueueDefinition wanted = QueueArgumentRules.check(new QueueDefinition(vhost, name, definition.type(),
                    definition.durable(), definition.exclusive(), definition.autoDelete(), arguments));
            MessageQueue existing = queues.get(name);
            if (existing != null) {
                QueueArgumentRules.checkEquivalent(existing.definition(), wanted);
                return new QueueDeclared(existing, false);
            }
            QueueRegistry.Declared declared;
            try {
                declared = queues.declare(wanted);
            } catch (IllegalArgumentException e) {
                throw TopologyException.badRequest(e.getMessage());
            }
            if (!declared.created()) {
                QueueArgumentRules.checkEquivalent(declared.queue().definition(), wanted);
            }
            return new QueueDeclared(declared.queue(), declared.created());
        });
    }

    /**
     * Deletes a queue, its messages and its bindings. Completes with the number of messages it held (0 when there
     * was no such queue).
     */
    public CompletableFuture<Long> deleteQueue(String name) {
        return deleteQueue(name, queue -> true);
    }

    /**
     * Like {@link #deleteQueue(String)}, when {@code onlyIf} (tested on the topology thread, just before) still
     * holds: a caller whose bookkeeping lives on the topology thread decides and deletes in one step.
     */
    public CompletableFuture<Long> deleteQueue(String name, Predicate<MessageQueue> onlyIf) {
        return onTopologyThread(() -> {
            MessageQueue queue = queues.get(name);
            if (queue == null || !onlyIf.test(queue)) {
                return 0L;
            }
            Removal removal = new Removal();
            for (Binding b : bindingsTo(queue)) {
                removal.removeBinding(b);
            }
            removal.commit();
            long messages = queue.messageCount();
            queues.delete(name);
            return messages;
        });
    }

    /**
     * Binds. Completes with true when the binding is new, false when it existed; fails with 400 (bad key or
     * arguments), 403 (the default exchange) or 404 (source or destination missing).
     */
    public CompletableFuture<Boolean> bind(BindingDefinition definition) {
        return onTopologyThread(() -> {
            Binding binding = resolve(definition);
            if (binding.source().has(binding)) {
                return false;
            }
            if (binding.source().type() == ExchangeType.HEADERS) {
                HeadersExchange.mode(definition.arguments());
            }
            types.checkBinding(binding);
            if (durable(binding)) {
                store.write(new MetadataChange().putBinding(binding.definition()));
            }
            attach(binding);
            listener.bindingAdded(binding.definition());
            return true;
        });
    }

    /**
     * Removes a binding; completes with false when there was no such binding. An auto-delete source exchange
     * left without bindings goes too.
     */
    public CompletableFuture<Boolean> unbind(BindingDefinition definition) {
        return onTopologyThread(() -> {
            Binding binding = resolve(definition);
            if (!binding.source().has(binding)) {
                return false;
            }
            Removal removal = new Removal();
            removal.removeBinding(binding);
            removal.commit();
            return true;
        });
    }

    /**
     * The bindings from {@code source} to the destination (either kind when {@code kind} is null; any destination
     * when {@code destination} is null). Topology thread: use through {@link #submit}.
     */
    public List<BindingDefinition> bindingsFrom(String source, DestinationKind kind, String destination) {
        Exchange exchange = exchanges.get(source);
        if (exchange == null) {
            return List.of();
        }
        List<BindingDefinition> found = new ArrayList<>();
        for (Binding b : exchange.bindings()) {
            BindingDefinition d = b.definition();
            if ((kind == null || d.destinationKind() == kind)
                    && (destination == null || d.destination().equals(destination))) {
                found.add(d);
            }
        }
        return found;
    }

    /** The bindings to a queue (a snapshot). Topology thread: use through {@link #submit}. */
    public List<BindingDefinition> bindingsToQueue(String queueName) {
        MessageQueue queue = queues.get(queueName);
        if (queue == null) {
            return List.of();
        }
        return bindingsTo(queue).stream().map(Binding::definition).toList();
    }

    /** The destination and source, resolved; fails with 400, 403 or 404 as {@link #bind} says. */
    private Binding resolve(BindingDefinition d) {
        if (DEFAULT_EXCHANGE.equals(d.source())
                || (d.destinationKind() == DestinationKind.EXCHANGE && DEFAULT_EXCHANGE.equals(d.destination()))) {
            throw TopologyException.accessRefused("operation not permitted on the default exchange");
        }
        if (d.routingKey().getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw TopologyException.badRequest("binding key is longer than " + MAX_NAME_BYTES + " bytes");
        }
        Exchange source = exchanges.get(d.source());
        if (source == null) {
            throw TopologyException.notFound("exchange '" + d.source() + "' in vhost '" + vhost + "' not found");
        }
        BindingDefinition definition = new BindingDefinition(vhost, d.source(), d.destinationKind(),
                d.destination(), d.routingKey(), d.arguments());
        if (d.destinationKind() == DestinationKind.QUEUE) {
            MessageQueue queue = queues.get(d.destination());
            if (queue == null) {
                throw TopologyException.notFound("queue '" + d.destination() + "' in vhost '" + vhost
                        + "' not found");
            }
            return new Binding(definition, source, queue, null);
        }
        Exchange destination = exchanges.get(d.destination());
        if (destination == null) {
            throw TopologyException.notFound("exchange '" + d.destination() + "' in vhost '" + vhost
                    + "' not found");
        }
        return new Binding(definition, source, null, destination);
    }

    /** A binding is stored when both ends survive a restart. */
    private static boolean durable(Binding b) {
        boolean destinationDurable = b.queue() != null ? b.queue().definition().durable()
                : b.exchange().definition().durable();
        return b.source().definition().durable() && destinationDurable;
    }

    private void attach(Binding binding) {
        binding.source().add(binding);
        byDestination.computeIfAbsent(destinationOf(binding), d -> new LinkedHashSet<>()).add(binding);
    }

    private void detach(Binding binding) {
        binding.source().remove(binding);
        Object destination = destinationOf(binding);
        Set<Binding> to = byDestination.get(destination);
        if (to != null && to.remove(binding) && to.isEmpty()) {
            byDestination.remove(destination);
        }
    }

    private static Object destinationOf(Binding binding) {
        return binding.queue() != null ? binding.queue() : binding.exchange();
    }

    private List<Binding> bindingsTo(Object destination) {
        Set<Binding> to = byDestination.get(destination);
        return to == null ? List.of() : List.copyOf(to);
    }

    /** A queue left the registry: its bindings go (already gone when we deleted it ourselves). */
    private void dropBindingsTo(MessageQueue queue) {
        List<Binding> to = bindingsTo(queue);
        if (to.isEmpty()) {
            return;
        }
        Removal removal = new Removal();
        for (Binding b : to) {
            removal.removeBinding(b);
        }
        try {
            removal.commit();
        } catch (Exception e) {
            LOG.error("Bindings to the deleted queue '{}' could not be removed from the metadata store", queue.name(),
                    e);
        }
    }

    /**
     * Bindings and exchanges going together: an exchange takes its bindings with it, and an auto-delete exchange
     * whose last binding goes is deleted too (which may cascade). Planned first, written in one transaction, then
     * applied in memory.
     */
    private final class Removal {
        private final MetadataChange change = new MetadataChange();
        private final Set<Binding> bindings = new LinkedHashSet<>();
        private final Set<Exchange> deleted = new LinkedHashSet<>();

        void removeBinding(Binding binding) {
            if (!bindings.add(binding)) {
                return;
            }
            if (durable(binding)) {
                change.deleteBinding(binding.definition());
            }
            Exchange source = binding.source();
            if (source.definition().autoDelete() && !deleted.contains(source) && remaining(source) == 0) {
                deleteExchange(source);
            }
        }

        void deleteExchange(Exchange exchange) {
            if (!deleted.add(exchange)) {
                return;
            }
            if (exchange.definition().durable()) {
                change.deleteExchange(vhost, exchange.name());
            }
            for (Binding b : exchange.bindings()) {
                removeBinding(b);
            }
            for (Binding b : bindingsTo(exchange)) {
                removeBinding(b);
            }
        }

        private int remaining(Exchange source) {
            int count = 0;
            for (Binding b : source.bindings()) {
                if (!bindings.contains(b)) {
                    count++;
                }
            }
            return count;
        }

        void commit() throws Exception {
            store.write(change);
            for (Binding b : bindings) {
                detach(b);
                listener.bindingRemoved(b.definition());
            }
            for (Exchange x : deleted) {
                if (exchanges.remove(x.name(), x)) {
                    types.removed(x);
                    listener.exchangeDeleted(x.definition());
                }
            }
        }
    }

    // ---- recovery: at start, before any traffic ------------------------------------------------

    /**
     * Brings back stored exchanges and bindings (queues were recovered into the registry before). A binding whose
     * source or destination is gone is dropped from the store, with a warning. Call once, on the starting thread,
     * before the topology is used.
     */
    public void recover(List<ExchangeDefinition> storedExchanges, List<BindingDefinition> storedBindings) {
        for (ExchangeDefinition definition : storedExchanges) {
            if (!vhost.equals(definition.vhost())) {
                continue;
            }
            try {
                exchanges.put(definition.name(), types.create(definition, true));
            } catch (TopologyException e) {
                LOG.warn("Stored exchange '{}' is not usable and is skipped: {}", definition.name(), e.getMessage());
            }
        }
        MetadataChange dropped = new MetadataChange();
        int recovered = 0;
        for (BindingDefinition definition : storedBindings) {
            if (!vhost.equals(definition.vhost())) {
                continue;
            }
            try {
                Binding binding = resolve(definition);
                attach(binding);
                recovered++;
            } catch (TopologyException e) {
                LOG.warn("Stored binding {} -> {} '{}' is dropped: {}", definition.source(),
                        definition.destinationKind().label(), definition.destination(), e.getMessage());
                dropped.deleteBinding(definition);
            }
        }
        if (!dropped.isEmpty()) {
            store.executor().execute(() -> {
                try {
                    store.write(dropped);
                } catch (Exception e) {
                    LOG.error("Dropped bindings could not be removed from the metadata store", e);
                }
            });
        }
        if (recovered > 0 || !storedExchanges.isEmpty()) {
            LOG.info("Vhost '{}': recovered {} exchanges and {} bindings", vhost, storedExchanges.size(), recovered);
        }
    }

    /** Checks a queue or exchange name: at most 255 UTF-8 bytes, no CR or LF. */
    static void checkName(String kind, String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw TopologyException.badRequest(kind + " name is longer than " + MAX_NAME_BYTES + " bytes");
        }
        if (name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
            throw TopologyException.badRequest("bad " + kind + " name '" + name
                    + "': line feed and carriage return characters not allowed");
        }
    }
}
