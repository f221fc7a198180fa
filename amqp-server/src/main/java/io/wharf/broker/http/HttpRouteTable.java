package io.wharf.broker.http;

import io.wharf.plugin.http.HttpHandler;
import io.wharf.plugin.http.HttpRoutes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The routes plugins added, by path prefix; the longest prefix matching whole segments wins. Changed at plugin start
 * and stop, read for every request: copy on write.
 */
public final class HttpRouteTable {

    /** One route and the plugin that added it. */
    record Route(String prefix, HttpRoutes.Access access, HttpHandler handler, Object owner) {
        boolean matches(String path) {
            if (prefix.equals("/")) {
                return true;
            }
            return path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
        }
    }

    private volatile List<Route> routes = List.of();

    /** The routes as one plugin sees them: what it adds is removed by {@link #removeAll(Object)} with its owner. */
    public HttpRoutes forOwner(Object owner, String ownerName) {
        return (prefix, access, handler) -> add(new Route(normalized(prefix), Objects.requireNonNull(access),
                Objects.requireNonNull(handler), owner), ownerName);
    }

    private static String normalized(String prefix) {
        if (prefix == null || !prefix.startsWith("/")) {
            throw new IllegalArgumentException("a route prefix starts with '/': " + prefix);
        }
        return prefix.length() > 1 && prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }

    private synchronized void add(Route route, String ownerName) {
        for (Route r : routes) {
            if (r.prefix().equals(route.prefix())) {
                throw new IllegalStateException("HTTP route '" + route.prefix() + "' is taken; plugin '" + ownerName
                        + "' cannot add it");
            }
        }
        List<Route> copy = new ArrayList<>(routes);
        copy.add(route);
        routes = List.copyOf(copy);
    }

    public synchronized void removeAll(Object owner) {
        List<Route> copy = new ArrayList<>(routes);
        copy.removeIf(r -> r.owner() == owner);
        routes = List.copyOf(copy);
    }

    public boolean isEmpty() {
        return routes.isEmpty();
    }

    /** The route for a path, or null. */
    Route find(String path) {
        Route best = null;
        for (Route r : routes) {
            if (r.matches(path) && (best == null || r.prefix().length() > best.prefix().length())) {
                best = r;
            }
        }
        return best;
    }
}
