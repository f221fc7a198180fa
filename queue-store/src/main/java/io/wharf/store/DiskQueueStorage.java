package io.wharf.store;

import io.wharf.store.log.FileQueueLog;
import io.wharf.store.log.LogConfig;
import io.wharf.store.log.LogWriter;
import io.wharf.store.log.RecoveryReport;
import io.wharf.store.log.SegmentedLog;
import io.wharf.store.meta.MetadataChange;
import io.wharf.store.meta.MetadataStore;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueLog;
import io.wharf.store.queue.QueueStorage;
import io.wharf.store.tx.TxJournal;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable queues on disk: each queue's write-ahead log in {@code <data-dir>/queues/<folder>}, its definition in
 * the metadata store. A folder is named from the queue name (readable part + hash, since names may hold any
 * character and be longer than a file name; the hash covers the vhost too, except for the default vhost) and holds
 * the exact name in {@code queue.name} (and, outside the default vhost, the vhost in {@code queue.vhost}).
 *
 * <p>The log folder, not the metadata row, is what proves a queue had messages: a queue created just before a
 * crash may have its first messages on disk without its row, so {@link #recoverableQueues} returns folders too
 * and writes the missing rows. Metadata writes run on one metadata thread, never on the caller's.
 */
public final class DiskQueueStorage implements QueueStorage, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DiskQueueStorage.class);
    private static final String NAME_FILE = "queue.name";
    /** Inside a stream's folder: the log of its scheduled messages (not a segment file, so the stream ignores it). */
    private static final String STREAM_SCHEDULE_FOLDER = "scheduled";
    private static final String VHOST_FILE = "queue.vhost";
    private static final String DEFAULT_VHOST = "/";
    private static final int READABLE_PREFIX_CHARS = 40;

    private final Path queuesDir;
    private final LogConfig logConfig;
    private final LogWriter writer;
    private final MetadataStore metadata;
    /** The transaction journal whose recovered commits each queue log applies when it opens; null: none. */
    private volatile TxJournal journal;
    private volatile Thread metadataWriter;
    private final ExecutorService metadataThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wharf-metadata");
        t.setDaemon(true);
        metadataWriter = t;
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
        return open(DEFAULT_VHOST, queueName);
    }

    /**
     * The storage of one virtual host's queues. The default vhost's is this storage itself (its folders keep the
     * names they always had); another vhost's queues get folders named from vhost and queue name, with the vhost in
     * {@code queue.vhost}.
     */
    public QueueStorage forVhost(String vhost) {
        if (DEFAULT_VHOST.equals(vhost)) {
            return this;
        }
        return new QueueStorage() {
            @Override
            public QueueLog open(String queueName) throws IOException {
                return DiskQueueStorage.this.open(vhost, queueName);
            }

            @Override
            public SegmentedLog openStream(String queueName, int segmentSizeBytes) throws IOException {
                return DiskQueueStorage.this.openStream(vhost, queueName, segmentSizeBytes);
            }

            @Override
            public QueueLog openStreamSchedule(String queueName) throws IOException {
                return DiskQueueStorage.this.openStreamSchedule(vhost, queueName);
            }

            @Override
            public void created(QueueDefinition definition) {
                DiskQueueStorage.this.created(definition);
            }

            @Override
            public Map<String, Long> loadStreamOffsets(String queueName) throws Exception {
                return DiskQueueStorage.this.loadStreamOffsets(vhost, queueName);
            }

            @Override
            public void storeStreamOffsets(String queueName, Map<String, Long> offsets) {
                DiskQueueStorage.this.storeStreamOffsets(vhost, queueName, offsets);
            }

            @Override
            public CompletableFuture<Void> deleted(String queueName) {
                return DiskQueueStorage.this.deleted(vhost, queueName);
            }
        };
    }

    /** Queue logs opened from now on apply what {@code journal} recovered for them (call before queues open). */
    public void useJournal(TxJournal journal) {
        this.journal = journal;
    }

    private QueueLog open(String vhost, String queueName) throws IOException {
        FileQueueLog log = FileQueueLog.open(queueFolder(vhost, queueName), logConfig, writer);
        TxJournal tx = journal;
        if (tx != null) {
            log.preparedRecords(tx.recoveredFor(vhost, queueName));
        }
        reportRecovery(queueName, log.recoveryReport());
        return log;
    }

    @Override
    public SegmentedLog openStream(String queueName, int segmentSizeBytes) throws IOException {
        return openStream(DEFAULT_VHOST, queueName, segmentSizeBytes);
    }

    /** A stream's log: the same folder layout as a classic queue's, a plain segmented log without ack state. */
    private SegmentedLog openStream(String vhost, String queueName, int segmentSizeBytes) throws IOException {
        LogConfig config = segmentSizeBytes > 0 ? logConfig.withSegmentSizeBytes(segmentSizeBytes) : logConfig;
        SegmentedLog log = SegmentedLog.open(queueFolder(vhost, queueName), config, writer);
        reportRecovery(queueName, log.recoveryReport());
        return log;
    }

    @Override
    public QueueLog openStreamSchedule(String queueName) throws IOException {
        return openStreamSchedule(DEFAULT_VHOST, queueName);
    }

    /** A stream's scheduled messages: a classic queue log in the subfolder {@code scheduled} of the stream's folder. */
    private QueueLog openStreamSchedule(String vhost, String queueName) throws IOException {
        Path dir = queueFolder(vhost, queueName).resolve(STREAM_SCHEDULE_FOLDER);
        Files.createDirectories(dir);
        FileQueueLog log = FileQueueLog.open(dir, logConfig, writer);
        reportRecovery(queueName + " (scheduled)", log.recoveryReport());
        return log;
    }

    private Path queueFolder(String vhost, String queueName) throws IOException {
        Path dir = folderFor(vhost, queueName);
        if (!Files.exists(dir.resolve(NAME_FILE))) {
            Files.createDirectories(dir);
            if (!DEFAULT_VHOST.equals(vhost)) {
                writeAtomically(dir.resolve(VHOST_FILE), vhost);
            }
            writeAtomically(dir.resolve(NAME_FILE), queueName);
        }
        return dir;
    }

    private static void reportRecovery(String queueName, RecoveryReport report) {
        if (report.lostData()) {
            LOG.warn("Queue '{}': recovery dropped {} damaged or incomplete records (offsets {}..{}, {} bytes)",
                    queueName, report.recordsLost(), report.firstLostOffset(), report.lastLostOffset(),
                    report.bytesDropped());
        }
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temp, text, StandardCharsets.UTF_8);
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The one thread that writes the metadata store. Topology changes (exchanges, bindings) run on it as well, so
     * every write, queue rows included, happens in submission order on one JDBC connection.
     */
    public Executor metadataExecutor() {
        return metadataThread;
    }

    /**
     * Writes {@code change} in one transaction. Only on {@link #metadataExecutor()}.
     *
     * @throws IllegalStateException on any other thread
     */
    public void write(MetadataChange change) throws SQLException {
        if (Thread.currentThread() != metadataWriter) {
            throw new IllegalStateException("metadata writes run on the metadata thread, not on "
                    + Thread.currentThread().getName());
        }
        metadata.apply(change);
    }

    /** Runs {@code task} on the metadata thread: at once when already there (a topology change declaring a queue). */
    private void onMetadataThread(Runnable task) {
        if (Thread.currentThread() == metadataWriter) {
            task.run();
        } else {
            metadataThread.execute(task);
        }
    }

    @Override
    public void created(QueueDefinition definition) {
        onMetadataThread(() -> {
            try {
                metadata.saveQueue(definition);
            } catch (SQLException e) {
                LOG.error("Queue '{}': its definition could not be stored; its log folder still brings it back "
                        + "(as a plain durable classic queue) after a restart", definition.name(), e);
            }
        });
    }

    @Override
    public Map<String, Long> loadStreamOffsets(String queueName) throws Exception {
        return loadStreamOffsets(DEFAULT_VHOST, queueName);
    }

    /** Reads on the metadata thread (the store's one connection) and waits for it. */
    private Map<String, Long> loadStreamOffsets(String vhost, String queueName) throws Exception {
        if (Thread.currentThread() == metadataWriter) {
            return metadata.streamOffsets(vhost, queueName);
        }
        CompletableFuture<Map<String, Long>> loaded = new CompletableFuture<>();
        metadataThread.execute(() -> {
            try {
                loaded.complete(metadata.streamOffsets(vhost, queueName));
            } catch (SQLException | RuntimeException e) {
                loaded.completeExceptionally(e);
            }
        });
        return loaded.get(30, TimeUnit.SECONDS);
    }

    @Override
    public void storeStreamOffsets(String queueName, Map<String, Long> offsets) {
        storeStreamOffsets(DEFAULT_VHOST, queueName, offsets);
    }

    private void storeStreamOffsets(String vhost, String queueName, Map<String, Long> offsets) {
        Map<String, Long> copy = Map.copyOf(offsets);
        onMetadataThread(() -> {
            try {
                metadata.saveStreamOffsets(vhost, queueName, copy);
            } catch (SQLException e) {
                LOG.error("Stream '{}' of vhost '{}': consumer offsets {} could not be stored", queueName, vhost,
                        copy, e);
            }
        });
    }

    @Override
    public CompletableFuture<Void> deleted(String queueName) {
        return deleted(DEFAULT_VHOST, queueName);
    }

    private CompletableFuture<Void> deleted(String vhost, String queueName) {
        TxJournal tx = journal;
        if (tx != null) {
            tx.dedup().forget(vhost, queueName);
        }
        CompletableFuture<Void> gone = new CompletableFuture<>();
        onMetadataThread(() -> {
            try {
                metadata.deleteQueue(vhost, queueName);
            } catch (SQLException e) {
                LOG.error("Queue '{}' of vhost '{}': its definition could not be deleted", queueName, vhost, e);
            }
            try {
                deleteFolder(folderFor(vhost, queueName));
            } finally {
                gone.complete(null);
            }
        });
        return gone;
    }

    /**
     * The durable queues of every vhost to bring back at start: every stored definition, plus every log folder
     * without one (its definition is written now).
     */
    public List<QueueDefinition> recoverableQueues() throws SQLException, IOException {
        Map<List<String>, QueueDefinition> byName = new LinkedHashMap<>();
        for (QueueDefinition definition : metadata.queues()) {
            if (definition.durable()) {
                byName.put(List.of(definition.vhost(), definition.name()), definition);
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
                Path vhostFile = folder.resolve(VHOST_FILE);
                String vhost = Files.exists(vhostFile) ? Files.readString(vhostFile, StandardCharsets.UTF_8)
                        : DEFAULT_VHOST;
                if (!byName.containsKey(List.of(vhost, name))) {
                    LOG.warn("Queue '{}' of vhost '{}' has a log but no stored definition (created just before a "
                            + "crash?); restoring it as a durable classic queue", name, vhost);
                    QueueDefinition definition = QueueDefinition.durableClassic(vhost, name);
                    metadata.saveQueue(definition);
                    byName.put(List.of(vhost, name), definition);
                }
            }
        }
        return List.copyOf(byName.values());
    }

    /** The folder of a queue of the default vhost. */
    Path folderFor(String queueName) {
        return folderFor(DEFAULT_VHOST, queueName);
    }

    /**
     * {@code <readable part>-<16 hex digits of SHA-256>}: unique, file-system safe, still recognisable. The hash is
     * of the queue name for the default vhost (as before vhosts existed) and of vhost, NUL and name otherwise.
     */
    Path folderFor(String vhost, String queueName) {
        StringBuilder readable = new StringBuilder();
        for (int i = 0; i < queueName.length() && readable.length() < READABLE_PREFIX_CHARS; i++) {
            char c = queueName.charAt(i);
            readable.append(c < 128 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')
                    ? c : '_');
        }
        try {
            String identity = DEFAULT_VHOST.equals(vhost) ? queueName : vhost + '\0' + queueName;
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(identity.getBytes(StandardCharsets.UTF_8));
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
