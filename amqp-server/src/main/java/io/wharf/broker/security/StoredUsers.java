package io.wharf.broker.security;

import io.wharf.amqp.sasl.PasswordHash;
import io.wharf.amqp.sasl.SaslAuthenticator;
import io.wharf.broker.config.AuthConfig;
import io.wharf.broker.config.UserConfig;
import io.wharf.plugin.UserAdmin;
import io.wharf.store.meta.UserStore;
import io.wharf.store.meta.UserStore.StoredPermission;
import io.wharf.store.meta.UserStore.StoredUser;
import java.net.InetAddress;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users and permissions kept in the metadata database ({@link UserStore}) and mirrored in memory, so logins and
 * permission checks read maps and never the database. Writes go to the database first, then to the maps.
 *
 * <p>Seeding: the users of {@code auth.users} in wharf.yaml are copied in on the <em>first</em> start of a data
 * directory only (administrator tag, {@code .*} permissions on {@code /} and every vhost of {@code vhosts} in
 * wharf.yaml), as RabbitMQ seeds its default
 * user on first boot. Later edits of {@code auth.users} do not touch the stored users: users deleted or changed
 * through management stay so across restarts. To reseed, start with an empty data directory.
 */
public final class StoredUsers implements UserAdmin {

    private static final Logger LOG = LoggerFactory.getLogger(StoredUsers.class);
    /** Tags are free-form as in RabbitMQ (administrator, management, monitoring, policymaker, ...): one word. */
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    private record Entry(User user, String passwordHash) {
    }

    private final UserStore store;
    private final ConcurrentHashMap<String, Entry> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Permission> permissions = new ConcurrentHashMap<>();
    private final List<Consumer<String>> deletionListeners = new CopyOnWriteArrayList<>();

    private StoredUsers(UserStore store) {
        this.store = store;
    }

    /** Loads the stored users, seeding them from {@code auth.users} when this data directory never was. */
    public static StoredUsers open(UserStore store, AuthConfig auth, List<String> vhosts) throws SQLException {
        boolean seeded = store.seedOnce(s -> {
            for (UserConfig user : auth.users()) {
                s.putUser(new StoredUser(user.name(), user.passwordHash(), Set.of(ADMINISTRATOR),
                        user.loopbackOnly()));
                for (String vhost : vhosts) {
                    s.putPermission(new StoredPermission(user.name(), vhost, ".*", ".*", ".*"));
                }
            }
        });
        if (seeded) {
            LOG.info("Users seeded from auth.users: {}", auth.users().stream().map(UserConfig::name).toList());
        } else if (!auth.users().isEmpty()) {
            LOG.debug("auth.users is applied on the first start of a data directory only; the stored users rule");
        }
        StoredUsers loaded = new StoredUsers(store);
        for (StoredUser u : store.users()) {
            loaded.users.put(u.name(), new Entry(new User(u.name(), u.tags(), u.loopbackOnly()), u.passwordHash()));
        }
        for (StoredPermission p : store.permissions()) {
            loaded.permissions.put(key(p.user(), p.vhost()),
                    new Permission(p.user(), p.vhost(), p.configure(), p.write(), p.read()));
        }
        return loaded;
    }

    @Override
    public Optional<User> authenticate(String name, char[] password, InetAddress remote) {
        Entry entry = name == null ? null : users.get(name);
        if (entry == null || (entry.user().loopbackOnly() && (remote == null || !remote.isLoopbackAddress()))) {
            return Optional.empty();
        }
        return PasswordHash.verify(password, entry.passwordHash()) ? Optional.of(entry.user()) : Optional.empty();
    }

    @Override
    public List<User> users() {
        List<User> list = new ArrayList<>();
        users.values().forEach(e -> list.add(e.user()));
        list.sort(Comparator.comparing(User::name));
        return list;
    }

    @Override
    public Optional<User> user(String name) {
        Entry entry = name == null ? null : users.get(name);
        return entry == null ? Optional.empty() : Optional.of(entry.user());
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException for an empty name, the reserved name {@code anonymous} (what SASL ANONYMOUS
     *                                  logins run as) or a tag that is not one word
     */
    @Override
    public synchronized void putUser(String name, char[] password, Set<String> tags) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("a user needs a name");
        }
        if (SaslAuthenticator.ANONYMOUS_USER.equals(name)) {
            throw new IllegalArgumentException("'" + name + "' is reserved for SASL ANONYMOUS logins");
        }
        for (String tag : tags) {
            if (tag == null || !TAG.matcher(tag).matches()) {
                throw new IllegalArgumentException("tag '" + tag + "' is not one word (letters, digits, _ . -)");
            }
        }
        Entry old = users.get(name);
        String hash = password == null ? (old == null ? null : old.passwordHash()) : PasswordHash.hash(password);
        User user = new User(name, tags, old != null && old.user().loopbackOnly());
        write(() -> store.putUser(new StoredUser(name, hash, user.tags(), user.loopbackOnly())));
        users.put(name, new Entry(user, hash));
    }

    @Override
    public synchronized boolean setTags(String name, Set<String> tags) {
        Entry old = users.get(name);
        if (old == null) {
            return false;
        }
        putUser(name, null, tags);
        return true;
    }

    /** Calls {@code listener} with the name of each user deleted, after the deletion (to close its connections). */
    public void onDeleted(Consumer<String> listener) {
        deletionListeners.add(listener);
    }

    @Override
    public synchronized boolean deleteUser(String name) {
        boolean[] deleted = {false};
        write(() -> deleted[0] = store.deleteUser(name));
        permissions.values().removeIf(p -> p.user().equals(name));
        boolean existed = users.remove(name) != null || deleted[0];
        if (existed) {
            deletionListeners.forEach(listener -> listener.accept(name));
        }
        return existed;
    }

    @Override
    public List<Permission> permissions() {
        List<Permission> list = new ArrayList<>(permissions.values());
        list.sort(Comparator.comparing(Permission::user).thenComparing(Permission::vhost));
        return list;
    }

    /** The permission of {@code user} in {@code vhost}, or null. A map lookup: fine on an event loop. */
    public Permission permission(String user, String vhost) {
        return permissions.get(key(user, vhost));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException when the user does not exist or a pattern is not a regular expression
     */
    @Override
    public synchronized void setPermission(Permission permission) {
        if (!users.containsKey(permission.user())) {
            throw new IllegalArgumentException("no user '" + permission.user() + "'");
        }
        checkPattern("configure", permission.configure());
        checkPattern("write", permission.write());
        checkPattern("read", permission.read());
        write(() -> store.putPermission(new StoredPermission(permission.user(), permission.vhost(),
                permission.configure(), permission.write(), permission.read())));
        permissions.put(key(permission.user(), permission.vhost()), permission);
    }

    @Override
    public synchronized boolean clearPermission(String user, String vhost) {
        write(() -> store.deletePermission(user, vhost));
        return permissions.remove(key(user, vhost)) != null;
    }

    private static void checkPattern(String which, String regex) {
        if (regex == null) {
            throw new IllegalArgumentException("the " + which + " pattern is missing");
        }
        try {
            Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("the " + which + " pattern '" + regex
                    + "' is not a regular expression: " + e.getDescription());
        }
    }

    private interface Write {
        void run() throws SQLException;
    }

    private static void write(Write write) {
        try {
            write.run();
        } catch (SQLException e) {
            throw new IllegalStateException("the user store could not be written: " + e.getMessage(), e);
        }
    }

    private static String key(String user, String vhost) {
        return user + '\u0000' + vhost;
    }
}
