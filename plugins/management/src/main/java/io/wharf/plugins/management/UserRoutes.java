package io.wharf.plugins.management;

import io.wharf.plugin.UserAdmin;
import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.plugin.http.HttpRequest;
import io.wharf.plugin.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code /api/users[/:name[/permissions]]} and {@code /api/permissions[/:vhost/:user]} in RabbitMQ's shapes, over
 * {@link UserAdmin}. Reading users and permissions and every change need the administrator tag.
 */
final class UserRoutes {

    private final UserAdmin users;
    private final BrokerAdmin admin;

    UserRoutes(UserAdmin users, BrokerAdmin admin) {
        this.users = users;
        this.admin = admin;
    }

    CompletableFuture<HttpResponse> handle(HttpRequest request, String resource, List<String> rest) {
        if (!request.user().tags().contains(UserAdmin.ADMINISTRATOR)) {
            throw ApiRoutes.forbidden("only an administrator may see or change users and permissions (user '"
                    + request.user().name() + "')");
        }
        return ApiRoutes.done(resource.equals("users") ? users(request, rest) : permissions(request, rest));
    }

    private HttpResponse users(HttpRequest request, List<String> rest) {
        String method = request.method();
        if (rest.isEmpty()) {
            if (!method.equals("GET")) {
                return ApiRoutes.notAllowed(method);
            }
            List<Map<String, Object>> list = new ArrayList<>();
            users.users().forEach(u -> list.add(user(u)));
            return HttpResponse.json(200, Paging.apply(list, request.query()));
        }
        String name = rest.get(0);
        if (rest.size() == 2 && rest.get(1).equals("permissions") && method.equals("GET")) {
            existing(name);
            return HttpResponse.json(200, users.permissions().stream().filter(p -> p.user().equals(name))
                    .map(UserRoutes::permission).toList());
        }
        if (rest.size() != 1) {
            return HttpResponse.error(404, "no such user resource");
        }
        return switch (method) {
            case "GET" -> HttpResponse.json(200, user(existing(name)));
            case "PUT" -> {
                Map<String, Object> body = Bodies.object(request, Set.of("password", "password_hash", "tags",
                        "hashing_algorithm"));
                if (body.containsKey("password_hash") && !body.containsKey("password")) {
                    throw Bodies.bad("Wharf takes 'password' (it hashes it itself), not 'password_hash'");
                }
                String password = Bodies.text(body, "password", null);
                boolean exists = users.user(name).isPresent();
                if (password == null && exists && body.containsKey("tags")) {
                    // Tags only (rabbitmqctl set_user_tags): the password stays.
                    users.setTags(name, tags(body.get("tags")));
                    yield HttpResponse.empty(204);
                }
                if (password == null || password.isEmpty()) {
                    throw Bodies.bad("the body needs a non-empty 'password' (or, for an existing user, only 'tags')");
                }
                if (name.isEmpty() || name.contains(":")) {
                    throw Bodies.bad("'" + name + "' is not a user name (non-empty, no ':')");
                }
                users.putUser(name, password.toCharArray(), tags(body.get("tags")));
                yield HttpResponse.empty(exists ? 204 : 201);
            }
            case "DELETE" -> {
                if (name.equals(request.user().name())) {
                    throw Bodies.bad("a user cannot delete itself (user '" + name + "')");
                }
                if (!users.deleteUser(name)) {
                    throw Bodies.notFound("user '" + name + "' not found");
                }
                yield HttpResponse.empty(204);
            }
            default -> ApiRoutes.notAllowed(method);
        };
    }

    static Set<String> tags(Object value) {
        Set<String> tags = new LinkedHashSet<>();
        if (value == null) {
            return tags;
        }
        if (value instanceof String s) {
            for (String t : s.split(",")) {
                if (!t.isBlank()) {
                    tags.add(t.trim());
                }
            }
            return tags;
        }
        if (value instanceof List<?> list) {
            for (Object t : list) {
                if (!(t instanceof String s)) {
                    throw Bodies.bad("'tags' must be a comma-separated string or a list of strings");
                }
                tags.add(s.trim());
            }
            return tags;
        }
        throw Bodies.bad("'tags' must be a comma-separated string or a list of strings");
    }

    private UserAdmin.User existing(String name) {
        return users.user(name).orElseThrow(() -> Bodies.notFound("user '" + name + "' not found"));
    }

    static Map<String, Object> user(UserAdmin.User u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", u.name());
        m.put("tags", new ArrayList<>(new java.util.TreeSet<>(u.tags())));
        m.put("loopback_only", u.loopbackOnly());
        return m;
    }

    static Map<String, Object> permission(UserAdmin.Permission p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("user", p.user());
        m.put("vhost", p.vhost());
        m.put("configure", p.configure());
        m.put("write", p.write());
        m.put("read", p.read());
        return m;
    }

    private HttpResponse permissions(HttpRequest request, List<String> rest) {
        String method = request.method();
        if (rest.isEmpty()) {
            return method.equals("GET") ? HttpResponse.json(200, users.permissions().stream()
                    .map(UserRoutes::permission).toList()) : ApiRoutes.notAllowed(method);
        }
        if (rest.size() != 2) {
            return HttpResponse.error(404, "a permission path is /api/permissions/vhost/user");
        }
        String vhost = rest.get(0);
        String user = rest.get(1);
        if (!admin.vhosts().contains(vhost)) {
            throw Bodies.notFound("vhost '" + vhost + "' not found");
        }
        existing(user);
        return switch (method) {
            case "GET" -> HttpResponse.json(200, users.permissions().stream()
                    .filter(p -> p.user().equals(user) && p.vhost().equals(vhost)).findFirst()
                    .map(UserRoutes::permission)
                    .orElseThrow(() -> Bodies.notFound("user '" + user + "' has no permission in vhost '" + vhost
                            + "'")));
            case "PUT" -> {
                Map<String, Object> body = Bodies.object(request, Set.of("configure", "write", "read"));
                String configure = regex(body, "configure");
                String write = regex(body, "write");
                String read = regex(body, "read");
                boolean existed = users.permissions().stream()
                        .anyMatch(p -> p.user().equals(user) && p.vhost().equals(vhost));
                users.setPermission(new UserAdmin.Permission(user, vhost, configure, write, read));
                yield HttpResponse.empty(existed ? 204 : 201);
            }
            case "DELETE" -> {
                if (!users.clearPermission(user, vhost)) {
                    throw Bodies.notFound("user '" + user + "' has no permission in vhost '" + vhost + "'");
                }
                yield HttpResponse.empty(204);
            }
            default -> ApiRoutes.notAllowed(method);
        };
    }

    private static String regex(Map<String, Object> body, String name) {
        String value = Bodies.requiredText(body, name);
        try {
            Pattern.compile(value);
        } catch (PatternSyntaxException e) {
            throw Bodies.bad("'" + name + "' is not a valid regular expression: " + e.getDescription());
        }
        return value;
    }

    /** {@code /api/vhosts/:v/permissions}. */
    CompletableFuture<HttpResponse> vhostPermissions(HttpRequest request, String vhost) {
        if (!request.method().equals("GET")) {
            return ApiRoutes.done(ApiRoutes.notAllowed(request.method()));
        }
        if (!admin.vhosts().contains(vhost)) {
            throw Bodies.notFound("vhost '" + vhost + "' not found");
        }
        return ApiRoutes.done(HttpResponse.json(200, users.permissions().stream()
                .filter(p -> p.vhost().equals(vhost)).map(UserRoutes::permission).toList()));
    }
}
