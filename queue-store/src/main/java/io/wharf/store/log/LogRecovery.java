package io.wharf.store.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a log folder: finds the segments, decides which can be trusted, scans the rest record by record,
 * truncates at the first bad record, drops everything after it, rebuilds indexes, and reports what was lost.
 *
 * <p>Which segments are scanned (length bounds, CRC-32C, consecutive offsets):
 * <ul>
 *   <li>after a clean shutdown (valid marker matching the files): none;</li>
 *   <li>otherwise the last segment, which was the active one when the broker stopped;</li>
 *   <li>and any segment whose index is missing or fails validation. A sealed segment's index is written only
 *       after the segment was forced, so a sealed segment with an index on disk holds forced bytes; its index
 *       is checked entry by entry and the records after its last entry (one index interval) are CRC-checked.</li>
 * </ul>
 *
 * After recovery every segment is sealed and forced with an index on disk; the caller starts a new active
 * segment at the next offset.
 */
final class LogRecovery {

    private static final Logger LOG = LoggerFactory.getLogger(LogRecovery.class);

    /** The recovered, sealed segments in offset order, and what happened. */
    record Result(List<Segment> segments, long nextOffset, RecoveryReport report) {
    }

    private final Path dir;
    private final LogConfig config;
    private final ChannelOpener opener;
    private final CRC32C crc = new CRC32C();

    private boolean clean;
    private int segmentsScanned;
    private int indexesRebuilt;
    private long firstLostOffset = -1;
    private long lastLostOffset = -1;
    private long bytesDropped;
    private int segmentsDropped;

    private LogRecovery(Path dir, LogConfig config, ChannelOpener opener) {
        this.dir = dir;
        this.config = config;
        this.opener = opener;
    }

    static Result recover(Path dir, LogConfig config, ChannelOpener opener) throws IOException {
        Files.createDirectories(dir);
        return new LogRecovery(dir, config, opener).run();
    }

    private Result run() throws IOException {
        deleteLeftovers();
        List<Long> bases = segmentBaseOffsets();
        CleanShutdownMarker marker = CleanShutdownMarker.read(dir);
        clean = marker != null && !bases.isEmpty()
                && marker.lastSegmentBaseOffset() == bases.get(bases.size() - 1)
                && marker.lastSegmentSize() == Files.size(Segment.logFile(dir, bases.get(bases.size() - 1)));

        List<Segment> kept = new ArrayList<>();
        long nextOffset = 0;
        for (int i = 0; i < bases.size(); i++) {
            long base = bases.get(i);
            if (firstLostOffset >= 0) {
                drop(base);
                continue;
            }
            if (base < nextOffset) {
                // Overlaps the previous segment: cannot be a segment this log wrote.
                firstLostOffset = nextOffset;
                lastLostOffset = nextOffset;
                drop(base);
                continue;
            }
            Segment segment = recoverSegment(base, !clean && i == bases.size() - 1);
            nextOffset = segment.nextOffset();
            if (segment.recordCount == 0) {
                deleteSegmentFiles(dir, base);
            } else {
                kept.add(segment);
            }
        }
        if (clean && marker.nextOffset() != nextOffset) {
            LOG.warn("{}: clean-shutdown marker says next offset {} but the segments end at {}", dir,
                    marker.nextOffset(), nextOffset);
        }
        if (firstLostOffset >= 0) {
            lastLostOffset = Math.max(lastLostOffset, firstLostOffset);
        }
        RecoveryReport report = new RecoveryReport(dir, clean, kept.size(), segmentsScanned, indexesRebuilt, nextOffset,
                firstLostOffset, lastLostOffset, bytesDropped, segmentsDropped);
        if (report.lostData()) {
            LOG.warn("{}: recovery truncated the log: offsets {}..{} lost ({} records known), {} bytes dropped, {}"
                            + " later segments deleted", dir, firstLostOffset, lastLostOffset, report.recordsLost(),
                    bytesDropped, segmentsDropped);
        } else {
            LOG.debug("{}: recovered {} segments (clean shutdown: {}, scanned: {}, indexes rebuilt: {}), next offset {}",
                    dir, kept.size(), clean, segmentsScanned, indexesRebuilt, nextOffset);
        }
        if (marker != null || Files.exists(CleanShutdownMarker.file(dir))) {
            DurableFiles.delete(CleanShutdownMarker.file(dir));
        }
        return new Result(kept, nextOffset, report);
    }

    private Segment recoverSegment(long base, boolean mustScan) throws IOException {
        Path file = Segment.logFile(dir, base);
        long fileSize = Files.size(file);
        if (fileSize > RecordLayout.MAX_RECORD_LENGTH) {
            throw new IOException(file + " is " + fileSize + " bytes, larger than any segment this log writes");
        }
        ByteBuffer map = Segment.mapReadOnly(file, opener);
        int size = map.capacity();
        if (!mustScan) {
            OffsetIndex index = OffsetIndex.load(Segment.indexFile(dir, base), map, size, base);
            int count = index == null ? -1 : trustedRecordCount(map, size, base, index);
            if (count >= 0) {
                return Segment.sealed(dir, base, map, index, count, config.recordPositions());
            }
            indexesRebuilt++;
        }
        segmentsScanned++;
        // The tag summary saved with the old index may not describe what the scan keeps.
        Files.deleteIfExists(Segment.tagsFile(dir, base));
        OffsetIndex index = new OffsetIndex();
        int position = 0;
        int count = 0;
        int lastIndexed = 0;
        while (position < size && RecordLayout.isValid(map, position, size, crc)
                && RecordLayout.offset(map, position) == base + count) {
            if (position - lastIndexed >= config.indexIntervalBytes()) {
                index.add(count, position);
                lastIndexed = position;
            }
            position += RecordLayout.length(map, position);
            count++;
        }
        try (FileChannel channel = opener.open(file, EnumSet.of(StandardOpenOption.WRITE))) {
            if (position < size) {
                firstLostOffset = base + count;
                lastLostOffset = lastRecordOffset(map, position, size, firstLostOffset);
                bytesDropped += size - position;
                channel.truncate(position);
            }
            // The scanned bytes may have been in the page cache only (the process died, not the machine).
            channel.force(false);
        }
        if (position < size) {
            map = Segment.mapReadOnly(file, opener);
        }
        if (count > 0) {
            index.writeTo(Segment.indexFile(dir, base), opener);
        }
        return Segment.sealed(dir, base, map, index, count, config.recordPositions());
    }

    /**
     * The record count of a sealed segment whose index validated: the records after the last index entry must
     * run, CRC-checked and with consecutive offsets, exactly to the end of the file. -1 when they do not.
     */
    private int trustedRecordCount(ByteBuffer map, int size, long base, OffsetIndex index) {
        long last = index.last();
        int position = OffsetIndex.position(last);
        int count = OffsetIndex.relative(last);
        while (position < size) {
            if (!RecordLayout.isValid(map, position, size, crc) || RecordLayout.offset(map, position) != base + count) {
                return -1;
            }
            position += RecordLayout.length(map, position);
            count++;
        }
        return count;
    }

    /** Deletes a segment that follows the first bad record, counting what it held. */
    private void drop(long base) throws IOException {
        Path file = Segment.logFile(dir, base);
        long size = Files.size(file);
        if (size > 0 && size <= RecordLayout.MAX_RECORD_LENGTH) {
            ByteBuffer map = Segment.mapReadOnly(file, opener);
            // Its records are numbered from its base: that bounds the offsets worth recognising.
            long minOffset = Math.max(firstLostOffset, base);
            lastLostOffset = Math.max(lastLostOffset, lastRecordOffset(map, 0, map.capacity(), minOffset));
        }
        bytesDropped += size;
        segmentsDropped++;
        deleteSegmentFiles(dir, base);
    }

    /**
     * The highest offset of an intact record (length in bounds, CRC valid, offset not below {@code minOffset})
     * found in [from, limit), stepping byte by byte over damage; -1 when there is none. Only used to report the
     * lost range, so damage in a length field does not hide the records behind it.
     */
    private long lastRecordOffset(ByteBuffer map, int from, int limit, long minOffset) {
        long found = -1;
        long min = minOffset;
        long maxRecords = (limit - from) / RecordLayout.HEADER_LENGTH + 1L;
        int position = from;
        while (position <= limit - RecordLayout.HEADER_LENGTH) {
            long offset = RecordLayout.offset(map, position);
            if (offset >= min && offset - minOffset <= maxRecords && RecordLayout.isValid(map, position, limit, crc)) {
                found = offset;
                min = offset + 1;
                position += RecordLayout.length(map, position);
            } else {
                position++;
            }
        }
        return found;
    }

    /** Deletes every file of segment {@code base}: the log first, then its index and any other file of that base. */
    static void deleteSegmentFiles(Path dir, long base) throws IOException {
        Files.deleteIfExists(Segment.logFile(dir, base));
        String prefix = Segment.fileName(base, ".");
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
        DurableFiles.forceDirectory(dir);
    }

    private void deleteLeftovers() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                "*{" + Segment.NEW_SUFFIX + "," + DurableFiles.TEMPORARY_SUFFIX + "}")) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    private List<Long> segmentBaseOffsets() throws IOException {
        List<Long> bases = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + Segment.LOG_SUFFIX)) {
            for (Path file : files) {
                long base = Segment.parseBaseOffset(file.getFileName().toString());
                if (base >= 0) {
                    bases.add(base);
                } else {
                    LOG.warn("{}: ignoring {}, not a segment name", dir, file.getFileName());
                }
            }
        }
        bases.sort(null);
        return bases;
    }
}
