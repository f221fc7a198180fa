package io.wharf.broker.security;

import io.wharf.plugin.UserAdmin;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** A {@link UserAdmin} that passes every call to another: decorators override only what they change. */
public abstract class ForwardingUserAdmin implements UserAdmin {

    protected final UserAdmin users;

    protected ForwardingUserAdmin(UserAdmin users) {
        this.users = users;
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
    }

    @Override
    public boolean setTags(String name, Set<String> tags) {
        return users.setTags(name, tags);
    }

    @Override
    public boolean deleteUser(String name) {
        return users.deleteUser(name);
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
