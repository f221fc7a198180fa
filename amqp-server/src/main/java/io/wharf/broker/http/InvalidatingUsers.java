package io.wharf.broker.http;

import io.wharf.plugin.UserAdmin;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The broker's users, calling back after every change so that cached logins do not outlive a password or a user. */
final class InvalidatingUsers implements UserAdmin {

    private final UserAdmin users;
    private final Runnable changed;

    InvalidatingUsers(UserAdmin users, Runnable changed) {
        this.users = users;
        this.changed = changed;
    }

    @Override
    public Optional<User> authenticate(String name, char[] password, InetAddress remote) {
        return users.authenticate(name, password, remote);
    }

    @Override
    public List<User> users() {
        return users.users();
    }

    @Override
    public Optional<User> user(String name) {
        return users.user(name);
    }

    @Override
    public void putUser(String name, char[] password, Set<String> tags) {
        users.putUser(name, password, tags);
        changed.run();
    }

    @Override
    public boolean setTags(String name, Set<String> tags) {
        boolean found = users.setTags(name, tags);
        changed.run();
        return found;
    }

    @Override
    public boolean deleteUser(String name) {
        boolean deleted = users.deleteUser(name);
        changed.run();
        return deleted;
    }

    @Override
    public List<Permission> permissions() {
        return users.permissions();
    }

    @Override
    public void setPermission(Permission permission) {
        users.setPermission(permission);
    }

    @Override
    public boolean clearPermission(String user, String vhost) {
        return users.clearPermission(user, vhost);
    }
}
