package io.wharf.store.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.store.queue.QueueDefinition;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The embedded H2 database {@code <data-dir>/metadata.mv.db}. The schema carries a version; {@link #MIGRATIONS}
 * lists the steps from each version to the next, applied in order at open, so a newer broker upgrades an older
 * data directory and an older broker refuses a newer one instead of misreading it.
 *
 * <p>One JDBC connection, used by one thread at a time (the broker's metadata thread).
 */
public final class MetadataStore implements AutoCloseable {

    /** Schema steps: index i upgrades version i to i + 1. Append only; never edit a released step. */
    private static final List<List<String>> MIGRATIONS = List.of(
            List.of(
                "CREATE TABLE queues ("
                        + " vhost VARCHAR(255) NOT NULL,"
                        + " name VARCHAR(1024) NOT NULL,"
                        + " type VARCHAR(32) NOT NULL,"
                        + " durable BOOLEAN NOT NULL,"
                        + " exclusive BOOLEAN NOT NULL,"
                        + " auto_delete BOOLEAN NOT NULL,"
                        + " arguments CHARACTER LARGE OBJECT NOT NULL,"
                        + " PRIMARY KEY (vhost, name))"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> ARGUMENTS = new TypeReference<>() { };

    private final Connection connection;

    private MetadataStore(Connection connection) {
        this.connection = connection;
    }

    /** Opens (creating when missing) the metadata database in {@code dataDir} and brings its schema up to date. */
    public static MetadataStore open(Path dataDir) throws SQLException {
        String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("metadata") + ";DB_CLOSE_ON_EXIT=FALSE";
        Connection connection = DriverManager.getConnection(url, "wharf", "");
        try {
            migrate(connection);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return new MetadataStore(connection);
    }

    public static int currentSchemaVersion() {
        return MIGRATIONS.size();
    }

    private static void migrate(Connection connection) throws SQLException {
        try (Statement st = connection.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INT NOT NULL)");
            int version;
            try (ResultSet rs = st.executeQuery("SELECT version FROM schema_version")) {
                version = rs.next() ? rs.getInt(1) : -1;
            }
            if (version < 0) {
                st.execute("INSERT INTO schema_version VALUES (0)");
                version = 0;
            }
            if (version > MIGRATIONS.size()) {
                throw new SQLException("the metadata database has schema version " + version
                        + ", newer than this broker's " + MIGRATIONS.size() + "; use a newer Wharf");
            }
            connection.setAutoCommit(false);
            try {
                for (int v = version; v < MIGRATIONS.size(); v++) {
                    for (String sql : MIGRATIONS.get(v)) {
                        st.execute(sql);
                    }
                    st.execute("UPDATE schema_version SET version = " + (v + 1));
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }

    public int schemaVersion() throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT version FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Stores or replaces a queue definition. */
    public void saveQueue(QueueDefinition queue) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "MERGE INTO queues (vhost, name, type, durable, exclusive, auto_delete, arguments)"
                        + " KEY (vhost, name) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, queue.vhost());
            ps.setString(2, queue.name());
            ps.setString(3, queue.type());
            ps.setBoolean(4, queue.durable());
            ps.setBoolean(5, queue.exclusive());
            ps.setBoolean(6, queue.autoDelete());
            ps.setString(7, toJson(queue.arguments()));
            ps.executeUpdate();
        }
    }

    /** Removes a queue definition; false when there was none. */
    public boolean deleteQueue(String vhost, String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("DELETE FROM queues WHERE vhost = ? AND name = ?")) {
            ps.setString(1, vhost);
            ps.setString(2, name);
            return ps.executeUpdate() > 0;
        }
    }

    /** Every stored queue, ordered by vhost and name. */
    public List<QueueDefinition> queues() throws SQLException {
        List<QueueDefinition> queues = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT vhost, name, type, durable, exclusive, auto_delete, arguments"
                     + " FROM queues ORDER BY vhost, name")) {
            while (rs.next()) {
                queues.add(new QueueDefinition(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBoolean(4),
                        rs.getBoolean(5), rs.getBoolean(6), fromJson(rs.getString(7))));
            }
        }
        return queues;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    private static String toJson(Map<String, Object> arguments) throws SQLException {
        try {
            return JSON.writeValueAsString(arguments);
        } catch (JsonProcessingException e) {
            throw new SQLException("queue arguments cannot be stored: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> fromJson(String json) throws SQLException {
        try {
            return JSON.readValue(json, ARGUMENTS);
        } catch (JsonProcessingException e) {
            throw new SQLException("stored queue arguments are not readable: " + e.getOriginalMessage(), e);
        }
    }
}
