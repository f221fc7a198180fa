package io.wharf.store.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.EnumSet;

/**
 * The sparse offset index of one segment: (offset relative to the segment base, file position of that record)
 * pairs, one at most every {@code indexIntervalBytes} of records, sorted by both. In memory the pairs are packed
 * into longs ({@code relative << 32 | position}), which sort the same way.
 *
 * <p>On disk ({@code <base>.index}) the same pairs are stored as two little-endian int32 each, nothing else. The
 * file is a cache written when a segment is sealed: {@link #load} validates it against the segment and answers
 * null when it is missing or damaged, and the caller rebuilds it by scanning the segment.
 *
 * <p>Threads: the log writer adds and truncates; readers search concurrently. A reader reads {@link #count}
 * (volatile) before {@link #entries}, and the writer publishes a grown array before the count that needs it.
 */
final class OffsetIndex {

    static final int ENTRY_BYTES = 8;

    private volatile long[] entries;
    private volatile int count;

    OffsetIndex() {
        this(new long[16], 0);
    }

    private OffsetIndex(long[] entries, int count) {
        this.entries = entries;
        this.count = count;
    }

    /** Writer only. {@code relative} and {@code position} must be larger than those of the last entry. */
    void add(int relative, int position) {
        long[] array = entries;
        int n = count;
        if (n == array.length) {
            array = Arrays.copyOf(array, n * 2);
            entries = array;
        }
        array[n] = pack(relative, position);
        count = n + 1;
    }

    /** Writer only: drops the entries for records at or after {@code relative}. */
    void truncateFrom(int relative) {
        long[] array = entries;
        int n = count;
        while (n > 0 && relative(array[n - 1]) >= relative) {
            n--;
        }
        count = n;
    }

    int count() {
        return count;
    }

    /**
     * The position of the record with the greatest indexed relative offset not above {@code relative}, packed with
     * that offset; {@code pack(0, 0)} when there is none (the first record of a segment is at position 0).
     */
    long floor(int relative) {
        int n = count;
        long[] array = entries;
        int low = 0;
        int high = n - 1;
        long found = 0;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            long entry = array[mid];
            if (relative(entry) <= relative) {
                found = entry;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return found;
    }

    /** Entry {@code i} (packed), {@code 0 <= i < count()}. */
    long entryAt(int i) {
        return entries[i];
    }

    long last() {
        int n = count;
        return n == 0 ? 0 : entries[n - 1];
    }

    static long pack(int relative, int position) {
        return ((long) relative << 32) | (position & 0xFFFF_FFFFL);
    }

    static int relative(long entry) {
        return (int) (entry >>> 32);
    }

    static int position(long entry) {
        return (int) entry;
    }

    /** Writes the index to {@code file} and forces it (the file is replaced). */
    void writeTo(Path file, ChannelOpener opener) throws IOException {
        int n = count;
        long[] array = entries;
        ByteBuffer buf = ByteBuffer.allocate(n * ENTRY_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            buf.putInt(relative(array[i])).putInt(position(array[i]));
        }
        buf.flip();
        try (FileChannel channel = opener.open(file, EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))) {
            while (buf.hasRemaining()) {
                channel.write(buf);
            }
            channel.force(false);
        }
    }

    /**
     * Reads and validates {@code file} against the segment bytes {@code log} ({@code size} bytes, records from
     * {@code baseOffset}): entries sorted, positions inside the file, each pointing at a record start whose header
     * length is in bounds and whose offset matches. Null when the file is missing or any check fails.
     */
    static OffsetIndex load(Path file, ByteBuffer log, int size, long baseOffset) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException missing) {
            return null;
        }
        if (bytes.length % ENTRY_BYTES != 0) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int n = bytes.length / ENTRY_BYTES;
        long[] array = new long[Math.max(16, n)];
        int lastRelative = 0;
        int lastPosition = 0;
        for (int i = 0; i < n; i++) {
            int relative = buf.getInt();
            int position = buf.getInt();
            boolean sorted = relative > lastRelative && position > lastPosition;
            if (!sorted || position > size - RecordLayout.HEADER_LENGTH) {
                return null;
            }
            int length = RecordLayout.length(log, position);
            if (length < RecordLayout.HEADER_LENGTH || length > size - position
                    || RecordLayout.offset(log, position) != baseOffset + relative) {
                return null;
            }
            array[i] = pack(relative, position);
            lastRelative = relative;
            lastPosition = position;
        }
        return new OffsetIndex(array, n);
    }
}
