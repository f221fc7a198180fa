package io.wharf.store.tx;

import io.wharf.store.log.PreparedRecords;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker-wide transaction journal: the one place where a transaction that spans several queues (each with its
 * own log) becomes committed, all at once. See the package note for the protocol. Records are appended by one
 * thread ({@code wharf-tx-journal}) in batches, forced once per batch (group commit) unless the fsync policy is
 * {@code never}; a commit's future completes only after that force.
 *
 * <p>The file is compacted when it passes {@link #COMPACT_AT_BYTES}: rewritten (temporary file, forced, renamed)
 * with only the commits not confirmed yet and the ids of the duplicate-detection windows.
 */
public final class TxJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TxJournal.class);
    static final long COMPACT_AT_BYTES = 4L * 1024 * 1024;
    private static final String FILE = "journal";

    private final Path dir;
    private final Path file;
    private final boolean force;
    private final DedupWindows dedup = new DedupWindows();
    private final AtomicLong nextTxn = new AtomicLong(1);
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();
    /** Commits whose queues have not all confirmed yet, by journal transaction id. */
    private final Map<Long, List<JournalEntry>> unconfirmed = new ConcurrentHashMap<>();
    /** Recovered commits, per queue: what the queue's log must apply at its recovery. */
    private final Map<List<String>, QueueView> recovered = new HashMap<>();
    private final Thread thread;
    private FileChannel channel;
    private long size;
    private volatile boolean closed;
    private volatile Throwable failure;

    private TxJournal(Path dir, boolean force) throws IOException {
        this.dir = dir;
        this.file = dir.resolve(FILE);
        this.force = force;
        Files.createDirectories(dir);
        recover();
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        size = channel.size();
        thread = new Thread(this::run, "wharf-tx-journal");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Opens (and recovers) the journal in {@code <dataDir>/tx}.
     *
     * @param force whether commits are forced to disk (false only with {@code store.fsync: never})
     */
    public static TxJournal open(Path dataDir, boolean force) throws IOException {
        return new TxJournal(dataDir.resolve("tx"), force);
    }

    /** The duplicate-detection windows, as recovered from the journal. */
    public DedupWindows dedup() {
        return dedup;
    }

    /**
     * Records a commit: completes with the journal's id for it once the record is on disk. From then on the
     * transaction is committed: after a crash its queues apply it at their recovery.
     */
    public CompletableFuture<Long> commit(List<JournalEntry> entries) {
        long txn = nextTxn.getAndIncrement();
        unconfirmed.put(txn, List.copyOf(entries));
        Request request = new Request(JournalLayout.commit(txn, System.currentTimeMillis(), entries), true, txn);
        submit(request);
        return request.done.thenApply(v -> txn);
    }

    /**
     * Every queue of commit {@code txn} holds its outcome in its own files, on disk: the journal can forget it.
     * Written without a force (losing it only means the queues apply the commit once more, which is idempotent).
     */
    public void confirm(long txn) {
        if (unconfirmed.remove(txn) != null) {
            submit(new Request(JournalLayout.confirm(txn), false, txn));
        }
    }

    /** What recovery found for a queue's log; {@link PreparedRecords#NONE} when the journal knows nothing of it. */
    public synchronized PreparedRecords recoveredFor(String vhost, String queue) {
        QueueView view = recovered.get(List.of(vhost, queue));
        return view == null ? PreparedRecords.NONE : view;
    }

    private void submit(Request request) {
        Throwable failed = failure;
        if (closed || failed != null) {
            request.done.completeExceptionally(failed != null
                    ? new IOException("the transaction journal failed: " + failed, failed)
                    : new IllegalStateException("the transaction journal is closed"));
            return;
        }
        requests.add(request);
    }

    // ---- recovery ------------------------------------------------------------------------------------------

    private void recover() throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(JournalLayout.BYTE_ORDER);
        CRC32C crc = new CRC32C();
        Map<Long, List<JournalEntry>> commits = new HashMap<>();
        Map<Long, Long> commitTimes = new HashMap<>();
        long maxTxn = 0;
        int pos = 0;
        int length;
        while ((length = JournalLayout.validLength(buf, pos, crc)) > 0) {
            JournalLayout.Decoded record;
            try {
                record = JournalLayout.decode(buf, pos, length);
            } catch (RuntimeException e) {
                LOG.warn("{}: record at byte {} cannot be decoded ({}); the journal ends there", file, pos, e.toString());
                break;
            }
            switch (record.type()) {
                case JournalLayout.TYPE_COMMIT -> {
                    commits.put(record.txn(), record.entries());
                    commitTimes.put(record.txn(), record.timeMs());
                    for (JournalEntry e : record.entries()) {
                        if (e.kind() == JournalEntry.Kind.DUPLICATE_ID) {
                            dedup.restore(e.vhost(), e.queue(), e.id(), record.timeMs());
                        }
                    }
                }
                case JournalLayout.TYPE_CONFIRM -> commits.remove(record.txn());
                case JournalLayout.TYPE_DEDUP -> dedup.restore(record.dedup().vhost(), record.dedup().queue(),
                        record.dedup().id(), record.timeMs());
                default -> {
                }
            }
            maxTxn = Math.max(maxTxn, record.txn());
            pos += length;
        }
        if (pos < buf.limit()) {
            // A torn or damaged tail: written but never forced, so no commit in it was ever answered.
            LOG.warn("{}: {} bytes after byte {} are incomplete or damaged and are cut off (no commit in them had "
                    + "been acknowledged)", file, buf.limit() - pos, pos);
            try (FileChannel truncate = FileChannel.open(file, StandardOpenOption.WRITE)) {
                truncate.truncate(pos);
                truncate.force(true);
            }
        }
        nextTxn.set(maxTxn + 1);
        for (Map.Entry<Long, List<JournalEntry>> commit : commits.entrySet()) {
            unconfirmed.put(commit.getKey(), commit.getValue());
            Set<List<String>> queues = new HashSet<>();
            for (JournalEntry e : commit.getValue()) {
                if (e.kind() == JournalEntry.Kind.DUPLICATE_ID) {
                    continue;
                }
                List<String> key = List.of(e.vhost(), e.queue());
                QueueView view = recovered.computeIfAbsent(key, k -> new QueueView());
                (e.kind() == JournalEntry.Kind.ENQUEUED ? view.enqueued : view.acked).add(e.offset());
                queues.add(key);
            }
            for (List<String> key : queues) {
                recovered.get(key).commits.add(commit.getKey());
            }
            pendingQueues.put(commit.getKey(), queues);
            if (queues.isEmpty()) {
                unconfirmed.remove(commit.getKey());
            }
        }
        if (!commits.isEmpty()) {
            LOG.info("Transaction journal: {} committed transactions to re-apply to their queues", commits.size());
        }
    }

    /** Recovered commits -> the queues that have not re-applied them yet. */
    private final Map<Long, Set<List<String>>> pendingQueues = new HashMap<>();

    private synchronized void queueReapplied(QueueView view) {
        List<String> key = null;
        for (Map.Entry<List<String>, QueueView> e : recovered.entrySet()) {
            if (e.getValue() == view) {
                key = e.getKey();
            }
        }
        if (key == null) {
            return;
        }
        recovered.remove(key);
        for (long txn : view.commits) {
            Set<List<String>> left = pendingQueues.get(txn);
            if (left != null && left.remove(key) && left.isEmpty()) {
                pendingQueues.remove(txn);
                confirm(txn);
            }
        }
    }

    /** One queue's part of the recovered commits. */
    private final class QueueView implements PreparedRecords {
        final Set<Long> enqueued = new HashSet<>();
        final Set<Long> acked = new HashSet<>();
        final List<Long> commits = new ArrayList<>();

        @Override
        public boolean committed(long offset) {
            return enqueued.contains(offset);
        }

        @Override
        public boolean acked(long offset) {
            return acked.contains(offset);
        }

        @Override
        public void reapplied(CompletableFuture<Void> forced) {
            forced.whenComplete((v, e) -> {
                if (e == null) {
                    queueReapplied(this);
                } else {
                    LOG.warn("A queue could not force the transactions it re-applied; they stay in the journal", e);
                }
            });
        }
    }

    // ---- the journal thread --------------------------------------------------------------------------------

    private void run() {
        List<Request> batch = new ArrayList<>();
        while (true) {
            try {
                Request first = requests.take();
                batch.add(first);
                requests.drainTo(batch);
                boolean stop = false;
                boolean needsForce = false;
                for (Request r : batch) {
                    if (r.record == null) {
                        stop = true;
                        continue;
                    }
                    ByteBuffer record = r.record.duplicate();
                    while (record.hasRemaining()) {
                        size += channel.write(record, size);
                    }
                    needsForce |= r.forced;
                }
                if (needsForce && force) {
                    channel.force(false);
                }
                for (Request r : batch) {
                    r.done.complete(null);
                }
                batch.clear();
                if (stop) {
                    channel.force(false);
                    channel.close();
                    return;
                }
                if (size > COMPACT_AT_BYTES && requests.isEmpty()) {
                    compact();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                failure = e;
                LOG.error("The transaction journal {} cannot be written; transactions and duplicate detection fail "
                        + "from now on", file, e);
                for (Request r : batch) {
                    r.done.completeExceptionally(e);
                }
                batch.clear();
                Request r;
                while ((r = requests.poll()) != null) {
                    r.done.completeExceptionally(e);
                }
                if (closed) {
                    return;
                }
            }
        }
    }

    /** Rewrites the journal with what is still needed: unconfirmed commits and the windows' ids. */
    private void compact() throws IOException {
        Path temporary = dir.resolve(FILE + ".tmp");
        long written = 0;
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            long now = System.currentTimeMillis();
            for (Map.Entry<Long, List<JournalEntry>> commit : new HashMap<>(unconfirmed).entrySet()) {
                written += writeAll(out, written, JournalLayout.commit(commit.getKey(), now, commit.getValue()));
            }
            for (DedupWindows.Snapshot id : dedup.snapshot()) {
                written += writeAll(out, written, JournalLayout.dedup(id.timeMs(), id.vhost(), id.queue(), id.id()));
            }
            out.force(true);
        }
        channel.close();
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
        channel = FileChannel.open(file, StandardOpenOption.WRITE);
        LOG.debug("Transaction journal compacted from {} to {} bytes", size, written);
        size = written;
    }

    private static long writeAll(FileChannel out, long position, ByteBuffer record) throws IOException {
        long n = 0;
        while (record.hasRemaining()) {
            n += out.write(record, position + n);
        }
        return n;
    }

    /** Stops after writing (and forcing) everything submitted before. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        requests.add(new Request(null, true, 0));
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Request {
        /** Null for the stop request. */
        final ByteBuffer record;
        final boolean forced;
        final long txn;
        final CompletableFuture<Void> done = new CompletableFuture<>();

        Request(ByteBuffer record, boolean forced, long txn) {
            this.record = record;
            this.forced = forced;
            this.txn = txn;
        }
    }
}
