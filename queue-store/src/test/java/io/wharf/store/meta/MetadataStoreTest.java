package io.wharf.store.meta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.wharf.store.queue.QueueDefinition;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTest {

    @TempDir
    Path dir;

    @Test
    void queuesSurviveReopen() throws Exception {
        QueueDefinition orders = new QueueDefinition("/", "orders", "classic", true, false, false,
                Map.of("x-max-length", 10L, "x-dead-letter-exchange", "dlx", "x-single-active-consumer", true));
        QueueDefinition events = QueueDefinition.durableClassic("/", "events/é");
        try (MetadataStore store = MetadataStore.open(dir)) {
            store.saveQueue(orders);
            store.saveQueue(events);
        }
        try (MetadataStore store = MetadataStore.open(dir)) {
            List<QueueDefinition> queues = store.queues();
            assertEquals(2, queues.size());
            assertEquals(events, queues.get(0));
            QueueDefinition read = queues.get(1);
            assertEquals("orders", read.name());
            assertEquals(10, ((Number) read.arguments().get("x-max-length")).intValue());
            assertEquals("dlx", read.arguments().get("x-dead-letter-exchange"));
            assertEquals(Boolean.TRUE, read.arguments().get("x-single-active-consumer"));
            assertEquals(MetadataStore.currentSchemaVersion(), store.schemaVersion());
        }
    }

    @Test
    void saveReplacesAndDeleteRemoves() throws Exception {
        try (MetadataStore store = MetadataStore.open(dir)) {
            store.saveQueue(QueueDefinition.durableClassic("/", "q"));
            store.saveQueue(new QueueDefinition("/", "q", "stream", true, false, false, Map.of()));
            assertEquals("stream", store.queues().get(0).type());
            assertTrue(store.deleteQueue("/", "q"));
            assertFalse(store.deleteQueue("/", "q"));
            assertTrue(store.queues().isEmpty());
        }
    }

    @Test
    void streamOffsetsAreStoredReplacedAndDeletedWithTheirQueue() throws Exception {
        try (MetadataStore store = MetadataStore.open(dir)) {
            store.saveQueue(new QueueDefinition("/", "s", "stream", true, false, false, Map.of()));
            store.saveStreamOffsets("/", "s", Map.of("a", 3L, "b", 7L));
            store.saveStreamOffsets("/", "s", Map.of("a", 5L));
            store.saveStreamOffsets("v", "s", Map.of("a", 1L));
        }
        try (MetadataStore store = MetadataStore.open(dir)) {
            assertEquals(Map.of("a", 5L, "b", 7L), store.streamOffsets("/", "s"));
            assertEquals(Map.of("a", 1L), store.streamOffsets("v", "s"));
            store.deleteQueue("/", "s");
            assertEquals(Map.of(), store.streamOffsets("/", "s"));
            assertEquals(Map.of("a", 1L), store.streamOffsets("v", "s"));
        }
    }

    @Test
    void refusesANewerSchema() throws Exception {
        MetadataStore.open(dir).close();
        try (var c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("metadata"), "wharf", "");
             Statement st = c.createStatement()) {
            st.execute("UPDATE schema_version SET version = 999");
        }
        SQLException e = assertThrows(SQLException.class, () -> MetadataStore.open(dir));
        assertTrue(e.getMessage().contains("999"), e.getMessage());
    }
}
