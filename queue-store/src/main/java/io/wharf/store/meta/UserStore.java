package io.wharf.store.meta;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code users} and {@code permissions} tables of the metadata database (schema step 4), on a JDBC connection
 * of their own: user changes come from management threads, while {@link MetadataStore}'s connection belongs to the
 * metadata thread. Every method is synchronized; callers keep what they read in memory (logins and permission
 * checks never touch the database).
 *
 * <p>Knows nothing of password hashing or regular expressions: it stores the strings it is given.
 */
public final class UserStore implements AutoCloseable {

    /** One row of {@code users}; {@code passwordHash} null for a user that cannot log in with a password. */
    public record StoredUser(String name, String passwordHash, Set<String> tags, boolean loopbackOnly) {
        public StoredUser {
            tags = Set.copyOf(tags);
        }
    }

    /** One row of {@code permissions}: regular expressions over resource names in one vhost. */
    public record StoredPermission(String user, String vhost, String configure, String write, String read) {
    }

    private final Connection connection;

    private UserStore(Connection connection) {
        this.connection = connection;
    }

    /** Opens the tables of the database in {@code dataDir}; {@link MetadataStore#open} must have run first. */
    public static UserStore open(Path dataDir) throws SQLException {
        return new UserStore(MetadataStore.connect(dataDir));
    }

    public synchronized List<StoredUser> users() throws SQLException {
        List<StoredUser> users = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT name, password_hash, tags, loopback_only FROM users ORDER BY name")) {
            while (rs.next()) {
                users.add(new StoredUser(rs.getString(1), rs.getString(2), splitTags(rs.getString(3)),
                        rs.getBoolean(4)));
            }
        }
        return users;
    }

    public synchronized List<StoredPermission> permissions() throws SQLException {
        List<StoredPermission> permissions = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery(
                     "SELECT user_name, vhost, configure, write, read FROM permissions ORDER BY user_name, vhost")) {
            while (rs.next()) {
                permissions.add(new StoredPermission(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5)));
            }
        }
        return permissions;
    }

    /** Creates or replaces a user. */
    public synchronized void putUser(StoredUser user) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "MERGE INTO users (name, password_hash, tags, loopback_only) KEY (name) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, user.name());
            ps.setString(2, user.passwordHash());
            ps.setString(3, String.join(",", user.tags()));
            ps.setBoolean(4, user.loopbackOnly());
            ps.executeUpdate();
        }
    }

    /** Deletes a user and its permissions in one transaction; false when there was no such user. */
    public synchronized boolean deleteUser(String name) throws SQLException {
        connection.setAutoCommit(false);
        try {
            deleteWhere("DELETE FROM permissions WHERE user_name = ?", name);
            boolean deleted = deleteWhere("DELETE FROM users WHERE name = ?", name);
            connection.commit();
            return deleted;
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** Creates or replaces the permission of one user in one vhost. */
    public synchronized void putPermission(StoredPermission permission) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "MERGE INTO permissions (user_name, vhost, configure, write, read) KEY (user_name, vhost)"
                        + " VALUES (?, ?, ?, ?, ?)")) {
            ps.setString(1, permission.user());
            ps.setString(2, permission.vhost());
            ps.setString(3, permission.configure());
            ps.setString(4, permission.write());
            ps.setString(5, permission.read());
            ps.executeUpdate();
        }
    }

    /** False when the user had no permission in that vhost. */
    public synchronized boolean deletePermission(String user, String vhost) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "DELETE FROM permissions WHERE user_name = ? AND vhost = ?")) {
            ps.setString(1, user);
            ps.setString(2, vhost);
            return ps.executeUpdate() > 0;
        }
    }

    /**
     * Runs {@code seed} once in the life of the database: true (and {@code seed} ran, its writes committed
     * together with the marker) the first time, false ever after.
     */
    public synchronized boolean seedOnce(SeedAction seed) throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM seeded_from_config")) {
            rs.next();
            if (rs.getInt(1) > 0) {
                return false;
            }
        }
        connection.setAutoCommit(false);
        try (Statement st = connection.createStatement()) {
            seed.run(this);
            st.execute("INSERT INTO seeded_from_config VALUES (TRUE)");
            connection.commit();
            return true;
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The writes of a first-start seed; may call this store's put methods. */
    @FunctionalInterface
    public interface SeedAction {
        void run(UserStore store) throws SQLException;
    }

    private boolean deleteWhere(String sql, String value) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, value);
            return ps.executeUpdate() > 0;
        }
    }

    private static Set<String> splitTags(String tags) {
        Set<String> set = new LinkedHashSet<>();
        if (tags != null && !tags.isBlank()) {
            Arrays.stream(tags.split(",")).map(String::strip).filter(t -> !t.isEmpty()).forEach(set::add);
        }
        return set;
    }

    @Override
    public synchronized void close() throws SQLException {
        connection.close();
    }
}
