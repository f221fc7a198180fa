package io.wharf.store.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wharf.store.queue.QueueDefinition;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The embedded H2 database {@code <data-dir>/metadata.mv.db}. The schema carries a version; {@link #MIGRATIONS}
 * lists the steps from each version to the next, applied in order at open, so a newer broker upgrades an older
 * data directory and an older broker refuses a newer one instead of misreading it.
 *
 * <p>One JDBC connection, used by one thread at a time (the broker's metadata thread). Changes that belong
 * together go through {@link #apply} as one transaction.
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
                        + " PRIMARY KEY (vhost, name))"),
            // 2: exchanges, bindings and virtual hosts. A binding's identity includes its arguments; they are
            // compared through a hash of their canonical JSON, since a large object cannot be part of a key.
            List.of(
                "CREATE TABLE vhosts ("
                        + " name VARCHAR(255) NOT NULL,"
                        + " PRIMARY KEY (name))",
                "CREATE TABLE exchanges ("
                        + " vhost VARCHAR(255) NOT NULL,"
                        + " name VARCHAR(1024) NOT NULL,"
                        + " type VARCHAR(32) NOT NULL,"
                        + " durable BOOLEAN NOT NULL,"
                        + " auto_delete BOOLEAN NOT NULL,"
                        + " internal BOOLEAN NOT NULL,"
                        + " arguments CHARACTER LARGE OBJECT NOT NULL,"
                        + " PRIMARY KEY (vhost, name))",
                "CREATE TABLE bindings ("
                        + " vhost VARCHAR(255) NOT NULL,"
                        + " source VARCHAR(1024) NOT NULL,"
                        + " destination_kind VARCHAR(8) NOT NULL,"
                        + " destination VARCHAR(1024) NOT NULL,"
                        + " routing_key VARCHAR(4096) NOT NULL,"
                        + " arguments_hash CHAR(64) NOT NULL,"
                        + " arguments CHARACTER LARGE OBJECT NOT NULL,"
                        + " PRIMARY KEY (vhost, source, destination_kind, destination, routing_key, arguments_hash))"),
            // 3: the offsets named stream consumers last settled.
            List.of(
                "CREATE TABLE stream_offsets ("
                        + " vhost VARCHAR(255) NOT NULL,"
                        + " queue VARCHAR(1024) NOT NULL,"
                        + " consumer VARCHAR(1024) NOT NULL,"
                        + " settled_offset BIGINT NOT NULL,"
                        + " PRIMARY KEY (vhost, queue, consumer))"),
            // 4: users and their per-vhost permissions (UserStore). seeded_from_config remembers that the users
            // of wharf.yaml were copied in once, so deleting them later is not undone by the next start.
            List.of(
                "CREATE TABLE users ("
                        + " name VARCHAR(255) NOT NULL,"
                        + " password_hash VARCHAR(512),"
                        + " tags VARCHAR(1024) NOT NULL,"
                        + " loopback_only BOOLEAN NOT NULL,"
                        + " PRIMARY KEY (name))",
                "CREATE TABLE permissions ("
                        + " user_name VARCHAR(255) NOT NULL,"
                        + " vhost VARCHAR(255) NOT NULL,"
                        + " configure VARCHAR(4096) NOT NULL,"
                        + " write VARCHAR(4096) NOT NULL,"
                        + " read VARCHAR(4096) NOT NULL,"
                        + " PRIMARY KEY (user_name, vhost))",
                "CREATE TABLE seeded_from_config (done BOOLEAN NOT NULL)"));

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> ARGUMENTS = new TypeReference<>() { };

    private final Connection connection;

    private MetadataStore(Connection connection) {
        this.connection = connection;
    }

    /** Opens (creating when missing) the metadata database in {@code dataDir} and brings its schema up to date. */
    public static MetadataStore open(Path dataDir) throws SQLException {
        Connection connection = DriverManager.getConnection(url(dataDir), "wharf", "");
        try {
            migrate(connection);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
        return new MetadataStore(connection);
    }

    /**
     * A second connection to the same database, for a store that keeps its own (users are changed from management
     * threads, not the metadata thread). Only after {@link #open} has brought the schema up to date.
     */
    static Connection connect(Path dataDir) throws SQLException {
        return DriverManager.getConnection(url(dataDir), "wharf", "");
    }

    private static String url(Path dataDir) {
        return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("metadata") + ";DB_CLOSE_ON_EXIT=FALSE";
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
        putQueue(queue);
    }

    private void putQueue(QueueDefinition queue) throws SQLException {
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

    /** Removes a queue definition (and a stream's stored consumer offsets); false when there was none. */
    public boolean deleteQueue(String vhost, String name) throws SQLException {
        delete("DELETE FROM stream_offsets WHERE vhost = ? AND queue = ?", vhost, name);
        return delete("DELETE FROM queues WHERE vhost = ? AND name = ?", vhost, name);
    }

    /** Stores (replacing) the last settled offset of each named consumer of stream {@code queue}, in one go. */
    public void saveStreamOffsets(String vhost, String queue, Map<String, Long> offsets) throws SQLException {
        connection.setAutoCommit(false);
        try (PreparedStatement ps = connection.prepareStatement(
                "MERGE INTO stream_offsets (vhost, queue, consumer, settled_offset) KEY (vhost, queue, consumer)"
                        + " VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<String, Long> e : offsets.entrySet()) {
                ps.setString(1, vhost);
                ps.setString(2, queue);
                ps.setString(3, e.getKey());
                ps.setLong(4, e.getValue());
                ps.addBatch();
            }
            ps.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** The stored offsets of stream {@code queue}: consumer name to last settled offset. */
    public Map<String, Long> streamOffsets(String vhost, String queue) throws SQLException {
        Map<String, Long> offsets = new java.util.LinkedHashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT consumer, settled_offset FROM stream_offsets WHERE vhost = ? AND queue = ?")) {
            ps.setString(1, vhost);
            ps.setString(2, queue);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    offsets.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return offsets;
    }

    /**
     * Writes every change in {@code change} in one transaction: all of them are stored, or (on an exception) none.
     */
    public void apply(MetadataChange change) throws SQLException {
        if (change.isEmpty()) {
            return;
        }
        connection.setAutoCommit(false);
        try {
            for (MetadataChange.Op op : change.ops()) {
                apply(op);
            }
            connection.commit();
        } catch (SQLException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private void apply(MetadataChange.Op op) throws SQLException {
        if (op instanceof MetadataChange.PutQueue put) {
            putQueue(put.queue());
        } else if (op instanceof MetadataChange.DeleteQueue del) {
            delete("DELETE FROM queues WHERE vhost = ? AND name = ?", del.vhost(), del.name());
        } else if (op instanceof MetadataChange.PutExchange put) {
            putExchange(put.exchange());
        } else if (op instanceof MetadataChange.DeleteExchange del) {
            delete("DELETE FROM exchanges WHERE vhost = ? AND name = ?", del.vhost(), del.name());
        } else if (op instanceof MetadataChange.PutBinding put) {
            putBinding(put.binding());
        } else if (op instanceof MetadataChange.DeleteBinding del) {
            BindingDefinition b = del.binding();
            delete("DELETE FROM bindings WHERE vhost = ? AND source = ? AND destination_kind = ? AND destination = ?"
                    + " AND routing_key = ? AND arguments_hash = ?", b.vhost(), b.source(), b.destinationKind().label(),
                    b.destination(), b.routingKey(), argumentsHash(b.arguments()));
        } else if (op instanceof MetadataChange.PutVhost put) {
            try (PreparedStatement ps = connection.prepareStatement("MERGE INTO vhosts (name) KEY (name) VALUES (?)")) {
                ps.setString(1, put.name());
                ps.executeUpdate();
            }
        } else if (op instanceof MetadataChange.DeleteVhost del) {
            delete("DELETE FROM vhosts WHERE name = ?", del.name());
        } else {
            throw new IllegalStateException("unknown metadata change " + op);
        }
    }

    private void putExchange(ExchangeDefinition x) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "MERGE INTO exchanges (vhost, name, type, durable, auto_delete, internal, arguments)"
                        + " KEY (vhost, name) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, x.vhost());
            ps.setString(2, x.name());
            ps.setString(3, x.type());
            ps.setBoolean(4, x.durable());
            ps.setBoolean(5, x.autoDelete());
            ps.setBoolean(6, x.internal());
            ps.setString(7, toJson(x.arguments()));
            ps.executeUpdate();
        }
    }

    private void putBinding(BindingDefinition b) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "MERGE INTO bindings (vhost, source, destination_kind, destination, routing_key, arguments_hash,"
                        + " arguments) KEY (vhost, source, destination_kind, destination, routing_key, arguments_hash)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, b.vhost());
            ps.setString(2, b.source());
            ps.setString(3, b.destinationKind().label());
            ps.setString(4, b.destination());
            ps.setString(5, b.routingKey());
            ps.setString(6, argumentsHash(b.arguments()));
            ps.setString(7, toJson(b.arguments()));
            ps.executeUpdate();
        }
    }

    private boolean delete(String sql, String... keys) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            for (int i = 0; i < keys.length; i++) {
                ps.setString(i + 1, keys[i]);
            }
            return ps.executeUpdate() > 0;
        }
    }

    /** SHA-256 (hex) of the canonical JSON: equal argument maps, equal hashes. */
    private static String argumentsHash(Map<String, Object> arguments) throws SQLException {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    Arguments.canonicalJson(arguments).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        } catch (IllegalArgumentException e) {
            throw new SQLException("binding arguments cannot be stored: " + e.getMessage(), e);
        }
    }

    /** Every stored exchange, ordered by vhost and name. */
    public List<ExchangeDefinition> exchanges() throws SQLException {
        List<ExchangeDefinition> exchanges = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT vhost, name, type, durable, auto_delete, internal, arguments"
                     + " FROM exchanges ORDER BY vhost, name")) {
            while (rs.next()) {
                exchanges.add(new ExchangeDefinition(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6), fromJson(rs.getString(7))));
            }
        }
        return exchanges;
    }

    /** Every stored binding, ordered by vhost, source, destination and key. */
    public List<BindingDefinition> bindings() throws SQLException {
        List<BindingDefinition> bindings = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT vhost, source, destination_kind, destination, routing_key,"
                     + " arguments FROM bindings ORDER BY vhost, source, destination_kind, destination, routing_key")) {
            while (rs.next()) {
                BindingDefinition.DestinationKind kind;
                try {
                    kind = BindingDefinition.DestinationKind.of(rs.getString(3));
                } catch (IllegalArgumentException e) {
                    throw new SQLException("stored binding has " + e.getMessage(), e);
                }
                bindings.add(new BindingDefinition(rs.getString(1), rs.getString(2), kind, rs.getString(4),
                        rs.getString(5), fromJson(rs.getString(6))));
            }
        }
        return bindings;
    }

    /** Every stored virtual host name, sorted. */
    public List<String> vhosts() throws SQLException {
        List<String> vhosts = new ArrayList<>();
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT name FROM vhosts ORDER BY name")) {
            while (rs.next()) {
                vhosts.add(rs.getString(1));
            }
        }
        return vhosts;
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
            throw new SQLException("arguments cannot be stored: " + e.getOriginalMessage(), e);
        }
    }

    private static Map<String, Object> fromJson(String json) throws SQLException {
        try {
            return Arguments.normalized(JSON.readValue(json, ARGUMENTS));
        } catch (JsonProcessingException e) {
            throw new SQLException("stored arguments are not readable: " + e.getOriginalMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new SQLException("stored arguments are not readable: " + e.getMessage(), e);
        }
    }
}
