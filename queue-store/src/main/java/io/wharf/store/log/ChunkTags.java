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
 * A per-chunk summary of the tag hashes in one segment: a 64-bit Bloom filter (two bits per tag hash) for each
 * chunk, a chunk being the records from one sparse-index entry to the next (the first chunk starts at the
 * segment's first record). A reader looking for a few tags skips every chunk whose word lacks their bits without
 * touching its records. An untagged record (hash 0) sets bit 0. False positives only cost a look at the chunk's
 * record headers; there are no false negatives.
 *
 * <p>The writer maintains it for the active segment as records are staged and writes it next to the segment when
 * it seals it ({@code <base>.tags}: the words, little-endian, then a CRC-32C of them). The file is a cache: a
 * segment found on disk at open loads it the first time a filtered reader needs it, and when it is missing, of the
 * wrong size (the index changed) or fails its CRC, the summary is built from the record headers instead (a wrong
 * summary could hide wanted records, so it is never trusted unchecked). Threads: as
 * {@link OffsetIndex}, the writer adds, readers read {@link #count} (volatile) before the array; a word covering
 * records not yet published may already hold their bits, which only adds false positives.
 */
final class ChunkTags {

    private volatile long[] words;
    private volatile int count;

    ChunkTags() {
        words = new long[16];
        count = 1;
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

    /** Writer: a record with {@code tagHash} joins the last chunk. */
    void add(int tagHash) {
        words[count - 1] |= bits(tagHash);
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

    /** Writes the summary to {@code file} (replaced); not forced: a torn file fails its CRC and is rebuilt. */
    void writeTo(Path file, ChannelOpener opener) throws IOException {
        int n = count;
        long[] array = words;
        ByteBuffer buf = ByteBuffer.allocate(n * 8 + 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            buf.putLong(array[i]);
        }
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, n * 8);
        buf.putInt((int) crc.getValue()).flip();
        try (FileChannel channel = opener.open(file, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
        }
    }

    /** The summary in {@code file} when it holds exactly {@code chunks} words with a matching CRC; else null. */
    static ChunkTags load(Path file, int chunks) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException missingOrUnreadable) {
            return null;
        }
        if (bytes.length != chunks * 8 + 4) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, chunks * 8);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (buf.getInt(chunks * 8) != (int) crc.getValue()) {
            return null;
        }
        ChunkTags tags = new ChunkTags();
        long[] array = new long[Math.max(16, chunks)];
        for (int i = 0; i < chunks; i++) {
            array[i] = buf.getLong();
        }
        tags.words = array;
        tags.count = chunks;
        return tags;
    }

    /** Builds the summary of a sealed segment from its record headers ({@code size} bytes) and its index. */
    static ChunkTags build(ByteBuffer map, int size, OffsetIndex index) {
        ChunkTags tags = new ChunkTags();
        int entries = index.count();
        int nextEntry = 0;
        long nextChunkAt = entries > 0 ? OffsetIndex.position(index.entryAt(0)) : Long.MAX_VALUE;
        int position = 0;
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
            tags.add(RecordLayout.tagHash(map, position));
            position += length;
        }
        return tags;
    }
}
