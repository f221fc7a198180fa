package io.wharf.amqp.management;

import io.wharf.plugin.AuthorizationProvider.Access;
import io.wharf.plugin.AuthorizationProvider.Resource;
import io.wharf.exchange.Exchange;
import io.wharf.exchange.PartitionedStreams;
import io.wharf.exchange.Topology;
import io.wharf.exchange.TopologyException;
import io.wharf.store.meta.BindingDefinition;
import io.wharf.store.meta.BindingDefinition.DestinationKind;
import io.wharf.store.meta.ExchangeDefinition;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.stream.StreamQueue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RabbitMQ 4 management API ("HTTP over AMQP") over one virtual host's topology: what the management link pair
 * carries, without the links. Paths, bodies, status codes and response maps follow RabbitMQ's
 * {@code rabbit_amqp_management} (WIRE.md, "Management over AMQP"):
 *
 * <pre>
 *   PUT    /queues/:q              {durable, exclusive, auto_delete, arguments}  201 | 200 | 400 | 403 | 409
 *   GET    /queues/:q                                                            200 | 404
 *   DELETE /queues/:q                                                            200 {message_count}
 *   DELETE /queues/:q/messages     (purge)                                       200 {message_count} | 404
 *   PUT    /exchanges/:x           {type, durable, auto_delete, internal, arguments}  204 | 400 | 403 | 409
 *   GET    /exchanges/:x           (Wharf's own: the exchange's properties)      200 | 404
 *   DELETE /exchanges/:x                                                         204 | 403
 *   POST   /bindings               {source, destination_queue | destination_exchange, binding_key, arguments}
 *                                                                                204 | 400 | 403 | 404
 *   GET    /bindings?src=&amp;dstq=|dste=&amp;key=                                       200 [binding maps]
 *   DELETE /bindings/src=..;dstq=..;key=..;args=..                               204
 *   PUT    /vhosts/:v              (Wharf's own: create a virtual host)          201 | 204 | 400
 *   GET    /vhosts/:v                                                            200 | 404
 *   DELETE /vhosts/:v              (with all its queues, exchanges, bindings)    204 | 403 | 404
 *   GET    /queues/:q/scheduled    (Wharf's own; see ScheduledMessagesResource)  200 | 400 | 404
 *   DELETE /queues/:q/scheduled/:message-id                                      200 | 404
 * </pre>
 *
 * Every operation runs on the topology thread in arrival order; the future completes there.
 */
public final class ManagementApi {

    private static final Logger LOG = LoggerFactory.getLogger(ManagementApi.class);
    private static final Set<String> QUEUE_PROPERTIES = Set.of("durable", "exclusive", "auto_delete", "arguments");
    private static final Set<String> EXCHANGE_PROPERTIES = Set.of("type", "durable", "auto_delete", "internal",
            "arguments");
    private static final Set<String> BINDING_FIELDS = Set.of("source", "destination_queue", "destination_exchange",
            "binding_key", "arguments");

    /** What the API needs to know about the connection a request came on. */
    public interface Caller {

        /** An exclusive queue was created for this connection: it goes when the connection goes. */
        void exclusiveQueueDeclared(String queueName);

        /** Null when plugins let the caller do this (see {@code PluginAuthorization}); else why not (403). */
        default String refusal(Access access, Resource kind, String name) {
            return null;
        }
    }

    /**
     * Creating and deleting virtual hosts (Wharf's own resource {@code /vhosts/:name}; RabbitMQ manages vhosts over
     * HTTP only). Broker-wide: any vhost's management link reaches it.
     */
    public interface VirtualHostAdmin {

        /** No virtual host administration: {@code /vhosts} answers 404. */
        VirtualHostAdmin NONE = null;

        /** Whether a virtual host of that name exists. */
        boolean exists(String name);

        /** Creates a virtual host; completes with false when it existed. Fails with a {@link TopologyException}. */
        CompletableFuture<Boolean> create(String name);

        /**
         * Deletes a virtual host with all its queues, exchanges and bindings; completes with false when there was
         * none. Fails with a {@link TopologyException} (403 for the default vhost).
         */
        CompletableFuture<Boolean> delete(String name);
    }

    private final Topology topology;
    private final String nodeName;
    private final VirtualHostAdmin vhosts;
    private final ScheduledMessagesResource scheduled;
    private final PartitionedStreamApi partitioned;

    /**
     * @param nodeName reported as a queue's {@code leader} and only replica
     * @param vhosts   virtual host administration, or {@link VirtualHostAdmin#NONE}
     */
    public ManagementApi(Topology topology, String nodeName, VirtualHostAdmin vhosts) {
        this.topology = topology;
        this.nodeName = nodeName;
        this.vhosts = vhosts;
        this.scheduled = new ScheduledMessagesResource(topology);
        this.partitioned = new PartitionedStreamApi(topology, nodeName);
    }

    /** Answers one request; never completes exceptionally (failures become 4xx/5xx responses). */
    public CompletableFuture<ManagementResponse> handle(ManagementRequest request, Caller caller) {
        CompletableFuture<ManagementResponse> response;
        try {
            response = dispatch(request, caller);
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        return response.exceptionally(e -> failure(request, e));
    }

    private ManagementResponse failure(ManagementRequest request, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        ManagementResponse response;
        if (cause instanceof TopologyException t) {
            response = ManagementResponse.error(t.reason().status(), t.getMessage());
        } else if (cause instanceof io.wharf.store.queue.QueueLimitException) {
            response = ManagementResponse.error(403, cause.getMessage());
        } else if (cause instanceof AmqpValues.BadRequest) {
            response = ManagementResponse.error(400, cause.getMessage());
        } else {
            LOG.error("Management request {} {} failed", request.method(), request.target(), cause);
            response = ManagementResponse.error(500, "internal error: " + cause);
        }
        LOG.info("Management request {} {} failed: {} {}", request.method(), request.target(), response.status(),
                response.body());
        return response;
    }

    private CompletableFuture<ManagementResponse> dispatch(ManagementRequest request, Caller caller) {
        String target = request.target();
        String method = request.method();
        if (target == null || !target.startsWith("/") || method == null) {
            throw new AmqpValues.BadRequest("a management request needs a path in 'to' (starting with /) and an "
                    + "HTTP method in 'subject'");
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        Map<String, String> query = q < 0 ? Map.of() : query(target.substring(q + 1));
        List<String> segments = new ArrayList<>();
        for (String s : path.substring(1).split("/", -1)) {
            segments.add(BindingLocation.decode(s));
        }
        String resource = segments.get(0);
        int n = segments.size();
        authorize(caller, resource, method, segments, request.body());
        switch (resource) {
            case "queues" -> {
                if (n == 2) {
                    return switch (method) {
                        case "GET" -> getQueue(segments.get(1));
                        case "PUT" -> declareQueue(segments.get(1), request.body(), caller);
                        case "DELETE" -> deleteQueue(segments.get(1));
                        default -> notAllowed(method, path);
                    };
                }
                if (n == 3 && segments.get(2).equals("messages")) {
                    return method.equals("DELETE") ? purgeQueue(segments.get(1)) : notAllowed(method, path);
                }
                if (n == 3 && segments.get(2).equals("scheduled")) {
                    return method.equals("GET") ? scheduled.list(segments.get(1), query) : notAllowed(method, path);
                }
                if (n == 4 && segments.get(2).equals("scheduled") && !segments.get(3).isEmpty()) {
                    return method.equals("DELETE") ? scheduled.cancel(segments.get(1), segments.get(3))
                            : notAllowed(method, path);
                }
                if (n == 4 && segments.get(2).equals("offsets") && !segments.get(3).isEmpty()) {
                    return switch (method) {
                        case "GET" -> getStreamOffset(segments.get(1), segments.get(3));
                        case "PUT" -> putStreamOffset(segments.get(1), segments.get(3), request.body());
                        default -> notAllowed(method, path);
                    };
                }
            }
            case "exchanges" -> {
                if (n == 2) {
                    return switch (method) {
                        case "GET" -> getExchange(segments.get(1));
                        case "PUT" -> declareExchange(segments.get(1), request.body());
                        case "DELETE" -> deleteExchange(segments.get(1));
                        default -> notAllowed(method, path);
                    };
                }
            }
            case "bindings" -> {
                if (n == 1) {
                    return switch (method) {
                        case "POST" -> bind(request.body());
                        case "GET" -> listBindings(query);
                        default -> notAllowed(method, path);
                    };
                }
                if (n == 2) {
                    // The binding segment keeps its own percent-encoding: decode its parts, not the whole.
                    String raw = path.substring("/bindings/".length());
                    return method.equals("DELETE") ? unbind(raw) : notAllowed(method, path);
                }
            }
            case "vhosts" -> {
                if (n == 2 && vhosts != null) {
                    String name = segments.get(1);
                    return switch (method) {
                        case "GET" -> done(vhosts.exists(name) ? new ManagementResponse(200, Map.of("name", name))
                                : ManagementResponse.error(404, "vhost '" + name + "' not found"));
                        case "PUT" -> vhosts.create(name).thenApply(created ->
                                new ManagementResponse(created ? 201 : 204, null));
                        case "DELETE" -> vhosts.delete(name).thenApply(deleted -> deleted
                                ? new ManagementResponse(204, null)
                                : ManagementResponse.error(404, "vhost '" + name + "' not found"));
                        default -> notAllowed(method, path);
                    };
                }
            }
            default -> {
            }
        }
        return done(ManagementResponse.error(404, "no management resource at '" + path + "'"));
    }

    private static CompletableFuture<ManagementResponse> done(ManagementResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    private static CompletableFuture<ManagementResponse> notAllowed(String method, String path) {
        return done(ManagementResponse.error(405, "method " + method + " not allowed on '" + path + "'"));
    }

    private static Map<String, String> query(String query) {
        Map<String, String> params = new HashMap<>();
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = BindingLocation.decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : BindingLocation.decode(pair.substring(eq + 1));
            params.put(name, value);
        }
        return params;
    }

    // ---- queues ----------------------------------------------------------------------------------

    private CompletableFuture<ManagementResponse> getQueue(String name) {
        return topology.submit(() -> {
            MessageQueue queue = topology.queues().get(name);
            ManagementResponse stream = queue == null ? partitioned.get(name) : null;
            return stream != null ? stream
                    : queue == null ? notFound("queue", name) : new ManagementResponse(200, queueInfo(queue));
        });
    }

    private record Ask(Access access, Resource kind, String name) {
    }

    /** Asks the plugins' vetoes about declaring, deleting and binding (RabbitMQ's configure / write / read). */
    private static void authorize(Caller caller, String resource, String method, List<String> segments,
            Object body) {
        List<Ask> asks = new ArrayList<>(2);
        boolean change = method.equals("PUT") || method.equals("DELETE");
        if (resource.equals("queues") && segments.size() == 2 && change) {
            asks.add(new Ask(Access.CONFIGURE, Resource.QUEUE, segments.get(1)));
        } else if (resource.equals("exchanges") && segments.size() == 2 && change) {
            asks.add(new Ask(Access.CONFIGURE, Resource.EXCHANGE, segments.get(1)));
        } else if (resource.equals("bindings") && method.equals("POST") && body instanceof Map<?, ?> fields) {
            if (fields.get("destination_queue") instanceof String queue) {
                asks.add(new Ask(Access.WRITE, Resource.QUEUE, queue));
            }
            if (fields.get("destination_exchange") instanceof String exchange) {
                asks.add(new Ask(Access.WRITE, Resource.EXCHANGE, exchange));
            }
            if (fields.get("source") instanceof String source) {
                asks.add(new Ask(Access.READ, Resource.EXCHANGE, source));
            }
        }
        for (Ask ask : asks) {
            String refusal = caller.refusal(ask.access(), ask.kind(), ask.name());
            if (refusal != null) {
                throw new TopologyException(TopologyException.Reason.ACCESS_REFUSED, refusal);
            }
        }
    }

    private CompletableFuture<ManagementResponse> declareQueue(String name, Object body, Caller caller) {
        Map<String, Object> properties = properties(body, QUEUE_PROPERTIES, "queue property");
        boolean durable = flag(properties, "durable", true);
        boolean exclusive = flag(properties, "exclusive", false);
        boolean autoDelete = flag(properties, "auto_delete", false);
        Map<String, Object> arguments = AmqpValues.arguments(properties.get("arguments"), "queue arguments");
        for (Map.Entry<String, Object> e : arguments.entrySet()) {
            if (e.getValue() == null) {
                throw new AmqpValues.BadRequest("queue argument '" + e.getKey() + "' has no value");
            }
        }
        QueueDefinition definition = new QueueDefinition(topology.vhost(), name, "classic", durable, exclusive,
                autoDelete, arguments);
        if (PartitionedStreams.requested(arguments)) {
            return partitioned.declare(definition);
        }
        if (PartitionedStreams.find(topology, name) != null) {
            return done(ManagementResponse.error(409, "'" + name + "' is a partitioned stream: redeclare it with "
                    + "its x-partitions argument, or declare a queue of another name"));
        }
        return topology.declareQueue(definition).thenApply(declared -> {
            if (declared.created() && exclusive) {
                caller.exclusiveQueueDeclared(name);
            }
            return new ManagementResponse(declared.created() ? 201 : 200, queueInfo(declared.queue()));
        });
    }

    private CompletableFuture<ManagementResponse> deleteQueue(String name) {
        return partitioned.delete(name).thenCompose(stream -> stream != null ? done(stream)
                : topology.deleteQueue(name).thenApply(ManagementApi::messageCount));
    }

    private CompletableFuture<ManagementResponse> purgeQueue(String name) {
        return topology.submit(() -> topology.queues().get(name)).thenCompose(queue -> queue == null
                ? done(notFound("queue", name))
                : queue.purge().thenApply(ManagementApi::messageCount));
    }

    /** The stream of that name; completes with null after answering {@code missing} when there is none. */
    private CompletableFuture<StreamQueue> stream(String name) {
        return topology.submit(() -> topology.queues().get(name))
                .thenApply(queue -> queue instanceof StreamQueue stream ? stream : null);
    }

    private CompletableFuture<ManagementResponse> getStreamOffset(String queue, String consumer) {
        return stream(queue).thenCompose(stream -> stream == null
                ? done(ManagementResponse.error(404, "stream '" + queue + "' in vhost '" + topology.vhost()
                        + "' not found"))
                : stream.storedOffset(consumer).thenApply(offset -> offset == null
                        ? ManagementResponse.error(404, "consumer '" + consumer + "' of stream '" + queue
                                + "' has no stored offset")
                        : new ManagementResponse(200, offsetBody(consumer, offset))));
    }

    private CompletableFuture<ManagementResponse> putStreamOffset(String queue, String consumer, Object body) {
        Map<String, Object> properties = properties(body, Set.of("offset"), "offset property");
        if (!(properties.get("offset") instanceof Number number) || number.longValue() < 0
                || properties.get("offset") instanceof Double || properties.get("offset") instanceof Float) {
            throw new AmqpValues.BadRequest("the body needs 'offset': a non-negative integer");
        }
        long offset = number.longValue();
        return stream(queue).thenCompose(stream -> stream == null
                ? done(ManagementResponse.error(404, "stream '" + queue + "' in vhost '" + topology.vhost()
                        + "' not found"))
                : stream.storeOffset(consumer, offset)
                        .thenApply(v -> new ManagementResponse(200, offsetBody(consumer, offset))));
    }

    private static Map<String, Object> offsetBody(String consumer, long offset) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("consumer", consumer);
        body.put("offset", offset);
        return body;
    }

    private static ManagementResponse messageCount(long count) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("message_count", UnsignedLong.valueOf(count));
        return new ManagementResponse(200, body);
    }

    private Map<String, Object> queueInfo(MessageQueue queue) {
        QueueDefinition d = queue.definition();
        Object type = d.arguments().get("x-queue-type");
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("name", d.name());
        info.put("vhost", topology.vhost());
        info.put("durable", d.durable());
        info.put("auto_delete", d.autoDelete());
        info.put("exclusive", d.exclusive());
        info.put("type", type instanceof String s ? s : d.type());
        info.put("arguments", new LinkedHashMap<>(d.arguments()));
        info.put("message_count", UnsignedLong.valueOf(Math.max(0, queue.messageCount())));
        info.put("consumer_count", UnsignedInteger.valueOf(Math.max(0, queue.consumerCount())));
        if (queue instanceof io.wharf.store.queue.Scheduling scheduling) {
            info.put("scheduled_count", UnsignedLong.valueOf(Math.max(0, scheduling.scheduledCount())));
        }
        info.put("leader", nodeName);
        info.put("replicas", new String[] {nodeName});
        return info;
    }

    // ---- exchanges -------------------------------------------------------------------------------

    private CompletableFuture<ManagementResponse> getExchange(String name) {
        return topology.submit(() -> {
            Exchange x = topology.exchange(name);
            if (x == null) {
                return notFound("exchange", name);
            }
            ExchangeDefinition d = x.definition();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("name", d.name());
            info.put("vhost", topology.vhost());
            info.put("type", d.type());
            info.put("durable", d.durable());
            info.put("auto_delete", d.autoDelete());
            info.put("internal", d.internal());
            info.put("arguments", new LinkedHashMap<>(d.arguments()));
            return new ManagementResponse(200, info);
        });
    }

    private CompletableFuture<ManagementResponse> declareExchange(String name, Object body) {
        Map<String, Object> properties = properties(body, EXCHANGE_PROPERTIES, "exchange property");
        Object type = properties.getOrDefault("type", "direct");
        if (!(type instanceof String)) {
            throw new AmqpValues.BadRequest("exchange type must be a string");
        }
        ExchangeDefinition definition = new ExchangeDefinition(topology.vhost(), name, (String) type,
                flag(properties, "durable", true), flag(properties, "auto_delete", false),
                flag(properties, "internal", false),
                AmqpValues.arguments(properties.get("arguments"), "exchange arguments"));
        return topology.declareExchange(definition).thenApply(created -> new ManagementResponse(204, null));
    }

    private CompletableFuture<ManagementResponse> deleteExchange(String name) {
        return topology.deleteExchange(name).thenApply(deleted -> new ManagementResponse(204, null));
    }

    // ---- bindings --------------------------------------------------------------------------------

    private CompletableFuture<ManagementResponse> bind(Object body) {
        Map<String, Object> fields = properties(body, BINDING_FIELDS, "binding field");
        String source = text(fields, "source", null);
        String queue = text(fields, "destination_queue", null);
        String exchange = text(fields, "destination_exchange", null);
        if (source == null) {
            throw new AmqpValues.BadRequest("a binding needs a 'source' exchange");
        }
        if ((queue == null) == (exchange == null)) {
            throw new AmqpValues.BadRequest("a binding needs exactly one of 'destination_queue' and "
                    + "'destination_exchange'");
        }
        BindingDefinition definition = new BindingDefinition(topology.vhost(), source,
                queue != null ? DestinationKind.QUEUE : DestinationKind.EXCHANGE, queue != null ? queue : exchange,
                text(fields, "binding_key", ""), AmqpValues.arguments(fields.get("arguments"), "binding arguments"));
        return topology.bind(definition).thenApply(added -> new ManagementResponse(204, null));
    }

    private CompletableFuture<ManagementResponse> listBindings(Map<String, String> query) {
        String source = query.get("src");
        String key = query.get("key");
        DestinationKind kind = query.containsKey("dstq") ? DestinationKind.QUEUE
                : query.containsKey("dste") ? DestinationKind.EXCHANGE : null;
        if (source == null || kind == null) {
            throw new AmqpValues.BadRequest("listing bindings needs 'src' and 'dstq' or 'dste' in the query");
        }
        String destination = query.get(kind == DestinationKind.QUEUE ? "dstq" : "dste");
        return topology.submit(() -> {
            List<Object> found = new ArrayList<>();
            for (BindingDefinition b : topology.bindingsFrom(source, kind, destination)) {
                if (key == null || key.equals(b.routingKey())) {
                    found.add(bindingInfo(b));
                }
            }
            return new ManagementResponse(200, found);
        });
    }

    private Map<String, Object> bindingInfo(BindingDefinition b) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("source", b.source());
        info.put("vhost", topology.vhost());
        info.put(b.destinationKind() == DestinationKind.QUEUE ? "destination_queue" : "destination_exchange",
                b.destination());
        info.put("binding_key", b.routingKey());
        info.put("arguments", new LinkedHashMap<>(b.arguments()));
        info.put("location", BindingLocation.of(b));
        return info;
    }

    private CompletableFuture<ManagementResponse> unbind(String segment) {
        BindingLocation.Parsed parsed = BindingLocation.parse(segment);
        return topology.submit(() -> {
            for (BindingDefinition b : topology.bindingsFrom(parsed.source(), parsed.kind(), parsed.destination())) {
                if (b.routingKey().equals(parsed.key())
                        && BindingLocation.hash(b.arguments()).equals(parsed.argumentsHash())) {
                    return b;
                }
            }
            return null;
        }).thenCompose(found -> found == null
                ? done(new ManagementResponse(204, null))
                : topology.unbind(found).thenApply(removed -> new ManagementResponse(204, null)));
    }

    // ---- bodies ----------------------------------------------------------------------------------

    private static Map<String, Object> properties(Object body, Set<String> allowed, String what) {
        if (body == null) {
            return Map.of();
        }
        if (!(body instanceof Map<?, ?> map)) {
            throw new AmqpValues.BadRequest("the request body must be an AMQP map, not "
                    + body.getClass().getSimpleName());
        }
        Map<String, Object> properties = new HashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = AmqpValues.key(e.getKey(), "request body");
            if (!allowed.contains(name)) {
                throw new AmqpValues.BadRequest("bad " + what + " '" + name + "'; expected one of "
                        + Arrays.toString(allowed.stream().sorted().toArray()));
            }
            properties.put(name, e.getValue());
        }
        return properties;
    }

    private static boolean flag(Map<String, Object> properties, String name, boolean absent) {
        Object value = properties.get(name);
        if (value == null) {
            return absent;
        }
        if (!(value instanceof Boolean b)) {
            throw new AmqpValues.BadRequest("'" + name + "' must be a boolean, not " + value);
        }
        return b;
    }

    private static String text(Map<String, Object> fields, String name, String absent) {
        Object value = fields.get(name);
        if (value == null) {
            return absent;
        }
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof org.apache.qpid.proton.amqp.Symbol s) {
            return s.toString();
        }
        throw new AmqpValues.BadRequest("'" + name + "' must be a string, not " + value);
    }

    private ManagementResponse notFound(String kind, String name) {
        return ManagementResponse.error(404, kind + " '" + name + "' in vhost '" + topology.vhost() + "' not found");
    }
}
