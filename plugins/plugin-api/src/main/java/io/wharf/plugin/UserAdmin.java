package io.wharf.plugin;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The broker's users and their per-vhost permissions, as the management API and tools see them.
 *
 * <p>Password checks are deliberately slow (a salted PBKDF2 hash); never call {@link #authenticate} on a
 * network event loop. Every method is thread-safe.
 */
public interface UserAdmin {

    /** The tag that makes a user an administrator. Others: {@code management}, {@code monitoring}. */
    String ADMINISTRATOR = "administrator";

    /**
     * One user.
     *
     * @param name         the login name
     * @param tags         roles as RabbitMQ names them: administrator, management, monitoring (empty: none)
     * @param loopbackOnly may log in only from a loopback address (the shipped {@code guest} user)
     */
    record User(String name, Set<String> tags, boolean loopbackOnly) {
        public User {
            tags = Set.copyOf(tags);
        }
    }

    /**
     * One user's permissions in one vhost: regular expressions over resource names, as RabbitMQ defines them.
     */
    record Permission(String user, String vhost, String configure, String write, String read) {
    }

    /**
     * Checks a login.
     *
     * @param remote the peer's address, or null when unknown (then loopback-only users are refused)
     * @return the user, or empty when the name is unknown, the password wrong or the address not allowed
     */
    Optional<User> authenticate(String name, char[] password, InetAddress remote);

    List<User> users();

    Optional<User> user(String name);

    /** Creates the user or replaces its password and tags. */
    void putUser(String name, char[] password, Set<String> tags);

    /**
     * Replaces a user's tags, keeping its password.
     *
     * @return false when there is no such user
     */
    boolean setTags(String name, Set<String> tags);

    /** @return false when there was no such user */
    boolean deleteUser(String name);

    List<Permission> permissions();

    /** Sets (creates or replaces) the permission of {@code permission.user()} in {@code permission.vhost()}. */
    void setPermission(Permission permission);

    /** @return false when the user had no permission in that vhost */
    boolean clearPermission(String user, String vhost);
}
