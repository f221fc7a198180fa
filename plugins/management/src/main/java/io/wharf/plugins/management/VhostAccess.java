package io.wharf.plugins.management;

import io.wharf.plugin.UserAdmin;
import io.wharf.plugin.admin.AdminException;
import io.wharf.plugin.admin.AdminException.Reason;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * What one HTTP API user may see and change, by RabbitMQ's rules for the management API:
 * <ul>
 *   <li>{@code administrator}: everything;</li>
 *   <li>{@code monitoring}: sees every vhost, connection and queue (and changes nothing: {@link ApiRoutes});</li>
 *   <li>otherwise ({@code management}, {@code policymaker}): sees only the vhosts it has a permission in and only its
 *       own connections, and each change needs the permission the same change over AMQP needs: declare or delete
 *       a queue or exchange configure on it, publish write on the exchange (on the queue for the default exchange,
 *       as AMQP checks it), get, purge or cancel a scheduled message read on the queue, a binding write on its
 *       destination and read on its source exchange, storing a stream offset read on the stream.</li>
 * </ul>
 * Permissions are the stored ones ({@link UserAdmin#permissions()}): regular expressions found anywhere in the name
 * (unanchored, as RabbitMQ), the empty pattern matching nothing. One instance per request: a permission changed
 * takes effect on the next request.
 */
final class VhostAccess {

    enum Access { CONFIGURE, WRITE, READ }

    private static final VhostAccess EVERYTHING = new VhostAccess(null, Map.of(), true, true);

    private final String user;
    private final Map<String, UserAdmin.Permission> permissions;
    private final boolean seesEverything;
    private final boolean changesEverything;

    private VhostAccess(String user, Map<String, UserAdmin.Permission> permissions, boolean seesEverything,
            boolean changesEverything) {
        this.user = user;
        this.permissions = permissions;
        this.seesEverything = seesEverything;
        this.changesEverything = changesEverything;
    }

    static VhostAccess of(UserAdmin users, UserAdmin.User user) {
        Set<String> tags = user.tags();
        if (tags.contains(UserAdmin.ADMINISTRATOR)) {
            return EVERYTHING;
        }
        Map<String, UserAdmin.Permission> mine = new HashMap<>();
        for (UserAdmin.Permission p : users.permissions()) {
            if (p.user().equals(user.name())) {
                mine.put(p.vhost(), p);
            }
        }
        return new VhostAccess(user.name(), mine, tags.contains("monitoring"), false);
    }

    /** Whether every vhost and connection is visible (administrator, monitoring). */
    boolean seesEverything() {
        return seesEverything;
    }

    boolean sees(String vhost) {
        return seesEverything || permissions.containsKey(vhost);
    }

    /** Whether the user may see a connection of {@code owner}: its own, or any for administrator and monitoring. */
    boolean sees(String vhost, String owner) {
        return seesEverything || (user.equals(owner) && permissions.containsKey(vhost));
    }

    /** A 403 unless the vhost is visible. */
    void requireVhost(String vhost) {
        if (!sees(vhost)) {
            throw new AdminException(Reason.FORBIDDEN, "user '" + user + "' has no permissions in vhost '" + vhost
                    + "'");
        }
    }

    /** A 403 naming the resource unless the user may do {@code access} to it. */
    void require(String vhost, Access access, String kind, String name) {
        if (changesEverything) {
            return;
        }
        UserAdmin.Permission p = permissions.get(vhost);
        String regex = p == null ? null : switch (access) {
            case CONFIGURE -> p.configure();
            case WRITE -> p.write();
            case READ -> p.read();
        };
        if (!matches(regex, name)) {
            throw new AdminException(Reason.FORBIDDEN, access.name().toLowerCase(java.util.Locale.ROOT)
                    + " access to " + kind + " '" + name + "' in vhost '" + vhost + "' refused for user '" + user
                    + "'");
        }
    }

    private static boolean matches(String regex, String name) {
        if (regex == null || regex.isEmpty()) {
            return false;
        }
        try {
            return Pattern.compile(regex).matcher(name).find();
        } catch (PatternSyntaxException e) {
            return false;
        }
    }
}
