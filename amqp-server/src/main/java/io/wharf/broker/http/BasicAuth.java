package io.wharf.broker.http;

import io.wharf.plugin.UserAdmin;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * HTTP basic auth against the broker's users. The password check is a slow PBKDF2 hash, so it runs on the HTTP
 * worker pool, and a successful check is remembered for {@link #CACHE_MS} (keyed by the exact header and whether
 * the peer is on loopback) so that a console polling every few seconds costs one hash per minute.
 * {@link #invalidate()} forgets everything at once; it is called when users or passwords change.
 */
final class BasicAuth {

    static final long CACHE_MS = 60_000;
    private static final int MAX_CACHED = 1024;

    private record Cached(UserAdmin.User user, long expiresAtNanos) {
    }

    private final UserAdmin users;
    private final Executor workers;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    BasicAuth(UserAdmin users, Executor workers) {
        this.users = users;
        this.workers = workers;
    }

    /** Completes with the user, or empty for missing, malformed or wrong credentials. */
    CompletableFuture<Optional<UserAdmin.User>> authenticate(String header, InetAddress remote) {
        if (header == null || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        boolean loopback = remote != null && remote.isLoopbackAddress();
        String key = (loopback ? "L" : "R") + header.substring(6).trim();
        Cached cached = cache.get(key);
        if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
            return CompletableFuture.completedFuture(Optional.of(cached.user()));
        }
        return CompletableFuture.supplyAsync(() -> {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return Optional.<UserAdmin.User>empty();
            }
            int colon = decoded.indexOf(':');
            if (colon <= 0) {
                return Optional.<UserAdmin.User>empty();
            }
            char[] password = decoded.substring(colon + 1).toCharArray();
            try {
                Optional<UserAdmin.User> user = users.authenticate(decoded.substring(0, colon), password, remote);
                if (user.isPresent()) {
                    if (cache.size() >= MAX_CACHED) {
                        cache.clear();
                    }
                    cache.put(key, new Cached(user.get(), System.nanoTime() + CACHE_MS * 1_000_000));
                }
                return user;
            } finally {
                Arrays.fill(password, '\0');
            }
        }, workers);
    }

    void invalidate() {
        cache.clear();
    }
}
