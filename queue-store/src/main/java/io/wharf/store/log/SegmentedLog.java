package io.wharf.store.log;

import io.wharf.store.queue.MessageHeader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write-ahead log of one folder (one queue): a sequence of {@link Segment} files named by their base offset.
 * Appends get consecutive offsets; reads return payload slices of the mapped segments; {@link #truncate} drops a
 * suffix, {@link #deleteBelow} a prefix of whole segments. This append/read/truncate surface is the seam a
 * replicated log could later sit behind.
 *
 * <p>Threads: every change goes through the broker's {@link LogWriter} and runs on its thread; the public
 * methods only submit requests and return futures. Reads run on the caller's thread and see records once their
 * append future has completed (the writer publishes the new end before completing futures).
 *
 * <p>Opening recovers the folder ({@link LogRecovery}, reported in {@link #recoveryReport()}) and starts a new
 * active segment: the segment that was active before is sealed as it was found, so no file is ever reopened
 * for appending.
 *
 * <p>A write error (IOException while writing or forcing) fails the affected futures and makes the log
 * read-only: later changes fail at once with {@link LogReadOnlyException}. The error is logged once. As with
 * any storage error the outcome of the failed records is unknown: some of their bytes may have reached the disk,
 * and a record that is intact there is found again when the log is reopened.
 */
public final class SegmentedLog {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentedLog.class);

    private final Path dir;
    private final LogConfig config;
    private final LogWriter writer;
    private final ChannelOpener opener;
    private final RecoveryReport recoveryReport;

    /** Sorted by base offset, the active segment last. Replaced (copy on write) by the writer. */
    private volatile Segment[] segments;
    private volatile long publishedNextOffset;
    private volatile Throwable failure;
    private volatile boolean closeRequested;

    // Writer thread only (set up by open before the log is shared).
    private Segment active;
    private long nextOffset;
    private boolean closed;
    private SegmentListener listener;
    LogRequest runHead;
    LogRequest runTail;
    boolean inDirtyList;

    private SegmentedLog(Path dir, LogConfig config, LogWriter writer, ChannelOpener opener,
                         LogRecovery.Result recovered) throws IOException {
        this.dir = dir;
        this.config = config;
        this.writer = writer;
        this.opener = opener;
        this.recoveryReport = recovered.report();
        this.nextOffset = recovered.nextOffset();
        this.active = Segment.createActive(dir, nextOffset, config.segmentSizeBytes(), config, opener);
        Segment[] all = recovered.segments().toArray(new Segment[0]);
        all = Arrays.copyOf(all, all.length + 1);
        all[all.length - 1] = active;
        this.segments = all;
        this.publishedNextOffset = nextOffset;
    }

    public static SegmentedLog open(Path dir, LogConfig config, LogWriter writer) throws IOException {
        return open(dir, config, writer, ChannelOpener.DEFAULT);
    }

    /** Opens (creating if needed) and recovers the log in {@code dir}; {@code opener} opens every file it writes. */
    public static SegmentedLog open(Path dir, LogConfig config, LogWriter writer, ChannelOpener opener)
            throws IOException {
        Objects.requireNonNull(writer, "writer");
        return new SegmentedLog(dir, config, writer, opener, LogRecovery.recover(dir, config, opener));
    }

    public Path dir() {
        return dir;
    }

    public RecoveryReport recoveryReport() {
        return recoveryReport;
    }

    /**
     * Appends a record. The future completes with its offset once it is written and readable and, when
     * {@code force} is true under the {@code batch} policy, forced to disk. The payload's bytes are read on the
     * writer thread: do not change them until the future completes. The payload's position is not moved.
     */
    public CompletableFuture<Long> append(MessageHeader header, ByteBuffer payload, boolean force) {
        return append(header, payload, force, false);
    }

    /**
     * {@link #append} with the {@link RecordLayout#FLAG_PREPARED} flag when {@code prepared}: the record of a
     * transaction not committed yet.
     */
    public CompletableFuture<Long> append(MessageHeader header, ByteBuffer payload, boolean force,
            boolean prepared) {
        Objects.requireNonNull(header, "header");
        if (payload.remaining() > RecordLayout.MAX_PAYLOAD_LENGTH) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("payload of " + payload.remaining()
                    + " bytes is larger than the maximum " + RecordLayout.MAX_PAYLOAD_LENGTH));
        }
        Throwable refusal = refusal();
        if (refusal != null) {
            return CompletableFuture.failedFuture(refusal);
        }
        AppendRequest request = new AppendRequest(this, header, payload.duplicate(), force, prepared);
        writer.submit(request);
        return request.future;
    }

    /**
     * The payload of record {@code offset}, read-only, sharing the mapped segment (no copy). Its CRC is checked.
     *
     * @throws NoSuchElementException  when the log does not hold the offset (not appended yet, or deleted)
     * @throws CorruptRecordException  when the bytes no longer match their CRC
     */
    public ByteBuffer read(long offset) {
        long end = publishedNextOffset;
        Segment segment = offset < end ? segmentFor(offset) : null;
        if (segment == null) {
            throw new NoSuchElementException("offset " + offset + " is not in log " + dir + " (next offset " + end + ")");
        }
        return segment.read(offset);
    }

    /**
     * Visits the records from {@code fromOffset} (or the first one after it when it was deleted) up to the end
     * published when the scan starts, in offset order. Headers are not CRC-checked here ({@link #read} checks).
     */
    public void scan(long fromOffset, RecordVisitor visitor) {
        long end = publishedNextOffset;
        RecordView view = new RecordView();
        for (Segment segment : segments) {
            int limit = segment.publishedSize();
            int position = 0;
            if (fromOffset > segment.baseOffset) {
                position = segment.positionOf(fromOffset, limit);
                if (position < 0) {
                    continue;
                }
            }
            ByteBuffer buffer = segment.buffer();
            while (position <= limit - RecordLayout.HEADER_LENGTH) {
                view.wrap(buffer, position);
                if (view.offset() >= end) {
                    return;
                }
                if (!visitor.visit(view)) {
                    return;
                }
                position += RecordLayout.length(buffer, position);
            }
        }
    }

    /**
     * The first offset in {@code [fromOffset, end)} whose record carries one of {@code tagHashes} in its fixed header
     * ({@code 0} for untagged records), or {@code end} when none does. Reads record headers only: sealed segments
     * answer a rare tag from its postings, and whole chunks whose tag summary rules the hashes out are skipped, so a
     * reader after a rare tag reads neither the other payloads nor most of the other headers.
     */
    public long nextWithTag(long fromOffset, long end, int[] tagHashes) {
        Segment[] all = segments;
        // The segment holding fromOffset (the first one when it was deleted), then the later ones.
        int low = 0;
        int high = all.length - 1;
        int first = 0;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (all[mid].baseOffset <= fromOffset) {
                first = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        for (int i = first; i < all.length; i++) {
            Segment segment = all[i];
            if (segment.baseOffset >= end) {
                break;
            }
            long found = segment.nextWithTag(fromOffset, tagHashes);
            if (found >= 0) {
                return Math.min(found, end);
            }
        }
        return end;
    }

    /** The lowest offset the log may still hold. */
    public long startOffset() {
        return segments[0].baseOffset;
    }

    /** The offset the next append gets, as far as readers can see. */
    public long nextOffset() {
        return publishedNextOffset;
    }

    public int segmentCount() {
        return segments.length;
    }

    /** True once a write failed; every later change fails with {@link LogReadOnlyException}. */
    public boolean isReadOnly() {
        return failure != null;
    }

    /**
     * Drops every record at or after {@code offset}; the next append gets {@code offset}. Readers must not read
     * the dropped records while this runs.
     */
    public CompletableFuture<Void> truncate(long offset) {
        return submitTask(batch -> {
            truncateOnWriter(offset, batch);
            return null;
        });
    }

    /** Deletes the segments whose records are all below {@code offset} (never the active one); answers how many. */
    public CompletableFuture<Integer> deleteBelow(long offset) {
        return submitTask(batch -> {
            flushStaging(batch);
            int deleted = 0;
            for (Segment segment : segments) {
                if (segment != active && segment.nextOffset() <= offset) {
                    deleteSegmentOnWriter(segment);
                    deleted++;
                }
            }
            return deleted;
        });
    }

    /**
     * Retention for a stream: deletes the oldest sealed segments (never the active one) while the log holds more
     * than {@code maxBytes} (-1: no limit) or while the oldest one's newest record is older than {@code maxAgeMs}
     * before {@code nowMs} (-1: no limit; the file's modification time is that record's write time). Runs on the
     * writer thread; answers how many segments went.
     */
    public CompletableFuture<Integer> deleteForRetention(long maxBytes, long maxAgeMs, long nowMs) {
        return submitTask(batch -> {
            flushStaging(batch);
            long total = 0;
            for (Segment segment : segments) {
                total += segment.publishedSize();
            }
            int deleted = 0;
            for (Segment segment : segments) {
                if (segment == active) {
                    break;
                }
                boolean tooBig = maxBytes >= 0 && total > maxBytes;
                boolean tooOld = maxAgeMs >= 0
                        && java.nio.file.Files.getLastModifiedTime(segment.file).toMillis() < nowMs - maxAgeMs;
                if (!tooBig && !tooOld) {
                    break;
                }
                total -= segment.publishedSize();
                deleteSegmentOnWriter(segment);
                deleted++;
            }
            return deleted;
        });
    }

    /**
     * Closes the log after everything submitted before: seals and forces the active segment and writes the
     * clean-shutdown marker, so the next open skips the CRC scan. A read-only log closes without a marker.
     */
    public CompletableFuture<Void> close() {
        closeRequested = true;
        TaskRequest<Void> request = new TaskRequest<>(this, batch -> {
            closeOnWriter(batch);
            return null;
        }) {
            @Override
            boolean closesLog() {
                return true;
            }
        };
        writer.submit(request);
        return request.future;
    }

    @Override
    public String toString() {
        return "SegmentedLog[" + dir + "]";
    }

    // ---- package-private: for FileQueueLog and tests ------------------------------------------------------

    LogWriter writer() {
        return writer;
    }

    ChannelOpener opener() {
        return opener;
    }

    /** Must be set before the log is shared (in FileQueueLog.open). */
    void listener(SegmentListener listener) {
        this.listener = listener;
    }

    Segment[] segments() {
        return segments;
    }

    /** The segment that holds {@code offset}, or null. */
    Segment segmentFor(long offset) {
        Segment[] all = segments;
        int low = 0;
        int high = all.length - 1;
        Segment found = null;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (all[mid].baseOffset <= offset) {
                found = all[mid];
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    /**
     * Completes once everything submitted before (records and the settle state a listener keeps, such as acks) is
     * written and, unless the fsync policy is {@code never}, forced: what a transaction's commit waits for before
     * its journal entry may be forgotten.
     */
    public CompletableFuture<Void> sync() {
        return submitTask(batch -> {
            // Records staged earlier in this run go to the file first: the listener reuses the staging buffer.
            flushStaging(batch);
            if (listener != null) {
                listener.endOfRun(batch);
            }
            if (batch.policy.kind() != FsyncPolicy.Kind.NEVER) {
                forceAllOnWriter(batch);
            }
            return null;
        });
    }

    <T> CompletableFuture<T> submitTask(WriterTask<T> task) {
        Throwable refusal = refusal();
        if (refusal != null) {
            return CompletableFuture.failedFuture(refusal);
        }
        TaskRequest<T> request = new TaskRequest<>(this, task);
        writer.submit(request);
        return request.future;
    }

    void submit(LogRequest request) {
        writer.submit(request);
    }

    Throwable refusal() {
        if (closeRequested) {
            return new LogClosedException("log " + dir + " is closed");
        }
        return failureForRequests();
    }

    /** The exception for requests refused because of an earlier write error, or null. */
    Throwable failureForRequests() {
        Throwable cause = failure;
        return cause == null ? null : new LogReadOnlyException("log " + dir + " is read-only after a write error: "
                + cause, cause);
    }

    // ---- writer thread ------------------------------------------------------------------------------------

    /** Runs this log's requests of the batch in order, writes their records, publishes the new end. */
    void processRun(LogRequest head, WriterBatch batch) {
        if (closed) {
            failRun(head, new LogClosedException("log " + dir + " is closed"), batch);
            return;
        }
        if (failure != null) {
            failRun(head, failureForRequests(), batch);
            return;
        }
        batch.staging.clear();
        try {
            for (LogRequest r = head; r != null; r = r.nextInRun) {
                if (closed && !r.closesLog()) {
                    r.rejection = new LogClosedException("log " + dir + " is closed");
                } else {
                    r.execute(batch);
                }
            }
            flushStaging(batch);
            if (listener != null && !closed) {
                listener.endOfRun(batch);
            }
        } catch (Exception e) {
            fail(e);
            // The records of this run may be partly written: none of their futures may complete normally.
            failRun(head, e, batch);
            return;
        }
        publish();
        batch.written(this, head);
    }

    /** Fails the run's requests, except a close, which still releases the log's files. */
    private void failRun(LogRequest head, Throwable cause, WriterBatch batch) {
        for (LogRequest r = head; r != null; r = r.nextInRun) {
            if (r.closesLog()) {
                try {
                    closeOnWriter(batch);
                    r.complete();
                } catch (IOException | RuntimeException e) {
                    r.fail(e);
                }
            } else {
                r.fail(cause);
            }
        }
    }

    /** The write error that made this log read-only, or null. */
    Throwable failure() {
        return failure;
    }

    void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
            LOG.error("log {} is read-only from now on: a write failed; appends fail until it is reopened", dir, cause);
        }
    }

    private void publish() {
        if (active != null) {
            active.publish();
        }
        publishedNextOffset = nextOffset;
    }

    void appendOnWriter(AppendRequest request, WriterBatch batch) throws IOException {
        ByteBuffer payload = request.payload;
        MessageHeader header = request.header;
        int payloadLength = payload.remaining();
        int length = RecordLayout.HEADER_LENGTH + payloadLength;
        if ((long) active.writePosition + length > active.capacity()) {
            roll(length, batch);
        }
        long offset = nextOffset;
        int flags = RecordLayout.flagsFor(RecordLayout.KIND_MESSAGE, header.durable())
                | (request.prepared ? RecordLayout.FLAG_PREPARED : 0);
        ByteBuffer staging = batch.staging;
        if (length <= staging.capacity()) {
            if (staging.remaining() < length) {
                flushStaging(batch);
            }
            int position = staging.position();
            RecordLayout.putHeader(staging, position, length, offset, batch.nowMs, flags, header.priority(),
                    header.tagHash(), header.expiryTimeMs(), header.deliveryTimeMs());
            staging.put(position + RecordLayout.HEADER_LENGTH, payload, payload.position(), payloadLength);
            RecordLayout.putCrc(staging, position, batch.crc);
            staging.position(position + length);
        } else {
            flushStaging(batch);
            ByteBuffer head = batch.header.clear();
            RecordLayout.putHeader(head, 0, length, offset, batch.nowMs, flags, header.priority(), header.tagHash(),
                    header.expiryTimeMs(), header.deliveryTimeMs());
            batch.crc.reset();
            batch.crc.update(head.slice(RecordLayout.CRC_COVERED_FROM,
                    RecordLayout.HEADER_LENGTH - RecordLayout.CRC_COVERED_FROM));
            batch.crc.update(payload.duplicate());
            head.putInt(RecordLayout.CRC_OFFSET, (int) batch.crc.getValue());
            active.write(head);
            active.write(payload.duplicate());
        }
        active.recordStaged(length, config.indexIntervalBytes(), header.tagHash());
        nextOffset = offset + 1;
        request.offset = offset;
    }

    /** Writes the staged records to the active segment. */
    private void flushStaging(WriterBatch batch) throws IOException {
        ByteBuffer staging = batch.staging;
        if (staging.position() > 0) {
            staging.flip();
            active.write(staging);
            staging.clear();
        }
    }

    /** Seals the active segment (or replaces it when empty) and starts one that can hold {@code length} bytes. */
    private void roll(int length, WriterBatch batch) throws IOException {
        flushStaging(batch);
        Segment old = active;
        if (old.recordCount == 0) {
            old.delete();
            segments = Arrays.copyOf(segments, segments.length - 1);
        } else {
            old.seal(opener);
            batch.countForce();
            old.publish();
            if (listener != null) {
                listener.segmentSealed(old);
            }
        }
        Segment next = Segment.createActive(dir, nextOffset, Math.max(config.segmentSizeBytes(), length),
                config, opener);
        Segment[] all = Arrays.copyOf(segments, segments.length + 1);
        all[all.length - 1] = next;
        segments = all;
        active = next;
    }

    /** Forces the active segment when it holds unforced records (batch policy, end of batch). */
    void forceActiveOnWriter(WriterBatch batch) {
        if (forceActive()) {
            batch.countForce();
        }
    }

    /**
     * Forces the active segment when it holds unforced records; answers whether it forced. Called by the writer
     * thread or, at the end of a batch, by one {@link ForcePool} thread on the writer's behalf while the writer
     * waits for it (one thread per log per batch).
     */
    boolean forceActive() {
        if (failure != null || closed) {
            return false;
        }
        try {
            if (active.unforced) {
                active.force();
                return true;
            }
        } catch (IOException e) {
            fail(e);
        }
        return false;
    }

    /** Forces everything this log wrote and did not force yet (interval policy, writer shutdown). */
    void forceAllOnWriter(WriterBatch batch) {
        forceActiveOnWriter(batch);
        if (failure != null || closed || listener == null) {
            return;
        }
        try {
            listener.force(batch);
        } catch (IOException e) {
            fail(e);
        }
    }

    void deleteSegmentOnWriter(Segment segment) throws IOException {
        if (segment == active) {
            throw new IllegalStateException("the active segment " + segment + " cannot be deleted");
        }
        segment.delete();
        Segment[] all = segments;
        Segment[] rest = new Segment[all.length - 1];
        int j = 0;
        for (Segment s : all) {
            if (s != segment) {
                rest[j++] = s;
            }
        }
        segments = rest;
        if (listener != null) {
            listener.segmentDeleted(segment);
        }
        DurableFiles.forceDirectory(dir);
    }

    private void truncateOnWriter(long offset, WriterBatch batch) throws IOException {
        if (offset < startOffset() || offset > nextOffset) {
            throw new IllegalArgumentException("cannot truncate log " + dir + " at " + offset + ": it holds offsets "
                    + startOffset() + " to " + (nextOffset - 1));
        }
        flushStaging(batch);
        if (offset == nextOffset) {
            return;
        }
        Segment[] all = segments;
        for (int i = all.length - 1; i >= 0 && all[i].baseOffset >= offset; i--) {
            Segment gone = all[i];
            if (gone == active) {
                gone.delete();
                segments = Arrays.copyOf(segments, segments.length - 1);
                if (listener != null) {
                    listener.segmentDeleted(gone);
                }
                active = null;
            } else {
                deleteSegmentOnWriter(gone);
            }
        }
        Segment last = segments.length == 0 ? null : segments[segments.length - 1];
        if (last != null && last.nextOffset() > offset) {
            int relative = (int) (offset - last.baseOffset);
            int position = last.positionOf(offset, last.flushedPosition);
            if (position < 0) {
                throw new IOException("record " + offset + " not found in " + last + " while truncating");
            }
            if (last.isActive()) {
                last.truncate(relative, position);
            } else {
                last.truncateSealed(relative, position, opener);
            }
        }
        nextOffset = offset;
        if (active == null) {
            active = Segment.createActive(dir, offset, config.segmentSizeBytes(), config, opener);
            Segment[] grown = Arrays.copyOf(segments, segments.length + 1);
            grown[grown.length - 1] = active;
            segments = grown;
        }
        publish();
    }

    private void closeOnWriter(WriterBatch batch) throws IOException {
        if (closed) {
            return;
        }
        try {
            if (failure == null) {
                flushStaging(batch);
                if (listener != null) {
                    listener.close(batch);
                }
                active.seal(opener);
                batch.countForce();
                active.publish();
                new CleanShutdownMarker(nextOffset, active.baseOffset, active.flushedPosition).write(dir, opener);
            }
        } finally {
            closed = true;
            batch.staging.clear();
            if (active != null) {
                active.closeChannel();
            }
            if (failure != null && listener != null) {
                try {
                    listener.close(batch);
                } catch (IOException e) {
                    LOG.debug("{}: releasing files after a write error", dir, e);
                }
            }
        }
    }
}
