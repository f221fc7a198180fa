package io.wharf.store.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;
import java.util.NoSuchElementException;
import java.util.zip.CRC32C;

/**
 * One segment file {@code <20-digit base offset>.log} of a {@link SegmentedLog} and its sparse
 * {@link OffsetIndex}. Records are appended by the log writer through a {@link FileChannel} (so that
 * {@code force} means what it says) and read by any thread through one read-only memory mapping.
 *
 * <p>The active segment is mapped once for its whole capacity although the file only holds what was written:
 * Linux serves mapped pages once the file has grown over them, and readers only read below the published size.
 * Mapping once avoids a remap per read at the tail (and mappings piling up until the GC unmaps them). The file
 * itself never holds preallocated zeros, so its size is always the end of the written data.
 *
 * <p>Sealed segments keep their mapping and close their channel. A deleted segment's mapping stays valid
 * until the garbage collector drops the last slice that uses it.
 */
final class Segment {

    static final String LOG_SUFFIX = ".log";
    static final String INDEX_SUFFIX = ".index";
    static final String NEW_SUFFIX = ".new";
    static final String TAGS_SUFFIX = ".tags";

    final Path dir;
    final long baseOffset;
    final Path file;
    /** Little-endian, read-only, shared by all readers; only absolute gets and slices are used on it. */
    private final ByteBuffer map;
    final OffsetIndex index;
    /** Per-chunk tag summary: kept by the writer for segments it created, built on demand for recovered ones. */
    private volatile ChunkTags chunkTags;
    /**
     * The record {@link #nextWithTag} found last, {@link OffsetIndex#pack packed} (relative offset, position), or -1:
     * the read that follows finds it without walking headers from the sparse index entry before it.
     */
    private volatile long located = -1;
    /** Every record's position, for logs configured so ({@link LogConfig#recordPositions}); else null. */
    private volatile RecordPositions positions;

    // Writer thread only.
    private FileChannel channel;
    int writePosition;
    int flushedPosition;
    int recordCount;
    int lastIndexedPosition;
    boolean unforced;

    /** Bytes readers may read: complete records only. */
    private volatile int publishedSize;

    private Segment(Path dir, long baseOffset, ByteBuffer map, OffsetIndex index, FileChannel channel, int size,
                    int recordCount) {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.file = logFile(dir, baseOffset);
        this.map = map.order(RecordLayout.BYTE_ORDER);
        this.index = index;
        this.channel = channel;
        this.writePosition = size;
        this.flushedPosition = size;
        this.recordCount = recordCount;
        this.lastIndexedPosition = OffsetIndex.position(index.last());
        this.publishedSize = size;
    }

    static String fileName(long baseOffset, String suffix) {
        return String.format("%020d%s", baseOffset, suffix);
    }

    static Path logFile(Path dir, long baseOffset) {
        return dir.resolve(fileName(baseOffset, LOG_SUFFIX));
    }

    static Path indexFile(Path dir, long baseOffset) {
        return dir.resolve(fileName(baseOffset, INDEX_SUFFIX));
    }

    static Path tagsFile(Path dir, long baseOffset) {
        return dir.resolve(fileName(baseOffset, TAGS_SUFFIX));
    }

    /** The base offset named by {@code <20 digits>.log}, or -1 for any other name. */
    static long parseBaseOffset(String fileName) {
        if (fileName.length() != 20 + LOG_SUFFIX.length() || !fileName.endsWith(LOG_SUFFIX)) {
            return -1;
        }
        for (int i = 0; i < 20; i++) {
            char c = fileName.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        try {
            return Long.parseLong(fileName.substring(0, 20));
        } catch (NumberFormatException overflow) {
            return -1;
        }
    }

    /**
     * Creates an empty active segment. The file is created and mapped under a temporary name, because mapping
     * the capacity briefly grows the file, and only then renamed into place; the directory is forced so the
     * segment exists after a crash.
     */
    static Segment createActive(Path dir, long baseOffset, int capacity, LogConfig config, ChannelOpener opener)
            throws IOException {
        Path file = logFile(dir, baseOffset);
        Path temporary = dir.resolve(file.getFileName() + NEW_SUFFIX);
        Files.deleteIfExists(temporary);
        FileChannel channel = opener.open(temporary, EnumSet.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.READ, StandardOpenOption.WRITE));
        try {
            ByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, 0, capacity);
            channel.truncate(0);
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
            DurableFiles.forceDirectory(dir);
            Segment segment = new Segment(dir, baseOffset, map, new OffsetIndex(), channel, 0, 0);
            segment.chunkTags = config.tagPostings() ? ChunkTags.forWriter() : new ChunkTags();
            if (config.recordPositions()) {
                segment.positions = new RecordPositions();
            }
            return segment;
        } catch (IOException | RuntimeException e) {
            channel.close();
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /**
     * A recovered, sealed segment: {@code map} holds exactly its valid records; with {@code recordPositions}, their
     * positions are read from the headers now.
     */
    static Segment sealed(Path dir, long baseOffset, ByteBuffer map, OffsetIndex index, int recordCount,
            boolean recordPositions) {
        Segment segment = new Segment(dir, baseOffset, map, index, null, map.capacity(), recordCount);
        if (recordPositions) {
            segment.positions = RecordPositions.scan(map, map.capacity());
        }
        return segment;
    }

    /** Maps a segment file read-only, all of it. */
    static ByteBuffer mapReadOnly(Path file, ChannelOpener opener) throws IOException {
        try (FileChannel channel = opener.open(file, EnumSet.of(StandardOpenOption.READ))) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(RecordLayout.BYTE_ORDER);
        }
    }

    boolean isActive() {
        return channel != null;
    }

    int capacity() {
        return map.capacity();
    }

    /** Offset after the last record (writer view). */
    long nextOffset() {
        return baseOffset + recordCount;
    }

    ByteBuffer buffer() {
        return map;
    }

    int publishedSize() {
        return publishedSize;
    }

    // ---- writer side -------------------------------------------------------------------------------------

    /** Writer: a record of {@code length} bytes will be written at {@link #writePosition}. */
    void recordStaged(int length, int indexIntervalBytes) {
        recordStaged(length, indexIntervalBytes, 0);
    }

    /** Writer: as above, for a record whose fixed header carries {@code tagHash}. */
    void recordStaged(int length, int indexIntervalBytes, int tagHash) {
        int position = writePosition;
        ChunkTags tags = chunkTags;
        if (position - lastIndexedPosition >= indexIntervalBytes) {
            index.add(recordCount, position);
            lastIndexedPosition = position;
            if (tags != null) {
                tags.startChunk();
            }
        }
        if (tags != null) {
            tags.add(tagHash, recordCount, position);
        }
        RecordPositions known = positions;
        if (known != null) {
            known.add(position);
        }
        writePosition = position + length;
        recordCount++;
    }

    /** Writer: writes {@code bytes} at the flushed end of the file. */
    void write(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            flushedPosition += channel.write(bytes, flushedPosition);
        }
        unforced = true;
    }

    void force() throws IOException {
        if (unforced) {
            channel.force(false);
            unforced = false;
        }
    }

    void publish() {
        publishedSize = flushedPosition;
    }

    /**
     * Writer: the segment takes no more records. Forces it, then writes its index: an index file on disk thus
     * means the segment bytes were forced, which lets recovery trust sealed segments without a CRC scan.
     */
    void seal(ChannelOpener opener) throws IOException {
        channel.force(false);
        unforced = false;
        index.writeTo(indexFile(dir, baseOffset), opener);
        ChunkTags tags = chunkTags;
        if (tags != null) {
            tags.seal(recordCount);
            try {
                tags.writeTo(tagsFile(dir, baseOffset), opener, recordCount);
            } catch (IOException e) {
                // Only a cache: without it the summary is rebuilt from the record headers when needed.
                Files.deleteIfExists(tagsFile(dir, baseOffset));
            }
        }
        channel.close();
        channel = null;
    }

    /** Writer, active segment only: drops the records from {@code relative} on (file position {@code position}). */
    void truncate(int relative, int position) throws IOException {
        ChunkTags tags = chunkTags; // replaced once rebuilt below, never null meanwhile (a reader would build one)
        located = -1;
        index.truncateFrom(relative);
        if (positions != null) {
            positions.truncateFrom(relative);
        }
        lastIndexedPosition = OffsetIndex.position(index.last());
        channel.truncate(position);
        channel.force(false);
        writePosition = position;
        flushedPosition = position;
        recordCount = relative;
        unforced = false;
        publishedSize = position;
        chunkTags = ChunkTags.build(map, position, index, false, tags != null && tags.notesPostings());
    }

    /** Writer, sealed segment only: drops the records from {@code relative} on and rewrites the index. */
    void truncateSealed(int relative, int position, ChannelOpener opener) throws IOException {
        try (FileChannel writable = opener.open(file, EnumSet.of(StandardOpenOption.WRITE))) {
            writable.truncate(position);
            writable.force(false);
        }
        Files.deleteIfExists(tagsFile(dir, baseOffset));
        index.truncateFrom(relative);
        if (positions != null) {
            positions.truncateFrom(relative);
        }
        lastIndexedPosition = OffsetIndex.position(index.last());
        index.writeTo(indexFile(dir, baseOffset), opener);
        writePosition = position;
        flushedPosition = position;
        recordCount = relative;
        publishedSize = position;
        located = -1;
        chunkTags = null; // built again from the remaining records when a reader needs it
    }

    void closeChannel() throws IOException {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    /** Writer: closes and deletes the segment's files (log first, then index). */
    void delete() throws IOException {
        closeChannel();
        Files.deleteIfExists(file);
        Files.deleteIfExists(indexFile(dir, baseOffset));
        Files.deleteIfExists(tagsFile(dir, baseOffset));
    }

    // ---- reader side (any thread) -----------------------------------------------------------------------

    /**
     * The first record at or after {@code offset} whose tag hash is in {@code tagHashes}, as its offset; -1 when the
     * published records from there hold none. In a sealed segment a rare tag's records come from its postings list
     * and a tag the segment lacks costs nothing; other tags (and any tag in the active segment) are looked for in the
     * record headers of the chunks whose summary does not rule them out.
     */
    long nextWithTag(long offset, int[] tagHashes) {
        int limit = publishedSize;
        ChunkTags tags = summary(limit);
        long from = Math.max(offset, baseOffset);
        if (from - baseOffset > Integer.MAX_VALUE) {
            return -1;
        }
        int fromRelative = (int) (from - baseOffset);
        TagPostings postings = tags.postings();
        int[] scanned = tagHashes;
        long best = -1;
        if (postings != null) {
            int dense = 0;
            for (int hash : tagHashes) {
                int group = postings.group(hash);
                if (group >= 0) {
                    long next = postings.next(group, fromRelative);
                    if (next >= 0 && (best < 0 || next < best)) {
                        best = next;
                    }
                } else if (group == TagPostings.DENSE) {
                    dense++;
                }
            }
            if (dense == 0) {
                return found(best); // the usual case for a rare tag: no allocation, no header read
            }
            scanned = denseOnly(postings, tagHashes, dense);
        }
        // The headers of the chunks that may hold a scanned hash, up to the record the postings found (if any).
        tags.ensureWords(map, limit, index);
        int end = best < 0 ? limit : OffsetIndex.position(best);
        int position = positionOf(from, limit);
        if (position < 0) {
            return -1;
        }
        int chunk = chunkOf(position);
        long chunkEnd = chunkEnd(chunk);
        while (position < end && position <= limit - RecordLayout.HEADER_LENGTH) {
            if (!mayHold(tags.word(chunk), scanned)) {
                if (chunkEnd == Long.MAX_VALUE) {
                    break;
                }
                position = (int) chunkEnd;
                chunk++;
                chunkEnd = chunkEnd(chunk);
                continue;
            }
            int length = RecordLayout.length(map, position);
            if (length < RecordLayout.HEADER_LENGTH || length > limit - position) {
                break;
            }
            int hash = RecordLayout.tagHash(map, position);
            for (int h : scanned) {
                if (h == hash) {
                    return found(OffsetIndex.pack((int) (RecordLayout.offset(map, position) - baseOffset), position));
                }
            }
            position += length;
            if (position >= chunkEnd) {
                chunk++;
                chunkEnd = chunkEnd(chunk);
            }
        }
        return found(best);
    }

    /** The {@code dense} hashes of {@code tagHashes} that {@code postings} does not list. */
    private static int[] denseOnly(TagPostings postings, int[] tagHashes, int dense) {
        int[] scanned = new int[dense];
        int n = 0;
        for (int hash : tagHashes) {
            if (postings.group(hash) == TagPostings.DENSE) {
                scanned[n++] = hash;
            }
        }
        return scanned;
    }

    /** The offset of the record {@code packed} (or -1 for -1), remembered for the read that follows. */
    private long found(long packed) {
        if (packed < 0) {
            return -1;
        }
        located = packed;
        return baseOffset + OffsetIndex.relative(packed);
    }

    /** The tag summary, loaded or built on first use for a recovered segment. */
    private ChunkTags summary(int limit) {
        ChunkTags tags = chunkTags;
        if (tags == null) {
            // Recovered (sealed, never written again): the summary saved at seal, else built from the headers.
            tags = ChunkTags.load(tagsFile(dir, baseOffset), index.count() + 1, recordCount, limit);
            if (tags == null) {
                tags = ChunkTags.build(map, limit, index, true, true);
            }
            chunkTags = tags;
        }
        return tags;
    }

    private static boolean mayHold(long word, int[] tagHashes) {
        for (int hash : tagHashes) {
            long bits = ChunkTags.bits(hash);
            if ((word & bits) == bits) {
                return true;
            }
        }
        return false;
    }

    /** The chunk holding the record at file position {@code position}: the number of index entries at or before it. */
    private int chunkOf(int position) {
        int low = 0;
        int high = index.count() - 1;
        int chunk = 0;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (OffsetIndex.position(index.entryAt(mid)) <= position) {
                chunk = mid + 1;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return chunk;
    }

    /** The file position where chunk {@code chunk} ends (the next chunk starts); MAX_VALUE for the last one. */
    private long chunkEnd(int chunk) {
        return chunk < index.count() ? OffsetIndex.position(index.entryAt(chunk)) : Long.MAX_VALUE;
    }

    /**
     * The file position of the record {@code offset}, found from the nearest index entry; -1 when the
     * segment's published records do not contain it.
     */
    int positionOf(long offset) {
        return positionOf(offset, publishedSize);
    }

    /** {@link #positionOf(long)} among the records below file position {@code limit}. */
    int positionOf(long offset, int limit) {
        long relativeLong = offset - baseOffset;
        if (relativeLong < 0 || relativeLong > Integer.MAX_VALUE) {
            return -1;
        }
        RecordPositions known = positions;
        if (known != null) {
            int position = known.positionOf((int) relativeLong);
            if (position >= 0 && position <= limit - RecordLayout.HEADER_LENGTH
                    && RecordLayout.offset(map, position) == offset) {
                return position;
            }
        }
        long cached = located;
        if (cached >= 0 && OffsetIndex.relative(cached) == relativeLong) {
            int position = OffsetIndex.position(cached);
            if (position <= limit - RecordLayout.HEADER_LENGTH && RecordLayout.offset(map, position) == offset) {
                return position;
            }
        }
        long entry = index.floor((int) relativeLong);
        int position = OffsetIndex.position(entry);
        while (position <= limit - RecordLayout.HEADER_LENGTH) {
            long found = RecordLayout.offset(map, position);
            if (found == offset) {
                return position;
            }
            int length = RecordLayout.length(map, position);
            if (found > offset || length < RecordLayout.HEADER_LENGTH || length > limit - position) {
                return -1;
            }
            position += length;
        }
        return -1;
    }

    /** The payload of record {@code offset}, read-only, after checking its CRC. */
    ByteBuffer read(long offset) {
        int position = positionOf(offset);
        if (position < 0) {
            throw new NoSuchElementException("offset " + offset + " is not in segment " + file);
        }
        if (!RecordLayout.isValid(map, position, publishedSize, new CRC32C())) {
            throw new CorruptRecordException("record " + offset + " at position " + position + " of " + file
                    + " does not match its CRC-32C");
        }
        return RecordLayout.payload(map, position);
    }

    @Override
    public String toString() {
        return file.toString();
    }
}
