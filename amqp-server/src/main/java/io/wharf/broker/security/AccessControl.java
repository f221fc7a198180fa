package io.wharf.broker.security;

import io.wharf.amqp.sasl.SaslAuthenticator;
import io.wharf.plugin.UserAdmin;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Per-vhost permissions as RabbitMQ defines them: three regular expressions per user and vhost, matched against
 * resource names (queue and exchange names).
 * <ul>
 *   <li>configure: declare or delete a queue or exchange (including queues created by attaching to an unknown
 *       name, dynamic queues and topic-subscription queues)</li>
 *   <li>write: publish to an exchange or queue; be the destination of a binding</li>
 *   <li>read: consume from (or purge) a queue; be the source exchange of a binding</li>
 * </ul>
 * A pattern matches when it is found anywhere in the name (RabbitMQ's unanchored match: use {@code ^...$} to
 * anchor); the empty pattern matches nothing. A user with no permission in a vhost cannot open a connection to it.
 * SASL ANONYMOUS logins (only when {@code auth.anonymous} is on) are not restricted.
 *
 * <p>Checks read in-memory maps and a cache of compiled patterns: cheap enough for an event loop and for every
 * message of an anonymous-relay link. Thread-safe.
 */
public final class AccessControl {

    /** What is done to a resource. */
    public enum Access {
        CONFIGURE("configure"), WRITE("write"), READ("read");

        private final String word;

        Access(String word) {
            this.word = word;
        }
    }

    private static final int MAX_CACHED_PATTERNS = 10_000;

    private final StoredUsers users;
    private final Predicate<String> pluginUser;
    private final ConcurrentHashMap<String, Pattern> compiled = new ConcurrentHashMap<>();

    /**
     * @param pluginUser whether a name is a user only a plugin's authentication provider knows: such a user has no
     *                   stored permissions, so only the plugins' authorization providers restrict it
     */
    public AccessControl(StoredUsers users, Predicate<String> pluginUser) {
        this.users = users;
        this.pluginUser = pluginUser;
    }

    /** Whether {@code user} runs unrestricted: the SASL ANONYMOUS login. */
    public static boolean unrestricted(String user) {
        return SaslAuthenticator.ANONYMOUS_USER.equals(user);
    }

    /** Whether {@code user} has any permission in {@code vhost} (else it may not open a connection there). */
    public boolean mayOpen(String user, String vhost) {
        return unrestricted(user) || users.permission(user, vhost) != null || pluginUser.test(user);
    }

    /**
     * Gives {@code user} full permissions ({@code .*}) in {@code vhost}: what the creator of a vhost gets, as in
     * RabbitMQ. Writes the user store: not on an event loop.
     */
    public void grantAll(String user, String vhost) {
        if (!unrestricted(user) && users.user(user).isPresent()) {
            users.setPermission(new UserAdmin.Permission(user, vhost, ".*", ".*", ".*"));
        }
    }

    /** Whether {@code user} carries the administrator tag (or is unrestricted). */
    public boolean administrator(String user) {
        return unrestricted(user)
                || users.user(user).map(u -> u.tags().contains(UserAdmin.ADMINISTRATOR)).orElse(false);
    }

    /**
     * Null when {@code user} may do {@code access} to the resource; else the refusal's description, naming the
     * resource, e.g. {@code write access to queue 'orders' in vhost '/' refused for user 'bob'}.
     *
     * @param kind {@code queue} or {@code exchange}, for the description
     */
    public String refusal(String user, String vhost, Access access, String kind, String name) {
        if (permitted(user, vhost, access, name)) {
            return null;
        }
        return access.word + " access to " + kind + " '" + name + "' in vhost '" + vhost + "' refused for user '"
                + user + "'";
    }

    public boolean permitted(String user, String vhost, Access access, String name) {
        if (unrestricted(user) || pluginUser.test(user)) {
            return true;
        }
        UserAdmin.Permission permission = users.permission(user, vhost);
        if (permission == null) {
            return false;
        }
        String regex = switch (access) {
            case CONFIGURE -> permission.configure();
            case WRITE -> permission.write();
            case READ -> permission.read();
        };
        if (regex == null || regex.isEmpty()) {
            return false;
        }
        return pattern(regex).matcher(name).find();
    }

    private Pattern pattern(String regex) {
        Pattern pattern = compiled.get(regex);
        if (pattern == null) {
            if (compiled.size() >= MAX_CACHED_PATTERNS) {
                compiled.clear();
            }
            pattern = compiled.computeIfAbsent(regex, Pattern::compile);
        }
        return pattern;
    }
}
