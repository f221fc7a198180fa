package io.wharf.store;

import io.wharf.store.log.FileQueueLog;
import io.wharf.store.log.LogConfig;
import io.wharf.store.log.LogWriter;
import io.wharf.store.log.RecoveryReport;
import io.wharf.store.meta.MetadataStore;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueLog;
import io.wharf.store.queue.QueueStorage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable queues on disk: each queue's write-ahead log in {@code <data-dir>/queues/<folder>}, its definition in
 * the metadata store. A folder is named from the queue name (readable part + hash, since names may hold any
 * character and be longer than a file name) and holds the exact name in {@code queue.name}.
 *
 * <p>The log folder, not the metadata row, is what proves a queue had messages: a queue created just before a
 * crash may have its first messages on disk without its row, so {@link #recoverableQueues} returns folders too
 * and writes the missing rows. Metadata writes run on one metadata thread, never on the caller's.
 */
public final class DiskQueueStorage implements QueueStorage, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DiskQueueStorage.class);
    private static final String NAME_FILE = "queue.name";
    private static final String DEFAULT_VHOST = "/";
    private static final int READABLE_PREFIX_CHARS = 40;

    private final Path queuesDir;
    private final LogConfig logConfig;
    private final LogWriter writer;
    private final MetadataStore metadata;
    private final ExecutorService metadataThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wharf-metadata");
        t.setDaemon(true);
        return t;
    });

    public DiskQueueStorage(Path dataDir, LogConfig logConfig, LogWriter writer, MetadataStore metadata)
            throws IOException {
        this.queuesDir = dataDir.resolve("queues");
        Files.createDirectories(queuesDir);
        this.logConfig = logConfig;
        this.writer = writer;
        this.metadata = metadata;
    }

    @Override
    public QueueLog open(String queueName) throws IOException {
        Path dir = folderFor(queueName);
        if (!Files.exists(dir.resolve(NAME_FILE))) {
            Files.createDirectories(dir);
            Path temp = dir.resolve(NAME_FILE + ".tmp");
            Files.writeString(temp, queueName, StandardCharsets.UTF_8);
            Files.move(temp, dir.resolve(NAME_FILE), StandardCopyOption.ATOMIC_MOVE);
        }
        FileQueueLog log = FileQueueLog.open(dir, logConfig, writer);
        RecoveryReport report = log.recoveryReport();
        if (report.lostData()) {
            LOG.warn("Queue '{}': recovery dropped {} damaged or incomplete records (offsets {}..{}, {} bytes)",
                    queueName, report.recordsLost(), report.firstLostOffset(), report.lastLostOffset(),
                    report.bytesDropped());
        }
        return log;
    }

    @Override
    public void created(QueueDefinition definition) {
        metadataThread.execute(() -> {
            try {
                metadata.saveQueue(definition);
            } catch (SQLException e) {
                LOG.error("Queue '{}': its definition could not be stored; its log folder still brings it back "
                        + "(as a plain durable classic queue) after a restart", definition.name(), e);
            }
        });
    }

    @Override
    public void deleted(String queueName) {
        metadataThread.execute(() -> {
            try {
                metadata.deleteQueue(DEFAULT_VHOST, queueName);
            } catch (SQLException e) {
                LOG.error("Queue '{}': its definition could not be deleted", queueName, e);
            }
            deleteFolder(folderFor(queueName));
        });
    }

    /**
     * The durable queues to bring back at start: every stored definition, plus every log folder without one
     * (its definition is written now).
     */
    public List<QueueDefinition> recoverableQueues() throws SQLException, IOException {
        Map<String, QueueDefinition> byName = new LinkedHashMap<>();
        for (QueueDefinition definition : metadata.queues()) {
            if (definition.durable() && DEFAULT_VHOST.equals(definition.vhost())) {
                byName.put(definition.name(), definition);
            }
        }
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(queuesDir, Files::isDirectory)) {
            for (Path folder : folders) {
                Path nameFile = folder.resolve(NAME_FILE);
                if (!Files.exists(nameFile)) {
                    LOG.warn("{} has no {}; it is not a queue folder and is left alone", folder, NAME_FILE);
                    continue;
                }
                String name = Files.readString(nameFile, StandardCharsets.UTF_8);
                if (!byName.containsKey(name)) {
                    LOG.warn("Queue '{}' has a log but no stored definition (created just before a crash?); "
                            + "restoring it as a durable classic queue", name);
                    QueueDefinition definition = QueueDefinition.durableClassic(DEFAULT_VHOST, name);
                    metadata.saveQueue(definition);
                    byName.put(name, definition);
                }
            }
        }
        return List.copyOf(byName.values());
    }

    /** {@code <readable part>-<16 hex digits of SHA-256>}: unique, file-system safe, still recognisable. */
    Path folderFor(String queueName) {
        StringBuilder readable = new StringBuilder();
        for (int i = 0; i < queueName.length() && readable.length() < READABLE_PREFIX_CHARS; i++) {
            char c = queueName.charAt(i);
            readable.append(c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')
                    ? c : '_');
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(queueName.getBytes(StandardCharsets.UTF_8));
            return queuesDir.resolve(readable + "-" + HexFormat.of().formatHex(digest, 0, 8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void deleteFolder(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.error("Could not delete the log folder {} of a deleted queue", dir, e);
        }
    }

    /** Finishes pending metadata writes, then closes the metadata store. Close the queues and writer first. */
    @Override
    public void close() {
        metadataThread.shutdown();
        try {
            if (!metadataThread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Metadata writes still pending at shutdown");
            }
            metadata.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException e) {
            LOG.warn("Closing the metadata store failed", e);
        }
    }
}
