package io.wharf.broker.security;

import io.wharf.amqp.sasl.PasswordHash;
import io.wharf.broker.config.AuthConfig;
import io.wharf.broker.config.UserConfig;
import io.wharf.plugin.UserAdmin;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Users held in memory, seeded from {@code auth.users}: configured users are administrators with {@code .*} on
 * {@code /}. A test fixture (the broker keeps its users in the metadata store, see {@code StoredUsers}).
 */
public final class ConfiguredUsers implements UserAdmin {

    private record Entry(User user, String passwordHash) {
    }

    private final Map<String, Entry> users = new LinkedHashMap<>();
    private final Map<String, Permission> permissions = new LinkedHashMap<>();

    public ConfiguredUsers(AuthConfig auth) {
        for (UserConfig user : auth.users()) {
            users.put(user.name(), new Entry(new User(user.name(), Set.of(ADMINISTRATOR), user.loopbackOnly()),
                    user.passwordHash()));
            permissions.put(key(user.name(), "/"), new Permission(user.name(), "/", ".*", ".*", ".*"));
        }
    }

    @Override
    public Optional<User> authenticate(String name, char[] password, InetAddress remote) {
        Entry entry;
        synchronized (this) {
            entry = users.get(name);
        }
        if (entry == null || (entry.user().loopbackOnly() && (remote == null || !remote.isLoopbackAddress()))) {
            return Optional.empty();
        }
        return PasswordHash.verify(password, entry.passwordHash()) ? Optional.of(entry.user()) : Optional.empty();
    }

    @Override
    public synchronized List<User> users() {
        List<User> list = new ArrayList<>();
        users.values().forEach(e -> list.add(e.user()));
        return list;
    }

    @Override
    public synchronized Optional<User> user(String name) {
        Entry entry = users.get(name);
        return entry == null ? Optional.empty() : Optional.of(entry.user());
    }

    @Override
    public void putUser(String name, char[] password, Set<String> tags) {
        String hash = PasswordHash.hash(password);
        synchronized (this) {
            Entry old = users.get(name);
            users.put(name, new Entry(new User(name, tags, old != null && old.user().loopbackOnly()), hash));
        }
    }

    @Override
    public synchronized boolean setTags(String name, Set<String> tags) {
        Entry old = users.get(name);
        if (old == null) {
            return false;
        }
        users.put(name, new Entry(new User(name, tags, old.user().loopbackOnly()), old.passwordHash()));
        return true;
    }

    @Override
    public synchronized boolean deleteUser(String name) {
        permissions.values().removeIf(p -> p.user().equals(name));
        return users.remove(name) != null;
    }

    @Override
    public synchronized List<Permission> permissions() {
        return List.copyOf(permissions.values());
    }

    @Override
    public synchronized void setPermission(Permission permission) {
        permissions.put(key(permission.user(), permission.vhost()), permission);
    }

    @Override
    public synchronized boolean clearPermission(String user, String vhost) {
        return permissions.remove(key(user, vhost)) != null;
    }

    private static String key(String user, String vhost) {
        return user + '\u0000' + vhost;
    }
}
