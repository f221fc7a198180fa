package io.wharf.plugins.management;

import io.wharf.plugin.UserAdmin;
import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.plugin.http.HttpRequest;
import io.wharf.plugin.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * {@code GET /api/definitions[/:vhost]} exports the topology (vhosts, users and their tags, permissions, queues,
 * exchanges, bindings) in RabbitMQ's definitions format; {@code POST} imports one. The whole document is checked
 * before anything is applied, so a bad document changes nothing. Password hashes are not exported (Wharf's users
 * keep them to themselves); an imported user needs {@code password}, or must exist already.
 */
final class Definitions {

    private static final Set<String> TOP = Set.of("rabbit_version", "rabbitmq_version", "product_name",
            "product_version", "users", "vhosts", "permissions", "topic_permissions", "parameters",
            "global_parameters", "policies", "queues", "exchanges", "bindings");
    private static final Set<String> PREDECLARED = Set.of("", "amq.direct", "amq.fanout", "amq.topic",
            "amq.headers", "amq.match");

    private final BrokerAdmin admin;
    private final UserAdmin users;

    Definitions(BrokerAdmin admin, UserAdmin users) {
        this.admin = admin;
        this.users = users;
    }

    CompletableFuture<HttpResponse> handle(HttpRequest request, List<String> rest, VhostAccess access) {
        String vhost = rest.isEmpty() ? null : rest.get(0);
        if (vhost == null && !access.seesEverything()) {
            throw ApiRoutes.forbidden("the broker's definitions need the administrator or monitoring tag (user '"
                    + request.user().name() + "'); a vhost's are at /api/definitions/vhost");
        }
        if (vhost != null) {
            access.requireVhost(vhost);
        }
        if (vhost != null && !admin.vhosts().contains(vhost)) {
            throw Bodies.notFound("vhost '" + vhost + "' not found");
        }
        return switch (request.method()) {
            case "GET" -> export(vhost).thenApply(d -> HttpResponse.json(200, d));
            case "POST" -> {
                if (!request.user().tags().contains(UserAdmin.ADMINISTRATOR)) {
                    throw ApiRoutes.forbidden("only an administrator may import definitions");
                }
                yield apply(plan(Bodies.object(request, TOP), vhost)).thenApply(done -> HttpResponse.empty(204));
            }
            default -> ApiRoutes.done(ApiRoutes.notAllowed(request.method()));
        };
    }

    private CompletableFuture<Map<String, Object>> export(String vhost) {
        return admin.bindings(vhost).thenApply(bindings -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("product_name", "Wharf");
            d.put("rabbit_version", "4.1.0");
            if (vhost == null) {
                d.put("users", users.users().stream().map(u -> Map.of("name", u.name(), "tags",
                        String.join(",", new java.util.TreeSet<>(u.tags())))).toList());
                d.put("vhosts", admin.vhosts().stream().map(v -> Map.of("name", v)).toList());
                d.put("permissions", users.permissions().stream().map(UserRoutes::permission).toList());
            }
            List<Object> queues = new ArrayList<>();
            for (BrokerAdmin.QueueInfo q : admin.queues(vhost)) {
                if (q.exclusive()) {
                    continue;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", q.name());
                m.put("vhost", q.vhost());
                m.put("type", q.type());
                m.put("durable", q.durable());
                m.put("auto_delete", q.autoDelete());
                m.put("arguments", q.arguments());
                queues.add(m);
            }
            d.put("queues", queues);
            List<Object> exchanges = new ArrayList<>();
            for (BrokerAdmin.ExchangeInfo x : admin.exchanges(vhost)) {
                if (PREDECLARED.contains(x.name())) {
                    continue;
                }
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("name", x.name());
                m.put("vhost", x.vhost());
                m.put("type", x.type());
                m.put("durable", x.durable());
                m.put("auto_delete", x.autoDelete());
                m.put("internal", x.internal());
                m.put("arguments", x.arguments());
                exchanges.add(m);
            }
            d.put("exchanges", exchanges);
            List<Object> list = new ArrayList<>();
            for (BrokerAdmin.BindingInfo b : bindings) {
                Map<String, Object> m = new LinkedHashMap<>(Shapes.binding(b));
                m.remove("properties_key");
                list.add(m);
            }
            d.put("bindings", list);
            return d;
        });
    }

    /** Checks the whole document and returns the changes, in order; nothing is applied yet. */
    private List<Supplier<CompletableFuture<?>>> plan(Map<String, Object> doc, String onlyVhost) {
        List<Supplier<CompletableFuture<?>>> steps = new ArrayList<>();
        Set<String> vhosts = new java.util.HashSet<>(admin.vhosts());
        for (Map<String, Object> v : items(doc, "vhosts")) {
            String name = Bodies.requiredText(v, "name");
            if (vhosts.add(name)) {
                steps.add(() -> admin.createVhost(name));
            }
        }
        for (Map<String, Object> u : items(doc, "users")) {
            String name = Bodies.requiredText(u, "name");
            String password = Bodies.text(u, "password", null);
            Set<String> tags = UserRoutes.tags(u.get("tags"));
            if (password == null) {
                if (users.user(name).isEmpty()) {
                    throw Bodies.bad("user '" + name + "' is new and has no 'password' (password hashes are not "
                            + "imported)");
                }
                continue;
            }
            steps.add(() -> {
                users.putUser(name, password.toCharArray(), tags);
                return CompletableFuture.completedFuture(null);
            });
        }
        for (Map<String, Object> p : items(doc, "permissions")) {
            UserAdmin.Permission permission = new UserAdmin.Permission(Bodies.requiredText(p, "user"),
                    vhost(p, vhosts, onlyVhost), Bodies.requiredText(p, "configure"), Bodies.requiredText(p, "write"),
                    Bodies.requiredText(p, "read"));
            steps.add(() -> {
                users.setPermission(permission);
                return CompletableFuture.completedFuture(null);
            });
        }
        for (Map<String, Object> x : items(doc, "exchanges")) {
            BrokerAdmin.ExchangeSpec spec = new BrokerAdmin.ExchangeSpec(vhost(x, vhosts, onlyVhost),
                    Bodies.requiredText(x, "name"), Bodies.requiredText(x, "type"), Bodies.bool(x, "durable", true),
                    Bodies.bool(x, "auto_delete", false), Bodies.bool(x, "internal", false),
                    Bodies.map(x, "arguments"));
            steps.add(() -> admin.declareExchange(spec));
        }
        for (Map<String, Object> q : items(doc, "queues")) {
            Map<String, Object> arguments = Bodies.map(q, "arguments");
            String type = Bodies.text(q, "type", null);
            BrokerAdmin.QueueSpec spec = new BrokerAdmin.QueueSpec(vhost(q, vhosts, onlyVhost),
                    Bodies.requiredText(q, "name"), type, Bodies.bool(q, "durable", true), false,
                    Bodies.bool(q, "auto_delete", false), arguments);
            steps.add(() -> admin.declareQueue(spec));
        }
        for (Map<String, Object> b : items(doc, "bindings")) {
            String type = Bodies.requiredText(b, "destination_type");
            if (!type.equals("queue") && !type.equals("exchange")) {
                throw Bodies.bad("a binding's destination_type must be queue or exchange, not '" + type + "'");
            }
            BrokerAdmin.BindingInfo binding = new BrokerAdmin.BindingInfo(vhost(b, vhosts, onlyVhost),
                    Bodies.requiredText(b, "source"), Bodies.requiredText(b, "destination"), type,
                    Bodies.text(b, "routing_key", ""), Bodies.map(b, "arguments"));
            steps.add(() -> admin.bind(binding));
        }
        return steps;
    }

    private static String vhost(Map<String, Object> item, Set<String> known, String onlyVhost) {
        if (onlyVhost != null) {
            return onlyVhost;
        }
        String v = Bodies.text(item, "vhost", "/");
        if (!known.contains(v)) {
            throw Bodies.bad("vhost '" + v + "' is neither defined nor in the document's 'vhosts'");
        }
        return v;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> doc, String name) {
        Object v = doc.get(name);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw Bodies.bad("'" + name + "' must be a JSON array");
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> m)) {
                throw Bodies.bad("every entry of '" + name + "' must be a JSON object");
            }
            out.add((Map<String, Object>) m);
        }
        return out;
    }

    private static CompletableFuture<Void> apply(List<Supplier<CompletableFuture<?>>> steps) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (Supplier<CompletableFuture<?>> step : steps) {
            chain = chain.thenCompose(done -> step.get().thenApply(x -> null));
        }
        return chain;
    }
}
