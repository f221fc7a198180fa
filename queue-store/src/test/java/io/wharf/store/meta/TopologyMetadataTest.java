package io.wharf.store.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.store.meta.BindingDefinition.DestinationKind;
import io.wharf.store.queue.QueueDefinition;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Schema step 2: exchanges, bindings and vhosts, written by {@link MetadataStore#apply} in one transaction. */
@Timeout(30)
class TopologyMetadataTest {

    @TempDir
    Path dir;

    private static ExchangeDefinition exchange(String name) {
        return new ExchangeDefinition("/", name, "topic", true, false, false, Map.of("alternate-exchange", "ae"));
    }

    private static BindingDefinition binding(String key, Map<String, Object> arguments) {
        return new BindingDefinition("/", "prices", DestinationKind.QUEUE, "eu", key, arguments);
    }

    @Test
    void exchangesBindingsAndVhostsSurviveReopen() throws Exception {
        Map<String, Object> headers = new LinkedHashMap<>();
        headers.put("x-match", "any");
        headers.put("size", 3);
        headers.put("region", null);
        try (MetadataStore store = MetadataStore.open(dir)) {
            store.apply(new MetadataChange()
                    .putVhost("/")
                    .putVhost("staging")
                    .putExchange(exchange("prices"))
                    .putBinding(binding("eu.#", Map.of()))
                    .putBinding(binding("eu.#", headers))
                    .putBinding(new BindingDefinition("/", "prices", DestinationKind.EXCHANGE, "audit", "", null)));
        }
        try (MetadataStore store = MetadataStore.open(dir)) {
            assertEquals(List.of("/", "staging"), store.vhosts());
            assertEquals(List.of(exchange("prices")), store.exchanges());
            List<BindingDefinition> bindings = store.bindings();
            assertEquals(3, bindings.size());
            assertEquals(new BindingDefinition("/", "prices", DestinationKind.EXCHANGE, "audit", "", Map.of()),
                    bindings.get(0));
            // the same key with and without arguments are two bindings; the integer comes back as a Long
            assertTrue(bindings.contains(binding("eu.#", Map.of())));
            assertTrue(bindings.contains(binding("eu.#", headers)));
            BindingDefinition withHeaders = bindings.stream().filter(b -> !b.arguments().isEmpty()).findFirst()
                    .orElseThrow();
            assertEquals(3L, withHeaders.arguments().get("size"));
            assertTrue(withHeaders.arguments().containsKey("region"));
        }
    }

    @Test
    void deletesRemoveExactlyTheNamedRows() throws Exception {
        try (MetadataStore store = MetadataStore.open(dir)) {
            store.apply(new MetadataChange()
                    .putExchange(exchange("prices"))
                    .putExchange(exchange("orders"))
                    .putBinding(binding("a", Map.of()))
                    .putBinding(binding("a", Map.of("k", "v"))));
            store.apply(new MetadataChange()
                    .deleteExchange("/", "orders")
                    .deleteBinding(binding("a", Map.of("k", "v"))));
            assertEquals(List.of(exchange("prices")), store.exchanges());
            assertEquals(List.of(binding("a", Map.of())), store.bindings());
        }
    }

    @Test
    void aFailedChangeLeavesNothingBehind() throws Exception {
        try (MetadataStore store = MetadataStore.open(dir)) {
            String tooLong = "v".repeat(300);
            MetadataChange change = new MetadataChange()
                    .putExchange(exchange("prices"))
                    .putBinding(binding("a", Map.of()))
                    .putVhost(tooLong);
            assertThrows(SQLException.class, () -> store.apply(change));
            assertTrue(store.exchanges().isEmpty());
            assertTrue(store.bindings().isEmpty());
            assertTrue(store.vhosts().isEmpty());
            // the connection is usable afterwards, in auto-commit again
            store.apply(new MetadataChange().putExchange(exchange("prices")));
            assertEquals(1, store.exchanges().size());
        }
    }

    @Test
    void upgradesAVersionOneDatabaseKeepingItsQueues() throws Exception {
        try (var c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("metadata"), "wharf", "");
             Statement st = c.createStatement()) {
            // exactly what schema step 1 created
            st.execute("CREATE TABLE schema_version (version INT NOT NULL)");
            st.execute("INSERT INTO schema_version VALUES (1)");
            st.execute("CREATE TABLE queues (vhost VARCHAR(255) NOT NULL, name VARCHAR(1024) NOT NULL,"
                    + " type VARCHAR(32) NOT NULL, durable BOOLEAN NOT NULL, exclusive BOOLEAN NOT NULL,"
                    + " auto_delete BOOLEAN NOT NULL, arguments CHARACTER LARGE OBJECT NOT NULL,"
                    + " PRIMARY KEY (vhost, name))");
            st.execute("INSERT INTO queues VALUES ('/', 'old', 'classic', TRUE, FALSE, FALSE,"
                    + " '{\"x-max-length\":5}')");
        }
        try (MetadataStore store = MetadataStore.open(dir)) {
            assertEquals(MetadataStore.currentSchemaVersion(), store.schemaVersion());
            assertEquals(List.of(new QueueDefinition("/", "old", "classic", true, false, false,
                    Map.of("x-max-length", 5L))), store.queues());
            store.apply(new MetadataChange().putExchange(exchange("prices")));
            assertEquals(1, store.exchanges().size());
        }
    }

    @Test
    void argumentsAreNormalized() {
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("i", 1);
        raw.put("f", 1.5f);
        raw.put("nested", List.of(Map.of("s", (short) 2)));
        Map<String, Object> normalized = Arguments.normalized(raw);
        assertEquals(1L, normalized.get("i"));
        assertEquals(1.5d, normalized.get("f"));
        assertEquals(List.of(Map.of("s", 2L)), normalized.get("nested"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Arguments.normalized(Map.of("when", new Object())));
        assertTrue(e.getMessage().contains("'when'"), e.getMessage());
        assertEquals(Arguments.canonicalJson(Map.of("a", 1L, "b", 2L)),
                Arguments.canonicalJson(new LinkedHashMap<>(Map.of("b", 2L, "a", 1L))));
    }
}
