package io.wharf.plugins.management;

import io.wharf.plugin.UserAdmin;
import io.wharf.plugin.admin.AdminException;
import io.wharf.plugin.admin.AdminException.Reason;
import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.plugin.admin.MessageStats;
import io.wharf.plugin.http.HttpHandler;
import io.wharf.plugin.http.HttpRequest;
import io.wharf.plugin.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /api/...}: the REST API, modelled on RabbitMQ's management API (paths, JSON field names, status codes).
 * Every user needs a management tag (administrator, management, monitoring); changes need administrator or
 * management; users, permissions, vhosts and definitions imports need administrator. Below administrator, what a
 * user sees and changes follows its vhost permissions ({@link VhostAccess}). Names in paths are percent-encoded
 * ({@code %2F} is the default vhost).
 */
final class ApiRoutes implements HttpHandler {

    private static final Set<String> VIEW_TAGS = Set.of("administrator", "management", "monitoring", "policymaker");
    private static final Set<String> CHANGE_TAGS = Set.of("administrator", "management", "policymaker");

    private final BrokerAdmin admin;
    private final UserAdmin userAdmin;
    private final String brokerVersion;
    private final UserRoutes users;
    private final Definitions definitions;
    private final ScheduledRoutes scheduled;

    ApiRoutes(BrokerAdmin admin, UserAdmin userAdmin, String brokerVersion) {
        this.admin = admin;
        this.userAdmin = userAdmin;
        this.brokerVersion = brokerVersion;
        this.users = new UserRoutes(userAdmin, admin);
        this.definitions = new Definitions(admin, userAdmin);
        this.scheduled = new ScheduledRoutes(admin);
    }

    @Override
    public CompletableFuture<HttpResponse> handle(HttpRequest request) {
        UserAdmin.User user = request.user();
        if (user.tags().stream().noneMatch(VIEW_TAGS::contains)) {
            return done(HttpResponse.error(403, "user '" + user.name() + "' has no management tag (administrator, "
                    + "management or monitoring)"));
        }
        String method = request.method();
        if (!method.equals("GET") && user.tags().stream().noneMatch(CHANGE_TAGS::contains)) {
            return done(HttpResponse.error(403, "user '" + user.name() + "' may only look (tag monitoring)"));
        }
        List<String> s = request.segments();
        // s.get(0) is "api"
        if (s.size() < 2) {
            return done(HttpResponse.json(200, Map.of("api", "wharf management", "version", brokerVersion)));
        }
        String resource = s.get(1);
        List<String> rest = s.subList(2, s.size());
        VhostAccess access = VhostAccess.of(userAdmin, user);
        return switch (resource) {
            case "overview" -> get(method, () -> overview(access));
            case "whoami" -> get(method, () -> Map.of("name", user.name(), "tags", String.join(",", user.tags())));
            case "vhosts" -> vhosts(request, rest, access);
            case "queues" -> queues(request, rest, access);
            case "exchanges" -> exchanges(request, rest, access);
            case "bindings" -> bindings(request, rest, access);
            case "connections" -> connections(request, rest, access);
            case "consumers" -> consumers(request, rest, access);
            case "definitions" -> definitions.handle(request, rest, access);
            case "stream-offsets" -> streamOffsets(request, rest, access);
            case "stream-groups" -> streamGroups(request, rest, access);
            case "scheduled-messages" -> scheduled.summary(request, rest, access);
            case "health" -> health(request, rest);
            case "users", "permissions" -> users.handle(request, resource, rest);
            default -> done(HttpResponse.error(404, "no API resource '" + resource + "'"));
        };
    }

    static CompletableFuture<HttpResponse> done(HttpResponse response) {
        return CompletableFuture.completedFuture(response);
    }

    interface Reader {
        Object read();
    }

    static CompletableFuture<HttpResponse> get(String method, Reader reader) {
        if (!method.equals("GET")) {
            return done(notAllowed(method));
        }
        return done(HttpResponse.json(200, reader.read()));
    }

    static HttpResponse notAllowed(String method) {
        return HttpResponse.error(405, "method " + method + " is not allowed here");
    }

    static AdminException forbidden(String message) {
        return new AdminException(Reason.FORBIDDEN, message);
    }

    private static void requireAdministrator(HttpRequest request) {
        if (!request.user().tags().contains(UserAdmin.ADMINISTRATOR)) {
            throw forbidden("only an administrator may do this (user '" + request.user().name() + "')");
        }
    }

    /**
     * The broker's totals; for a user who does not see every vhost (tag management), counted over the vhosts it
     * has permissions in, as RabbitMQ does, with message stats summed over their queues.
     */
    private Map<String, Object> overview(VhostAccess access) {
        BrokerAdmin.Overview o = access.seesEverything() ? admin.overview() : visibleTotals(admin.overview(), access);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("management_version", brokerVersion);
        m.put("product_name", "Wharf");
        m.put("product_version", o.brokerVersion());
        m.put("node", o.nodeName());
        m.put("cluster_name", o.nodeName());
        m.put("uptime", o.uptimeMs());
        m.put("message_stats", Shapes.stats(o.stats()));
        m.put("queue_totals", Map.of("messages", o.messages(), "messages_ready", o.messagesReady(),
                "messages_unacknowledged", o.messagesUnacknowledged()));
        m.put("object_totals", Map.of("connections", o.connections(), "queues", o.queues(), "exchanges",
                o.exchanges(), "consumers", o.consumers(), "vhosts", o.vhosts()));
        List<Object> alarms = new ArrayList<>();
        admin.alarms().forEach(a -> alarms.add(Map.of("resource", a.resource(), "reason", a.reason())));
        m.put("alarms", alarms);
        return m;
    }

    private BrokerAdmin.Overview visibleTotals(BrokerAdmin.Overview all, VhostAccess access) {
        int vhosts = 0;
        int queues = 0;
        int exchanges = 0;
        int consumers = 0;
        long messages = 0;
        MessageStats stats = MessageStats.NONE;
        for (String v : admin.vhosts()) {
            if (!access.sees(v)) {
                continue;
            }
            vhosts++;
            exchanges += admin.exchanges(v).size();
            for (BrokerAdmin.QueueInfo q : admin.queues(v)) {
                queues++;
                consumers += q.consumers();
                messages += Math.max(0, q.messages());
                stats = stats.plus(q.stats());
            }
        }
        int connections = (int) admin.connections().join().stream()
                .filter(c -> access.sees(c.vhost(), c.user())).count();
        return new BrokerAdmin.Overview(all.nodeName(), all.brokerVersion(), all.uptimeMs(), vhosts, queues,
                exchanges, connections, consumers, messages, messages, 0, stats);
    }

    // ---- vhosts ----

    private CompletableFuture<HttpResponse> vhosts(HttpRequest request, List<String> rest, VhostAccess access) {
        if (rest.isEmpty()) {
            return get(request.method(), () -> {
                List<Map<String, Object>> list = new ArrayList<>();
                for (String v : admin.vhosts()) {
                    if (access.sees(v)) {
                        list.add(vhost(v));
                    }
                }
                return Paging.apply(list, request.query());
            });
        }
        String name = rest.get(0);
        if (rest.size() == 2 && rest.get(1).equals("permissions")) {
            return users.vhostPermissions(request, name);
        }
        if (rest.size() != 1) {
            return done(HttpResponse.error(404, "no such vhost resource"));
        }
        return switch (request.method()) {
            case "GET" -> {
                access.requireVhost(name);
                if (!admin.vhosts().contains(name)) {
                    throw Bodies.notFound("vhost '" + name + "' not found");
                }
                yield done(HttpResponse.json(200, vhost(name)));
            }
            case "PUT" -> {
                requireAdministrator(request);
                Bodies.object(request, null);
                yield admin.createVhost(name).thenApply(created -> HttpResponse.empty(created ? 201 : 204));
            }
            case "DELETE" -> {
                requireAdministrator(request);
                yield admin.deleteVhost(name).thenApply(deleted -> {
                    if (!deleted) {
                        throw Bodies.notFound("vhost '" + name + "' not found");
                    }
                    return HttpResponse.empty(204);
                });
            }
            default -> done(notAllowed(request.method()));
        };
    }

    private Map<String, Object> vhost(String name) {
        long messages = 0;
        for (BrokerAdmin.QueueInfo q : admin.queues(name)) {
            messages += q.messages();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("messages", messages);
        m.put("tracing", false);
        return m;
    }

    // ---- queues ----

    private CompletableFuture<HttpResponse> queues(HttpRequest request, List<String> rest, VhostAccess access) {
        String node = admin.nodeName();
        if (rest.size() <= 1) {
            String vhost = rest.isEmpty() ? null : rest.get(0);
            if (vhost != null) {
                access.requireVhost(vhost);
            }
            return get(request.method(), () -> Paging.apply(admin.queues(vhost).stream()
                    .filter(q -> access.sees(q.vhost())).map(q -> Shapes.queue(q, node)).toList(), request.query()));
        }
        String vhost = rest.get(0);
        String name = rest.get(1);
        access.requireVhost(vhost);
        if (rest.size() == 2) {
            if (!request.method().equals("GET")) {
                access.require(vhost, VhostAccess.Access.CONFIGURE, "queue", name);
            }
            return switch (request.method()) {
                case "GET" -> done(HttpResponse.json(200, Shapes.queue(admin.queue(vhost, name), node)));
                case "PUT" -> {
                    Map<String, Object> body = Bodies.object(request, Set.of("durable", "auto_delete", "exclusive",
                            "arguments", "type", "node"));
                    Map<String, Object> arguments = Bodies.map(body, "arguments");
                    String type = Bodies.text(body, "type", null);
                    if (type == null && arguments.get("x-queue-type") instanceof String t) {
                        type = t;
                    }
                    if (name.isEmpty()) {
                        throw Bodies.bad("a queue needs a name");
                    }
                    BrokerAdmin.QueueSpec spec = new BrokerAdmin.QueueSpec(vhost, name, type,
                            Bodies.bool(body, "durable", true), Bodies.bool(body, "exclusive", false),
                            Bodies.bool(body, "auto_delete", false), arguments);
                    yield admin.declareQueue(spec).thenApply(created -> HttpResponse.empty(created ? 201 : 204));
                }
                case "DELETE" -> {
                    BrokerAdmin.QueueInfo q = admin.queue(vhost, name);
                    if ("true".equals(request.query().get("if-empty")) && q.messages() > 0) {
                        throw Bodies.bad("queue '" + name + "' is not empty (" + q.messages() + " messages)");
                    }
                    if ("true".equals(request.query().get("if-unused")) && q.consumers() > 0) {
                        throw Bodies.bad("queue '" + name + "' has consumers");
                    }
                    yield admin.deleteQueue(vhost, name).thenApply(n -> HttpResponse.empty(204));
                }
                default -> done(notAllowed(request.method()));
            };
        }
        String action = rest.get(2);
        if (!request.method().equals("GET") && !action.equals("bindings")) {
            // purge, get and cancelling a scheduled message take messages out of the queue
            access.require(vhost, VhostAccess.Access.READ, "queue", name);
        }
        return switch (action) {
            case "bindings" -> {
                admin.queue(vhost, name);
                yield request.method().equals("GET") ? admin.bindings(vhost).thenApply(all -> HttpResponse.json(200,
                        all.stream().filter(b -> b.destinationType().equals("queue") && b.destination().equals(name))
                                .map(Shapes::binding).toList())) : done(notAllowed(request.method()));
            }
            case "contents" -> request.method().equals("DELETE")
                    ? admin.purgeQueue(vhost, name).thenApply(n -> HttpResponse.empty(204))
                    : done(notAllowed(request.method()));
            case "get" -> request.method().equals("POST") ? getMessages(request, vhost, name)
                    : done(notAllowed(request.method()));
            case "scheduled" -> scheduled.queue(request, vhost, name, rest.subList(3, rest.size()));
            default -> done(HttpResponse.error(404, "no queue resource '" + action + "'"));
        };
    }

    private CompletableFuture<HttpResponse> getMessages(HttpRequest request, String vhost, String name) {
        Map<String, Object> body = Bodies.object(request, Set.of("count", "ackmode", "encoding", "truncate",
                "requeue"));
        long count = Bodies.integer(body, "count", 1);
        String ackmode = Bodies.text(body, "ackmode", "ack_requeue_true");
        boolean requeue = switch (ackmode) {
            case "ack_requeue_true", "reject_requeue_true" -> true;
            case "ack_requeue_false", "reject_requeue_false" -> false;
            default -> throw Bodies.bad("'ackmode' must be ack_requeue_true, ack_requeue_false, "
                    + "reject_requeue_true or reject_requeue_false, not '" + ackmode + "'");
        };
        String encoding = Bodies.text(body, "encoding", "auto");
        if (!encoding.equals("auto") && !encoding.equals("base64")) {
            throw Bodies.bad("'encoding' must be auto or base64, not '" + encoding + "'");
        }
        long truncate = Bodies.integer(body, "truncate", Long.MAX_VALUE);
        if (count < 1 || count > 1000) {
            throw Bodies.bad("'count' must be 1..1000, not " + count);
        }
        return admin.get(vhost, name, (int) count, requeue).thenApply(messages -> {
            List<Object> out = new ArrayList<>();
            for (BrokerAdmin.FetchedMessage m : messages) {
                byte[] payload = m.payload();
                if (payload.length > truncate) {
                    payload = java.util.Arrays.copyOf(payload, (int) Math.max(0, truncate));
                }
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("payload_bytes", m.payload().length);
                item.put("redelivered", m.redelivered());
                item.put("exchange", "");
                item.put("routing_key", name);
                item.put("message_count", m.remaining());
                item.put("properties", m.properties());
                String text = encoding.equals("auto") ? utf8(payload) : null;
                item.put("payload", text != null ? text : Base64.getEncoder().encodeToString(payload));
                item.put("payload_encoding", text != null ? "string" : "base64");
                out.add(item);
            }
            return HttpResponse.json(200, out);
        });
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    // ---- exchanges ----

    private CompletableFuture<HttpResponse> exchanges(HttpRequest request, List<String> rest, VhostAccess access) {
        if (rest.size() <= 1) {
            String vhost = rest.isEmpty() ? null : rest.get(0);
            if (vhost != null) {
                access.requireVhost(vhost);
            }
            return get(request.method(), () -> Paging.apply(admin.exchanges(vhost).stream()
                    .filter(x -> access.sees(x.vhost())).map(Shapes::exchange).toList(), request.query()));
        }
        String vhost = rest.get(0);
        String name = rest.get(1);
        access.requireVhost(vhost);
        if (rest.size() == 2) {
            if (!request.method().equals("GET")) {
                access.require(vhost, VhostAccess.Access.CONFIGURE, "exchange", name);
            }
            return switch (request.method()) {
                case "GET" -> done(HttpResponse.json(200, Shapes.exchange(admin.exchange(vhost, name))));
                case "PUT" -> {
                    Map<String, Object> body = Bodies.object(request, Set.of("type", "durable", "auto_delete",
                            "internal", "arguments"));
                    BrokerAdmin.ExchangeSpec spec = new BrokerAdmin.ExchangeSpec(vhost, name,
                            Bodies.requiredText(body, "type"), Bodies.bool(body, "durable", true),
                            Bodies.bool(body, "auto_delete", false), Bodies.bool(body, "internal", false),
                            Bodies.map(body, "arguments"));
                    yield admin.declareExchange(spec).thenApply(created -> HttpResponse.empty(created ? 201 : 204));
                }
                case "DELETE" -> admin.deleteExchange(vhost, name).thenApply(d -> HttpResponse.empty(204));
                default -> done(notAllowed(request.method()));
            };
        }
        String action = rest.get(2);
        if (action.equals("publish")) {
            if (!request.method().equals("POST")) {
                return done(notAllowed(request.method()));
            }
            Map<String, Object> body = Bodies.object(request, Set.of("routing_key", "payload", "payload_encoding",
                    "properties", "props"));
            String encoding = Bodies.text(body, "payload_encoding", "string");
            String payload = Bodies.requiredText(body, "payload");
            byte[] bytes;
            if (encoding.equals("string")) {
                bytes = payload.getBytes(StandardCharsets.UTF_8);
            } else if (encoding.equals("base64")) {
                try {
                    bytes = Base64.getDecoder().decode(payload);
                } catch (IllegalArgumentException e) {
                    throw Bodies.bad("'payload' is not valid base64");
                }
            } else {
                throw Bodies.bad("'payload_encoding' must be string or base64, not '" + encoding + "'");
            }
            String routingKey = Bodies.requiredText(body, "routing_key");
            // The default exchange is written to as the queue the key names, as AMQP publishes check it.
            access.require(vhost, VhostAccess.Access.WRITE, name.isEmpty() ? "queue" : "exchange",
                    name.isEmpty() ? routingKey : name);
            admin.exchange(vhost, name);
            return admin.publish(vhost, name, routingKey,
                    new BrokerAdmin.OutgoingMessage(bytes, Bodies.map(body, "properties")))
                    .thenApply(routed -> HttpResponse.json(200, Map.of("routed", routed)));
        }
        if (action.equals("bindings") && rest.size() == 4) {
            admin.exchange(vhost, name);
            boolean source = rest.get(3).equals("source");
            if (!source && !rest.get(3).equals("destination")) {
                return done(HttpResponse.error(404, "expected bindings/source or bindings/destination"));
            }
            return admin.bindings(vhost).thenApply(all -> HttpResponse.json(200, all.stream()
                    .filter(b -> source ? b.source().equals(name)
                            : b.destinationType().equals("exchange") && b.destination().equals(name))
                    .map(Shapes::binding).toList()));
        }
        return done(HttpResponse.error(404, "no exchange resource '" + action + "'"));
    }

    // ---- bindings: /api/bindings[/vhost[/e/source/(q|e)/destination[/props]]] ----

    private CompletableFuture<HttpResponse> bindings(HttpRequest request, List<String> rest, VhostAccess access) {
        if (rest.size() <= 1) {
            String vhost = rest.isEmpty() ? null : rest.get(0);
            if (vhost != null) {
                access.requireVhost(vhost);
            }
            if (vhost != null && !admin.vhosts().contains(vhost)) {
                throw Bodies.notFound("vhost '" + vhost + "' not found");
            }
            if (!request.method().equals("GET")) {
                return done(notAllowed(request.method()));
            }
            return admin.bindings(vhost).thenApply(all -> HttpResponse.json(200, Paging.apply(all.stream()
                    .filter(b -> access.sees(b.vhost())).map(Shapes::binding).toList(), request.query())));
        }
        if (rest.size() < 5 || !rest.get(1).equals("e") || !(rest.get(3).equals("q") || rest.get(3).equals("e"))) {
            return done(HttpResponse.error(404, "a binding path is /api/bindings/vhost/e/source/q|e/destination"));
        }
        String vhost = rest.get(0);
        String source = rest.get(2);
        String type = rest.get(3).equals("q") ? "queue" : "exchange";
        String destination = rest.get(4);
        access.requireVhost(vhost);
        if (!request.method().equals("GET")) {
            access.require(vhost, VhostAccess.Access.WRITE, type, destination);
            access.require(vhost, VhostAccess.Access.READ, "exchange", source);
        }
        if (rest.size() == 5) {
            return switch (request.method()) {
                case "GET" -> admin.bindings(vhost).thenApply(all -> HttpResponse.json(200, all.stream()
                        .filter(b -> b.source().equals(source) && b.destination().equals(destination)
                                && b.destinationType().equals(type))
                        .map(Shapes::binding).toList()));
                case "POST" -> {
                    Map<String, Object> body = Bodies.object(request, Set.of("routing_key", "arguments"));
                    BrokerAdmin.BindingInfo b = new BrokerAdmin.BindingInfo(vhost, source, destination, type,
                            Bodies.text(body, "routing_key", ""), Bodies.map(body, "arguments"));
                    yield admin.bind(b).thenApply(added -> new HttpResponse(201, null, new byte[0],
                            Map.of("Location", Shapes.propertiesKey(b))));
                }
                default -> done(notAllowed(request.method()));
            };
        }
        String props = rest.get(5);
        return admin.bindings(vhost).thenCompose(all -> {
            BrokerAdmin.BindingInfo found = all.stream()
                    .filter(b -> b.source().equals(source) && b.destination().equals(destination)
                            && b.destinationType().equals(type) && Shapes.propertiesKey(b).equals(props))
                    .findFirst().orElseThrow(() -> Bodies.notFound("no binding from '" + source + "' to " + type
                            + " '" + destination + "' with properties key '" + props + "'"));
            return switch (request.method()) {
                case "GET" -> done(HttpResponse.json(200, Shapes.binding(found)));
                case "DELETE" -> admin.unbind(found).thenApply(removed -> HttpResponse.empty(204));
                default -> done(notAllowed(request.method()));
            };
        });
    }

    // ---- connections and consumers ----

    private CompletableFuture<HttpResponse> connections(HttpRequest request, List<String> rest, VhostAccess access) {
        if (rest.isEmpty()) {
            if (!request.method().equals("GET")) {
                return done(notAllowed(request.method()));
            }
            return admin.connections().thenApply(all -> HttpResponse.json(200, Paging.apply(all.stream()
                    .filter(c -> access.sees(c.vhost(), c.user())).map(Shapes::connection).toList(),
                    request.query())));
        }
        String id = rest.get(0);
        if (!access.seesEverything()) {
            // Only its own connections: another user's is refused once it is known to exist (404 otherwise).
            return admin.connections().thenCompose(all -> {
                all.stream().filter(c -> c.id().equals(id) && !access.sees(c.vhost(), c.user())).findFirst()
                        .ifPresent(c -> {
                            throw forbidden("connection '" + id + "' belongs to user '" + c.user() + "', not to user '"
                                    + request.user().name() + "'");
                        });
                return connection(request, rest, id);
            });
        }
        return connection(request, rest, id);
    }

    private CompletableFuture<HttpResponse> connection(HttpRequest request, List<String> rest, String id) {
        if (rest.size() == 1 && request.method().equals("DELETE")) {
            String reason = request.headers().get("x-reason");
            return admin.closeConnection(id, reason).thenApply(closed -> {
                if (!closed) {
                    throw Bodies.notFound("connection '" + id + "' not found");
                }
                return HttpResponse.empty(204);
            });
        }
        if (!request.method().equals("GET")) {
            return done(notAllowed(request.method()));
        }
        return admin.connections().thenApply(all -> {
            BrokerAdmin.ConnectionInfo c = all.stream().filter(x -> x.id().equals(id)).findFirst()
                    .orElseThrow(() -> Bodies.notFound("connection '" + id + "' not found"));
            Map<String, Object> shape = Shapes.connection(c);
            if (rest.size() == 1) {
                return HttpResponse.json(200, shape);
            }
            return switch (rest.get(1)) {
                case "sessions", "channels" -> HttpResponse.json(200, shape.get("sessions"));
                case "links" -> HttpResponse.json(200, shape.get("links"));
                default -> HttpResponse.error(404, "no connection resource '" + rest.get(1) + "'");
            };
        });
    }

    private CompletableFuture<HttpResponse> consumers(HttpRequest request, List<String> rest, VhostAccess access) {
        if (!request.method().equals("GET")) {
            return done(notAllowed(request.method()));
        }
        String vhost = rest.isEmpty() ? null : rest.get(0);
        if (vhost != null) {
            access.requireVhost(vhost);
        }
        if (vhost != null && !admin.vhosts().contains(vhost)) {
            throw Bodies.notFound("vhost '" + vhost + "' not found");
        }
        return admin.connections().thenApply(all -> {
            List<Map<String, Object>> list = new ArrayList<>();
            for (BrokerAdmin.ConnectionInfo c : all) {
                if ((vhost != null && !vhost.equals(c.vhost())) || !access.sees(c.vhost())) {
                    continue;
                }
                for (BrokerAdmin.LinkInfo l : c.links()) {
                    if (!l.role().equals("sender")) {
                        continue;
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("consumer_tag", l.name());
                    m.put("queue", Map.of("name", queueName(l.address()), "vhost", c.vhost()));
                    m.put("channel_details", Map.of("connection_name", c.id(), "number", l.session(), "user",
                            c.user()));
                    m.put("ack_required", true);
                    m.put("active", true);
                    m.put("prefetch_count", l.credit());
                    m.put("name", l.name());
                    list.add(m);
                }
            }
            return HttpResponse.json(200, Paging.apply(list, request.query()));
        });
    }

    private static String queueName(String address) {
        if (address == null) {
            return "";
        }
        return address.startsWith("/queues/") ? HttpRequest.decode(address.substring("/queues/".length())) : address;
    }

    // ---- streams, health ----

    private CompletableFuture<HttpResponse> streamOffsets(HttpRequest request, List<String> rest, VhostAccess access) {
        if (!rest.isEmpty()) {
            access.requireVhost(rest.get(0));
        }
        if (rest.size() == 2 && request.method().equals("GET")) {
            return admin.streamOffsets(rest.get(0), rest.get(1)).thenApply(list -> HttpResponse.json(200,
                    list.stream().map(o -> Map.of("consumer", o.consumer(), "offset", o.offset(), "lag", o.lag()))
                            .toList()));
        }
        if (rest.size() == 3 && request.method().equals("PUT")) {
            access.require(rest.get(0), VhostAccess.Access.READ, "queue", rest.get(1));
            Map<String, Object> body = Bodies.object(request, Set.of("offset"));
            if (!(body.get("offset") instanceof Long offset)) {
                throw Bodies.bad("the body needs 'offset': a non-negative integer");
            }
            return admin.setStreamOffset(rest.get(0), rest.get(1), rest.get(2), offset)
                    .thenApply(done -> HttpResponse.empty(204));
        }
        if (rest.size() == 2 || rest.size() == 3) {
            return done(notAllowed(request.method()));
        }
        return done(HttpResponse.error(404, "a stream offsets path is /api/stream-offsets/vhost/stream[/consumer]"));
    }

    /** {@code GET /api/stream-groups/:vhost/:stream}: a partitioned stream's named consumer groups. */
    private CompletableFuture<HttpResponse> streamGroups(HttpRequest request, List<String> rest, VhostAccess access) {
        if (rest.size() != 2) {
            return done(HttpResponse.error(404, "a stream groups path is /api/stream-groups/vhost/stream"));
        }
        if (!request.method().equals("GET")) {
            return done(notAllowed(request.method()));
        }
        access.requireVhost(rest.get(0));
        return admin.consumerGroups(rest.get(0), rest.get(1)).thenApply(groups -> {
            List<Object> list = new ArrayList<>();
            for (BrokerAdmin.ConsumerGroupInfo g : groups) {
                List<Object> members = new ArrayList<>();
                for (BrokerAdmin.GroupMemberInfo m : g.members()) {
                    members.add(Map.of("connection", m.connection(), "link", m.link(), "partitions",
                            m.partitions()));
                }
                Map<String, Object> shown = new LinkedHashMap<>();
                shown.put("stream", g.stream());
                shown.put("name", g.name());
                shown.put("members", members);
                shown.put("committed_offsets", g.committed());
                list.add(shown);
            }
            return HttpResponse.json(200, list);
        });
    }

    private CompletableFuture<HttpResponse> health(HttpRequest request, List<String> rest) {
        if (rest.size() == 2 && rest.get(0).equals("checks") && rest.get(1).equals("alarms")) {
            if (!request.method().equals("GET")) {
                return done(notAllowed(request.method()));
            }
            List<BrokerAdmin.Alarm> alarms = admin.alarms();
            if (alarms.isEmpty()) {
                return done(HttpResponse.json(200, Map.of("status", "ok")));
            }
            List<Object> list = new ArrayList<>();
            alarms.forEach(a -> list.add(Map.of("resource", a.resource(), "node", admin.nodeName(), "reason",
                    a.reason())));
            return done(HttpResponse.json(503, Map.of("status", "failed", "reason", "resource alarm(s) in effect",
                    "alarms", list)));
        }
        return done(HttpResponse.error(404, "no health check at this path (try /api/health/checks/alarms)"));
    }
}
