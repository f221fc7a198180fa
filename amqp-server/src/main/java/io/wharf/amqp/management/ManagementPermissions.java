package io.wharf.amqp.management;

import io.wharf.broker.security.AccessControl;
import io.wharf.broker.security.AccessControl.Access;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The permissions a request on the management link pair needs (RabbitMQ's rules): declaring or deleting a queue
 * or exchange needs configure on it; purging a queue needs read on it; a binding (made or removed) needs write on
 * its destination and read on its source exchange; creating or deleting a vhost needs the administrator tag.
 * Reads (GET) need only a permission in the vhost, which the connection has. A refusal is answered 403 with
 * the description. Malformed requests pass here and get their 400 from the API.
 */
public final class ManagementPermissions {

    private ManagementPermissions() {
    }

    /** Null when the request may go on; else the refusal's description. */
    public static String check(AccessControl access, String user, String vhost, ManagementRequest request) {
        String target = request.target();
        String method = request.method();
        if (AccessControl.unrestricted(user) || target == null || method == null || !target.startsWith("/")
                || method.equals("GET")) {
            return null;
        }
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        List<String> segments = new ArrayList<>();
        for (String s : path.substring(1).split("/", -1)) {
            try {
                segments.add(BindingLocation.decode(s));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        int n = segments.size();
        switch (segments.get(0)) {
            case "queues" -> {
                if (n == 2) {
                    return access.refusal(user, vhost, Access.CONFIGURE, "queue", segments.get(1));
                }
                if (n >= 3) {
                    return access.refusal(user, vhost, Access.READ, "queue", segments.get(1));
                }
            }
            case "exchanges" -> {
                if (n == 2) {
                    return access.refusal(user, vhost, Access.CONFIGURE, "exchange", segments.get(1));
                }
            }
            case "bindings" -> {
                if (n == 1 && request.body() instanceof Map<?, ?> body) {
                    Object queue = body.get("destination_queue");
                    Object exchange = body.get("destination_exchange");
                    return binding(access, user, vhost, body.get("source"), queue != null ? queue : exchange,
                            queue != null ? "queue" : "exchange");
                }
                if (n == 2) {
                    try {
                        BindingLocation.Parsed parsed = BindingLocation.parse(path.substring("/bindings/".length()));
                        return binding(access, user, vhost, parsed.source(), parsed.destination(),
                                parsed.kind().name().toLowerCase(java.util.Locale.ROOT));
                    } catch (RuntimeException malformed) {
                        return null;
                    }
                }
            }
            case "vhosts" -> {
                if (!access.administrator(user)) {
                    return "user '" + user + "' is not an administrator: only administrators create or delete "
                            + "vhosts";
                }
            }
            default -> {
            }
        }
        return null;
    }

    /**
     * After a request succeeded: the creator of a vhost ({@code PUT /vhosts/:name} answered 201) gets full
     * permissions in it, as in RabbitMQ. Runs where the response completed (off the event loop for vhosts).
     */
    public static void created(AccessControl access, String user, ManagementRequest request,
            ManagementResponse response) {
        String target = request.target();
        if (response.status() == 201 && "PUT".equals(request.method()) && target != null
                && target.startsWith("/vhosts/") && target.indexOf('/', "/vhosts/".length()) < 0) {
            try {
                access.grantAll(user, BindingLocation.decode(target.substring("/vhosts/".length())));
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ManagementPermissions.class)
                        .warn("Permissions of user '{}' in the vhost it created were not stored", user, e);
            }
        }
    }

    private static String binding(AccessControl access, String user, String vhost, Object source,
            Object destination, String destinationKind) {
        if (!(source instanceof String from) || !(destination instanceof String to)) {
            return null;
        }
        String refused = access.refusal(user, vhost, Access.WRITE, destinationKind, to);
        return refused != null ? refused : access.refusal(user, vhost, Access.READ, "exchange", from);
    }
}
