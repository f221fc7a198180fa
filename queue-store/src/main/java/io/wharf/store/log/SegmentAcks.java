package io.wharf.store.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.EnumSet;

/**
 * The settle state of one segment of a {@link FileQueueLog}: which records were acked and which were handed to
 * a consumer at least once ("delivered"), as two bitsets indexed by offset relative to the segment base, 1 bit
 * each. This is all the per-message memory the file queue log keeps; payloads and headers stay on disk.
 *
 * <p>Persisted in {@code <base>.acks} beside the segment, as records in the {@link RecordLayout} format
 * (kind {@link RecordLayout#KIND_ACK}, {@link RecordLayout#KIND_DELIVERED} or {@link RecordLayout#KIND_COMMITTED}
 * (prepared records whose transaction committed), offset field = the segment base,
 * payload = little-endian int32 relative offsets). The writer thread appends one such record per kind per batch
 * for the segment and does not force it on its own (see {@link FileQueueLog}). The file is deleted with the
 * segment, so it never needs compacting. A damaged tail is cut off on open (acks lost mean redelivery, never
 * loss); entries for records the log no longer holds are dropped by rewriting the file.
 *
 * <p>Writer thread only, except during open and {@link FileQueueLog#recover} (before any settle request).
 */
final class SegmentAcks {

    static final String SUFFIX = ".acks";

    final Segment segment;
    private final Path file;
    private long[] acked;
    private long[] delivered;
    /** Prepared (transactional) records whose transaction committed; allocated on first use. */
    private long[] committed = new long[0];
    private int ackedCount;

    private FileChannel channel;
    private long fileSize;
    private boolean unforced;
    private int[] pendingAcks = new int[16];
    private int pendingAckCount;
    private int[] pendingDelivered = new int[16];
    private int pendingDeliveredCount;
    private int[] pendingCommitted = new int[16];
    private int pendingCommittedCount;

    /** Set by {@link #load} when the file had a damaged tail: the bytes cut off. */
    long bytesDropped;

    private SegmentAcks(Segment segment, int records) {
        this.segment = segment;
        this.file = file(segment.dir, segment.baseOffset);
        int words = Math.max(1, (records + 63) >>> 6);
        this.acked = new long[words];
        this.delivered = new long[words];
    }

    static Path file(Path dir, long baseOffset) {
        return dir.resolve(Segment.fileName(baseOffset, SUFFIX));
    }

    static SegmentAcks empty(Segment segment) {
        return new SegmentAcks(segment, 64);
    }

    /**
     * Reads the segment's ack file (if any), validating each record. Cuts a damaged tail off; rewrites the file
     * when it names records the segment does not hold (lost in a crash, their offsets to be reused).
     */
    static SegmentAcks load(Segment segment, ChannelOpener opener) throws IOException {
        int records = segment.recordCount;
        SegmentAcks state = new SegmentAcks(segment, records);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(state.file);
        } catch (NoSuchFileException none) {
            return state;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(RecordLayout.BYTE_ORDER);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        boolean stale = false;
        int position = 0;
        while (position < bytes.length && RecordLayout.isValid(buf, position, bytes.length, crc)
                && RecordLayout.offset(buf, position) == segment.baseOffset
                && (RecordLayout.length(buf, position) - RecordLayout.HEADER_LENGTH) % 4 == 0) {
            int kind = RecordLayout.kind(buf, position);
            int end = position + RecordLayout.length(buf, position);
            for (int p = position + RecordLayout.HEADER_LENGTH; p < end; p += 4) {
                int relative = buf.getInt(p);
                if (relative < 0 || relative >= records) {
                    stale = true;
                } else if (kind == RecordLayout.KIND_ACK) {
                    state.setAcked(relative);
                } else if (kind == RecordLayout.KIND_DELIVERED) {
                    setBit(state.delivered, relative);
                } else if (kind == RecordLayout.KIND_COMMITTED) {
                    state.committed = ensure(state.committed, relative);
                    setBit(state.committed, relative);
                }
            }
            position = end;
        }
        state.bytesDropped = bytes.length - position;
        if (stale || state.bytesDropped > 0) {
            state.rewrite(opener);
        }
        state.fileSize = Files.size(state.file);
        return state;
    }

    boolean isAcked(int relative) {
        return getBit(acked, relative);
    }

    boolean isDelivered(int relative) {
        return getBit(delivered, relative);
    }

    boolean isCommitted(int relative) {
        return getBit(committed, relative);
    }

    /** Marks a prepared record committed; false when it already was, or is acked. */
    boolean markCommitted(int relative) {
        if (getBit(acked, relative) || getBit(committed, relative)) {
            return false;
        }
        committed = ensure(committed, relative);
        setBit(committed, relative);
        pendingCommitted = add(pendingCommitted, pendingCommittedCount++, relative);
        return true;
    }

    int ackedCount() {
        return ackedCount;
    }

    /** True when every record of a sealed segment is acked: nothing live points into it. */
    boolean allAcked() {
        return !segment.isActive() && ackedCount == segment.recordCount;
    }

    /** Marks a record acked; false when it already was. */
    boolean ack(int relative) {
        if (!setAcked(relative)) {
            return false;
        }
        pendingAcks = add(pendingAcks, pendingAckCount++, relative);
        return true;
    }

    /** Marks a record delivered; false when it already was, or is acked. */
    boolean markDelivered(int relative) {
        if (getBit(acked, relative) || getBit(delivered, relative)) {
            return false;
        }
        delivered = ensure(delivered, relative);
        setBit(delivered, relative);
        pendingDelivered = add(pendingDelivered, pendingDeliveredCount++, relative);
        return true;
    }

    private boolean setAcked(int relative) {
        acked = ensure(acked, relative);
        if (getBit(acked, relative)) {
            return false;
        }
        setBit(acked, relative);
        ackedCount++;
        return true;
    }

    /** Appends the pending acks and delivered marks to the file, through the batch's staging buffer. */
    void writePending(WriterBatch batch, ChannelOpener opener) throws IOException {
        if (pendingAckCount == 0 && pendingDeliveredCount == 0 && pendingCommittedCount == 0) {
            return;
        }
        if (channel == null) {
            channel = opener.open(file, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE));
            fileSize = channel.size();
        }
        ByteBuffer staging = batch.staging;
        staging.clear();
        stage(batch, RecordLayout.KIND_ACK, pendingAcks, pendingAckCount);
        stage(batch, RecordLayout.KIND_DELIVERED, pendingDelivered, pendingDeliveredCount);
        stage(batch, RecordLayout.KIND_COMMITTED, pendingCommitted, pendingCommittedCount);
        flush(staging);
        pendingAckCount = 0;
        pendingDeliveredCount = 0;
        pendingCommittedCount = 0;
    }

    private void stage(WriterBatch batch, int kind, int[] entries, int count) throws IOException {
        ByteBuffer staging = batch.staging;
        int maxPerRecord = (staging.capacity() - RecordLayout.HEADER_LENGTH) / 4;
        for (int from = 0; from < count; from += maxPerRecord) {
            int n = Math.min(maxPerRecord, count - from);
            int length = RecordLayout.HEADER_LENGTH + n * 4;
            if (staging.remaining() < length) {
                flush(staging);
            }
            int position = staging.position();
            RecordLayout.putHeader(staging, position, length, segment.baseOffset, batch.nowMs,
                    RecordLayout.flagsFor(kind, false), 0, 0, 0, 0);
            for (int i = 0; i < n; i++) {
                staging.putInt(position + RecordLayout.HEADER_LENGTH + i * 4, entries[from + i]);
            }
            RecordLayout.putCrc(staging, position, batch.crc);
            staging.position(position + length);
        }
    }

    private void flush(ByteBuffer staging) throws IOException {
        staging.flip();
        while (staging.hasRemaining()) {
            fileSize += channel.write(staging, fileSize);
        }
        staging.clear();
        unforced = true;
    }

    /**
     * Forces what was written and not forced yet, through a short-lived channel when the file's own was closed
     * (a force flushes the file, whichever descriptor asks). Answers whether a force was needed.
     */
    boolean force(ChannelOpener opener) throws IOException {
        if (!unforced) {
            return false;
        }
        if (channel != null) {
            channel.force(false);
        } else {
            try (FileChannel temporary = opener.open(file, EnumSet.of(StandardOpenOption.WRITE))) {
                temporary.force(false);
            }
        }
        unforced = false;
        return true;
    }

    boolean isOpen() {
        return channel != null;
    }

    /** Closes the channel (it reopens on the next write); unforced bytes stay marked for {@link #force}. */
    void close() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    void delete() throws IOException {
        close();
        unforced = false;
        Files.deleteIfExists(file);
    }

    /** Replaces the file by one ack, one delivered and one committed record holding the current bitsets. */
    private void rewrite(ChannelOpener opener) throws IOException {
        int[] acks = members(acked, ackedCount);
        int[] marks = members(delivered, -1);
        int[] commits = members(committed, -1);
        ByteBuffer content = ByteBuffer.allocate(3 * RecordLayout.HEADER_LENGTH
                        + 4 * (acks.length + marks.length + commits.length)).order(RecordLayout.BYTE_ORDER);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        int position = 0;
        for (int kind : new int[] {RecordLayout.KIND_ACK, RecordLayout.KIND_DELIVERED, RecordLayout.KIND_COMMITTED}) {
            int[] entries = kind == RecordLayout.KIND_ACK ? acks : kind == RecordLayout.KIND_DELIVERED ? marks
                    : commits;
            int length = RecordLayout.HEADER_LENGTH + 4 * entries.length;
            RecordLayout.putHeader(content, position, length, segment.baseOffset, System.currentTimeMillis(),
                    RecordLayout.flagsFor(kind, false), 0, 0, 0, 0);
            for (int i = 0; i < entries.length; i++) {
                content.putInt(position + RecordLayout.HEADER_LENGTH + 4 * i, entries[i]);
            }
            RecordLayout.putCrc(content, position, crc);
            position += length;
        }
        DurableFiles.replace(file, content, opener);
    }

    private static int[] members(long[] bits, int knownCount) {
        int count = knownCount;
        if (count < 0) {
            count = 0;
            for (long word : bits) {
                count += Long.bitCount(word);
            }
        }
        int[] result = new int[count];
        int n = 0;
        for (int w = 0; w < bits.length; w++) {
            long word = bits[w];
            while (word != 0) {
                result[n++] = (w << 6) + Long.numberOfTrailingZeros(word);
                word &= word - 1;
            }
        }
        return result;
    }

    private static long[] ensure(long[] bits, int relative) {
        int word = relative >>> 6;
        return word < bits.length ? bits : Arrays.copyOf(bits, Math.max(word + 1, bits.length * 2));
    }

    private static boolean getBit(long[] bits, int relative) {
        int word = relative >>> 6;
        return word < bits.length && (bits[word] & (1L << relative)) != 0;
    }

    private static void setBit(long[] bits, int relative) {
        bits[relative >>> 6] |= 1L << relative;
    }

    private static int[] add(int[] array, int index, int value) {
        int[] target = index < array.length ? array : Arrays.copyOf(array, array.length * 2);
        target[index] = value;
        return target;
    }
}
