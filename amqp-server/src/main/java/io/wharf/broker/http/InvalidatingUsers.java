package io.wharf.broker.http;

import io.wharf.broker.security.ForwardingUserAdmin;
import io.wharf.plugin.UserAdmin;
import java.util.Set;

/** The broker's users, calling back after every change so that cached logins do not outlive a password or a user. */
final class InvalidatingUsers extends ForwardingUserAdmin {

    private final Runnable changed;

    InvalidatingUsers(UserAdmin users, Runnable changed) {
        super(users);
        this.changed = changed;
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
}
