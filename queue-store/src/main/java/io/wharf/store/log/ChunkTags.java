package io.wharf.store.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
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

    /** First int of the file: "WTG3", postings first, then the chunk words. */
    private static final int MAGIC = 0x57544733;
    /** Magic, record count, chunk count, postings length. */
    private static final int HEAD_BYTES = 16;

    private volatile long[] words;
    private volatile int count;
    /** The sealed segment's rare-tag postings; null while the segment is active. */
    private volatile TagPostings postings;
    /** Writer only, active segment: the tagged records noted so far; dropped once the postings are built. */
    private TagPostings.Builder notes;
    /** Where the second part (first CRC, words, CRC) of a summary loaded without its words starts; see {@link #load}. */
    private Path wordsFile;
    private long wordsAt;

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

    /**
     * The summary word of chunk {@code chunk}; all bits set past the known chunks (nothing can be ruled out). A
     * summary loaded without its words needs {@link #ensureWords} first.
     */
    long word(int chunk) {
        int n = count;
        long[] array = words;
        return chunk < n ? array[chunk] : -1L;
    }

    /**
     * Writes the summary of a sealed segment of {@code recordCount} records to {@code file} (replaced), not forced: a
     * torn file fails its CRCs and is rebuilt. Layout, little-endian, in two parts so that a reader after rare tags
     * loads the small first one only: the magic {@code "WTG3"}, the record count, the chunk count, the length of
     * the postings, the postings ({@link TagPostings#writeTo}; none for a log without them), a CRC-32C of all that;
     * then the chunk words and a CRC-32C of the first CRC and the words.
     */
    void writeTo(Path file, ChannelOpener opener, int recordCount) throws IOException {
        int n = count;
        long[] array = words;
        TagPostings sealed = postings;
        int postingsLength = sealed == null ? 0 : sealed.encodedBytes();
        int head = HEAD_BYTES + postingsLength;
        ByteBuffer buf = ByteBuffer.allocate(head + 4 + n * 8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.putInt(MAGIC).putInt(recordCount).putInt(n).putInt(postingsLength);
        if (sealed != null) {
            sealed.writeTo(buf);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, head);
        buf.putInt((int) crc.getValue());
        buf.asLongBuffer().put(array, 0, n);
        buf.position(buf.position() + n * 8);
        crc.reset();
        crc.update(buf.array(), head, 4 + n * 8); // the first part's CRC too: the two parts belong together
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
     * {@code recordCount} records within {@code size} bytes, and its CRC matches; else null. Only the first part is
     * read when the file has postings: the chunk words follow on demand ({@link #ensureWords}).
     */
    static ChunkTags load(Path file, int chunks, int recordCount, int size) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            ByteBuffer fixed = readFully(channel, 0, HEAD_BYTES);
            if (fixed == null || fixed.getInt(0) != MAGIC || fixed.getInt(4) != recordCount
                    || fixed.getInt(8) != chunks) {
                return null;
            }
            int postingsLength = fixed.getInt(12);
            int head = HEAD_BYTES + postingsLength;
            if (postingsLength < 0 || fileSize != (long) head + 4 + chunks * 8L + 4) {
                return null;
            }
            ByteBuffer first = readFully(channel, 0, head + 4);
            if (first == null || !crcMatches(first, 0, head)) {
                return null;
            }
            ChunkTags tags = new ChunkTags();
            tags.wordsFile = file;
            tags.wordsAt = head;
            tags.count = chunks;
            if (postingsLength > 0) {
                ByteBuffer block = first.position(HEAD_BYTES).limit(head).slice().order(ByteOrder.LITTLE_ENDIAN);
                TagPostings postings = TagPostings.readFrom(block, recordCount, size);
                if (postings == null || block.hasRemaining()) {
                    return null;
                }
                tags.postings = postings;
                tags.words = null; // loaded when a scan needs them
            } else if (!tags.loadWords(channel)) {
                // A log without postings (see LogConfig#tagPostings) scans with the words: they must be there.
                return null;
            }
            return tags;
        } catch (IOException missingOrUnreadable) {
            return null;
        }
    }

    /**
     * Makes sure the chunk words are in memory before a scan: from the file's second part, or, when that is gone or
     * damaged, from the record headers ({@code size} bytes of {@code map}, with {@code index}).
     */
    void ensureWords(ByteBuffer map, int size, OffsetIndex index) {
        if (words != null) {
            return;
        }
        try (FileChannel channel = FileChannel.open(wordsFile, StandardOpenOption.READ)) {
            if (loadWords(channel)) {
                return;
            }
        } catch (IOException missingOrUnreadable) {
            // rebuilt below
        }
        ChunkTags built = build(map, size, index, false, false);
        count = built.count;
        words = built.words;
    }

    private boolean loadWords(FileChannel channel) throws IOException {
        int n = count;
        ByteBuffer part = readFully(channel, wordsAt, 4 + n * 8 + 4);
        if (part == null || !crcMatches(part, 0, 4 + n * 8)) {
            return false;
        }
        long[] array = new long[Math.max(16, n)];
        part.position(4).slice().order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(array, 0, n);
        words = array;
        return true;
    }

    /** {@code length} bytes at {@code position}, little-endian, or null when the file ends before. */
    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (buf.hasRemaining()) {
            if (channel.read(buf, position + buf.position()) < 0) {
                return null;
            }
        }
        return buf.flip();
    }

    /** Whether the int after {@code length} bytes at {@code from} is their CRC-32C. */
    private static boolean crcMatches(ByteBuffer buf, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), buf.arrayOffset() + from, length);
        return buf.getInt(from + length) == (int) crc.getValue();
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
