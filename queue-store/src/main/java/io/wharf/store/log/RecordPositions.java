package io.wharf.store.log;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The file position of every record of one segment, by relative offset: for logs read at random (a classic queue's
 * consumers take messages from anywhere in it, a filtered one mostly far apart), where finding a record from the
 * sparse index means a binary search and a walk over the headers before it, each a cache miss on a cold page. Four
 * bytes a record, in memory only: kept by the writer as it appends, built from the headers for a recovered segment.
 *
 * <p>Threads: as {@link OffsetIndex}, the writer adds and truncates, readers read {@link #count} (volatile) before
 * the array; the writer publishes a grown array before the count that needs it.
 */
final class RecordPositions {

    private volatile int[] positions;
    private volatile int count;

    RecordPositions() {
        positions = new int[64];
    }

    /** Writer: the next record (relative offset {@link #count}) is at {@code position}. */
    void add(int position) {
        int[] array = positions;
        int n = count;
        if (n == array.length) {
            array = Arrays.copyOf(array, n * 2);
            positions = array;
        }
        array[n] = position;
        count = n + 1;
    }

    /** Writer: forgets the records from relative offset {@code relative} on. */
    void truncateFrom(int relative) {
        if (relative < count) {
            count = relative;
        }
    }

    /** The position of the record at {@code relative}, or -1 when it is not known here. */
    int positionOf(int relative) {
        int n = count;
        return relative >= 0 && relative < n ? positions[relative] : -1;
    }

    /** The positions of the records in the first {@code size} bytes of {@code map}, read from their headers. */
    static RecordPositions scan(ByteBuffer map, int size) {
        RecordPositions positions = new RecordPositions();
        int position = 0;
        while (position <= size - RecordLayout.HEADER_LENGTH) {
            int length = RecordLayout.length(map, position);
            if (length < RecordLayout.HEADER_LENGTH || length > size - position) {
                break;
            }
            positions.add(position);
            position += length;
        }
        return positions;
    }
}
