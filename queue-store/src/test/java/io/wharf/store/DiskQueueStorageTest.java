package io.wharf.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.store.log.FsyncPolicy;
import io.wharf.store.log.LogConfig;
import io.wharf.store.log.LogWriter;
import io.wharf.store.meta.MetadataStore;
import io.wharf.store.queue.QueueDefinition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Queue folders per virtual host: the default vhost's keep their old names; others carry their vhost. */
@Timeout(30)
class DiskQueueStorageTest {

    @TempDir
    Path dataDir;

    @Test
    void queuesOfTwoVhostsWithOneNameGetTheirOwnFoldersAndComeBackWithTheirVhost() throws Exception {
        LogWriter writer = LogWriter.start(FsyncPolicy.NEVER);
        MetadataStore metadata = MetadataStore.open(dataDir);
        DiskQueueStorage storage = new DiskQueueStorage(dataDir, LogConfig.defaults(), writer, metadata);
        try {
            storage.open("orders").close().join();
            storage.forVhost("dev").open("orders").close().join();
            Path main = storage.folderFor("orders");
            Path dev = storage.folderFor("dev", "orders");
            assertNotEquals(main, dev);
            assertEquals(main, storage.folderFor("/", "orders"), "the default vhost keeps its folder names");
            assertFalse(Files.exists(main.resolve("queue.vhost")));
            assertEquals("dev", Files.readString(dev.resolve("queue.vhost")));

            // no rows were written (created() was not called): the folders alone bring both back
            List<QueueDefinition> recovered = storage.recoverableQueues();
            Set<String> names = recovered.stream().map(q -> q.vhost() + " " + q.name()).collect(Collectors.toSet());
            assertEquals(Set.of("/ orders", "dev orders"), names);
            assertEquals(2, metadata.queues().size(), "the missing rows were written");

            storage.forVhost("dev").deleted("orders");
            Awaitility.await().until(() -> !Files.exists(dev));
            assertTrue(Files.exists(main));
        } finally {
            writer.close();
            storage.close();
        }
    }
}
