package io.wharf.store.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.zip.CRC32C;

/**
 * The tag summary of one segment. First, per chunk: a 64-bit Bloom filter (two bits per tag hash), a chunk being
 * the records from one sparse-index entry to the next (the first chunk starts at the segment's first record). A
 * reader looking for a few tags skips every chunk whose word lacks their bits without touching its records. An
 * untagged record (hash 0) sets bit 0. False positives only cost a look at the chunk's record headers; there are no
 * false negatives. Second, once the segment is sealed, its {@link TagPostings}: the records of its rare tags, so a
 * reader after one of those goes straight to them.
 *
 * <p>The writer maintains the words for the active segment as records are staged, notes its tagged records, and
 * when it seals the segment builds the postings and writes both next to it ({@code <base>.tags}, see
 * {@link #writeTo}). The file is a cache: a segment found on disk at open loads it the first time a filtered reader
 * needs it, and when it is missing, of another format, describes another number of chunks or records (the segment
 * changed) or fails its CRC, the summary is built from the record headers instead (a wrong summary could hide
 * wanted records, so it is never trusted unchecked). Threads: as {@link OffsetIndex}, the writer adds, readers read
 * {@link #count} (volatile) before the array; a word covering records not yet published may already hold their
 * bits, which only adds false positives. The postings are published once, complete, through a volatile field.
 */
final class ChunkTags {

    /** First int of the file: "WTG2", the format with postings. */
    private static final int MAGIC = 0x57544732;

    private volatile long[] words;
    private volatile int count;
    /** The sealed segment's rare-tag postings; null while the segment is active. */
    private volatile TagPostings postings;
    /** Writer only, active segment: the tagged records noted so far; dropped once the postings are built. */
    private TagPostings.Builder notes;

    ChunkTags() {
        words = new long[16];
        count = 1;
    }

    /** A summary for a segment the writer appends to: tagged records are noted for the postings built at seal. */
    static ChunkTags forWriter() {
        ChunkTags tags = new ChunkTags();
        tags.notes = new TagPostings.Builder();
        return tags;
    }

    static long bits(int tagHash) {
        return (1L << (tagHash & 63)) | (1L << ((tagHash >>> 6) & 63));
    }

    /** Writer: the next record starts a new chunk (it got an index entry). */
    void startChunk() {
        long[] array = words;
        int n = count;
        if (n == array.length) {
            array = Arrays.copyOf(array, n * 2);
            words = array;
        }
        array[n] = 0;
        count = n + 1;
    }

    /**
     * Writer: the record with {@code tagHash} at relative offset {@code relative} and file position
     * {@code position} joins the last chunk (and is noted for the postings).
     */
    void add(int tagHash, int relative, int position) {
        words[count - 1] |= bits(tagHash);
        if (notes != null) {
            notes.add(tagHash, relative, position);
        }
    }

    /** Whether the writer notes tagged records for postings. */
    boolean notesPostings() {
        return notes != null;
    }

    /** Writer: the segment holds {@code recordCount} records and takes no more; builds its postings. */
    void seal(int recordCount) {
        if (notes != null) {
            postings = notes.build(recordCount);
            notes = null;
        }
    }

    /** The rare-tag postings, or null while the segment is active. */
    TagPostings postings() {
        return postings;
    }

    int count() {
        return count;
    }

    /** The summary word of chunk {@code chunk}; all bits set past the known chunks (nothing can be ruled out). */
    long word(int chunk) {
        int n = count;
        long[] array = words;
        return chunk < n ? array[chunk] : -1L;
    }

    /**
     * Writes the summary of a sealed segment of {@code recordCount} records to {@code file} (replaced), not forced: a
     * torn file fails its CRC and is rebuilt. Layout, little-endian: the magic {@code "WTG2"}, the record count, the
     * chunk count, the chunk words, the postings ({@link TagPostings#writeTo}), then a CRC-32C of all before it.
     */
    void writeTo(Path file, ChannelOpener opener, int recordCount) throws IOException {
        int n = count;
        long[] array = words;
        TagPostings sealed = postings;
        int length = 12 + n * 8 + (sealed == null ? 0 : sealed.encodedBytes());
        ByteBuffer buf = ByteBuffer.allocate(length + 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(MAGIC).putInt(recordCount).putInt(n);
        buf.asLongBuffer().put(array, 0, n);
        buf.position(buf.position() + n * 8);
        if (sealed != null) {
            sealed.writeTo(buf);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, length);
        buf.putInt((int) crc.getValue()).flip();
        try (FileChannel channel = opener.open(file, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }
    }

    /**
     * The summary in {@code file} when it is in this format, describes exactly {@code chunks} chunks and
     * {@code recordCount} records within {@code size} bytes, and its CRC matches; else null.
     */
    static ChunkTags load(Path file, int chunks, int recordCount, int size) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException missingOrUnreadable) {
            return null;
        }
        int length = bytes.length - 4;
        if (length < 12 + chunks * 8) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, length);
        if (buf.getInt(length) != (int) crc.getValue() || buf.getInt() != MAGIC || buf.getInt() != recordCount
                || buf.getInt() != chunks) {
            return null;
        }
        ChunkTags tags = new ChunkTags();
        long[] array = new long[Math.max(16, chunks)];
        buf.asLongBuffer().get(array, 0, chunks);
        buf.position(buf.position() + chunks * 8);
        // A log without postings (see LogConfig#tagPostings) saves the words only.
        TagPostings postings = null;
        if (buf.limit(length).hasRemaining()) {
            postings = TagPostings.readFrom(buf, recordCount, size);
            if (postings == null || buf.hasRemaining()) {
                return null;
            }
        }
        tags.words = array;
        tags.count = chunks;
        tags.postings = postings;
        return tags;
    }

    /**
     * Builds the summary of a segment from its record headers ({@code size} bytes) and its index; with its postings
     * when {@code postings} (built now when {@code sealed}, else noted for the writer to go on appending).
     */
    static ChunkTags build(ByteBuffer map, int size, OffsetIndex index, boolean sealed, boolean postings) {
        ChunkTags tags = postings ? forWriter() : new ChunkTags();
        int entries = index.count();
        int nextEntry = 0;
        long nextChunkAt = entries > 0 ? OffsetIndex.position(index.entryAt(0)) : Long.MAX_VALUE;
        int position = 0;
        int records = 0;
        while (position <= size - RecordLayout.HEADER_LENGTH) {
            int length = RecordLayout.length(map, position);
            if (length < RecordLayout.HEADER_LENGTH || length > size - position) {
                break;
            }
            while (position >= nextChunkAt) {
                tags.startChunk();
                nextEntry++;
                nextChunkAt = nextEntry < entries ? OffsetIndex.position(index.entryAt(nextEntry)) : Long.MAX_VALUE;
            }
            tags.add(RecordLayout.tagHash(map, position), records, position);
            records++;
            position += length;
        }
        if (sealed) {
            tags.seal(records);
        }
        return tags;
    }
}
