package io.wharf.store.log;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Where the rare tags of one sealed segment are. For each tag hash that at most 1/32 of the segment's records carry
 * (and within a budget of 1/8 of the records in all), a posting list: the records carrying it, as
 * {@link OffsetIndex#pack packed} (relative offset, file position) pairs in offset order. The hashes of the other
 * tags are listed without their records ("dense": the chunk summary finds those, and most chunks hold them anyway).
 * A hash in neither list is carried by no record of the segment, so a reader after it skips the segment outright.
 *
 * <p>A reader after a rare tag thus goes straight to each record that carries it, whatever fraction of the chunks
 * those records are spread over: with 1% of records tagged and ~16 records per chunk, the chunk summary alone still
 * reads ~15% of the headers. Untagged records (hash 0) are never listed; {@link #group} says {@link #DENSE} for them.
 *
 * <p>Built once when the segment is sealed (by the writer, from what it noted while appending, see {@link Builder})
 * or on first use by a reader (from the record headers), then immutable: readers on any thread use it through the
 * volatile field that publishes it.
 */
final class TagPostings {

    /** {@link #group}: the segment has no record with this hash. */
    static final int ABSENT = -1;
    /** {@link #group}: the segment has records with this hash, found through the chunk summary. */
    static final int DENSE = -2;

    /** A tag gets a posting list when at most one record in this many carries it. */
    static final int RARE_FRACTION = 32;
    /** All posting lists together hold at most one record in this many. */
    static final int BUDGET_FRACTION = 8;

    private final int[] hashes;
    private final int[] starts;
    private final long[] postings;
    private final int[] denseHashes;

    TagPostings(int[] hashes, int[] starts, long[] postings, int[] denseHashes) {
        this.hashes = hashes;
        this.starts = starts;
        this.postings = postings;
        this.denseHashes = denseHashes;
    }

    /** The posting list number of {@code hash}, or {@link #ABSENT} or {@link #DENSE}. */
    int group(int hash) {
        if (hash == 0) {
            return DENSE;
        }
        int i = Arrays.binarySearch(hashes, hash);
        if (i >= 0) {
            return i;
        }
        return Arrays.binarySearch(denseHashes, hash) >= 0 ? DENSE : ABSENT;
    }

    /** The first posting of list {@code group} at relative offset {@code fromRelative} or later, packed; -1 if none. */
    long next(int group, int fromRelative) {
        int low = starts[group];
        int high = starts[group + 1] - 1;
        int found = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (OffsetIndex.relative(postings[mid]) >= fromRelative) {
                found = mid;
                high = mid - 1;
            } else {
                low = mid + 1;
            }
        }
        return found < 0 ? -1 : postings[found];
    }

    int listedHashes() {
        return hashes.length;
    }

    int postingCount() {
        return postings.length;
    }

    int denseHashCount() {
        return denseHashes.length;
    }

    // ---- file form: written inside the segment's .tags file (see ChunkTags) ----

    int encodedBytes() {
        return 12 + 4 * hashes.length + 4 * starts.length + 8 * postings.length + 4 * denseHashes.length;
    }

    void writeTo(ByteBuffer out) {
        out.putInt(hashes.length).putInt(postings.length).putInt(denseHashes.length);
        out.asIntBuffer().put(hashes).put(starts);
        out.position(out.position() + 4 * (hashes.length + starts.length));
        out.asLongBuffer().put(postings);
        out.position(out.position() + 8 * postings.length);
        out.asIntBuffer().put(denseHashes);
        out.position(out.position() + 4 * denseHashes.length);
    }

    /**
     * The postings encoded at {@code in}'s position, checked to describe a segment of {@code recordCount} records
     * and {@code size} bytes (sorted hashes, lists in order and inside the segment); null when they do not.
     */
    static TagPostings readFrom(ByteBuffer in, int recordCount, int size) {
        if (in.remaining() < 12) {
            return null;
        }
        int listed = in.getInt();
        int count = in.getInt();
        int dense = in.getInt();
        if (listed < 0 || count < 0 || dense < 0
                || 4L * listed + 4L * (listed + 1L) + 8L * count + 4L * dense > in.remaining()) {
            return null;
        }
        int[] hashes = new int[listed];
        int[] starts = new int[listed + 1];
        long[] postings = new long[count];
        int[] denseHashes = new int[dense];
        in.asIntBuffer().get(hashes).get(starts);
        in.position(in.position() + 4 * (2 * listed + 1));
        in.asLongBuffer().get(postings);
        in.position(in.position() + 8 * count);
        in.asIntBuffer().get(denseHashes);
        in.position(in.position() + 4 * dense);
        if (!ascending(hashes) || !ascending(denseHashes) || starts[0] != 0 || starts[listed] != count) {
            return null;
        }
        for (int g = 0; g < listed; g++) {
            if (starts[g + 1] <= starts[g]) {
                return null;
            }
            int previousRelative = -1;
            int previousPosition = -1;
            for (int i = starts[g]; i < starts[g + 1]; i++) {
                long p = postings[i];
                int relative = OffsetIndex.relative(p);
                int position = OffsetIndex.position(p);
                // Both grow with the records: a list that goes back could end a scan early and hide records.
                if (relative <= previousRelative || relative >= recordCount || position <= previousPosition
                        || position > size - RecordLayout.HEADER_LENGTH) {
                    return null;
                }
                previousRelative = relative;
                previousPosition = position;
            }
        }
        return new TagPostings(hashes, starts, postings, denseHashes);
    }

    private static boolean ascending(int[] values) {
        for (int i = 1; i < values.length; i++) {
            if (values[i] <= values[i - 1]) {
                return false;
            }
        }
        return true;
    }

    /**
     * Notes the tagged records of a segment as they are appended (or scanned), then picks the rare tags. Hash 0
     * (untagged) is not noted. One thread at a time.
     */
    static final class Builder {
        private int[] noteHashes = new int[16];
        private long[] notePositions = new long[16];
        private int notes;

        void add(int hash, int relative, int position) {
            if (hash == 0) {
                return;
            }
            if (notes == noteHashes.length) {
                noteHashes = Arrays.copyOf(noteHashes, notes * 2);
                notePositions = Arrays.copyOf(notePositions, notes * 2);
            }
            noteHashes[notes] = hash;
            notePositions[notes] = OffsetIndex.pack(relative, position);
            notes++;
        }

        /** The postings of a segment of {@code recordCount} records, noted in offset order. O(noted records). */
        TagPostings build(int recordCount) {
            // Count per hash in an open-addressing table; 0 (never noted) marks an empty slot.
            int capacity = Integer.highestOneBit(Math.max(16, notes * 2) - 1) << 1;
            int mask = capacity - 1;
            int[] keys = new int[capacity];
            int[] counts = new int[capacity];
            int distinct = 0;
            for (int i = 0; i < notes; i++) {
                int slot = slot(keys, mask, noteHashes[i]);
                if (keys[slot] == 0) {
                    keys[slot] = noteHashes[i];
                    distinct++;
                }
                counts[slot]++;
            }
            // Rare tags, fewest records first, while the budget lasts; the others are dense.
            int rareLimit = Math.max(8, recordCount / RARE_FRACTION);
            long budget = Math.max(64, recordCount / BUDGET_FRACTION);
            long[] candidates = new long[distinct];
            int candidateCount = 0;
            for (int s = 0; s < capacity; s++) {
                if (keys[s] != 0 && counts[s] <= rareLimit) {
                    candidates[candidateCount++] = ((long) counts[s] << 32) | s;
                }
            }
            Arrays.sort(candidates, 0, candidateCount);
            // groups[slot]: 1 + list number for listed hashes, 0 for dense ones (filled in below).
            int[] groups = new int[capacity];
            int listed = 0;
            for (int c = 0; c < candidateCount && budget >= candidates[c] >>> 32; c++) {
                budget -= candidates[c] >>> 32;
                groups[(int) candidates[c]] = -1; // chosen; numbered in hash order next
                listed++;
            }
            int[] hashes = new int[listed];
            int[] denseHashes = new int[distinct - listed];
            int h = 0;
            int d = 0;
            for (int s = 0; s < capacity; s++) {
                if (keys[s] == 0) {
                    continue;
                }
                if (groups[s] == -1) {
                    hashes[h++] = keys[s];
                } else {
                    denseHashes[d++] = keys[s];
                }
            }
            Arrays.sort(hashes);
            Arrays.sort(denseHashes);
            int[] starts = new int[listed + 1];
            for (int g = 0; g < listed; g++) {
                int slot = slot(keys, mask, hashes[g]);
                groups[slot] = g + 1;
                starts[g + 1] = starts[g] + counts[slot];
            }
            long[] postings = new long[starts[listed]];
            int[] fill = Arrays.copyOf(starts, listed);
            for (int i = 0; i < notes; i++) {
                int group = groups[slot(keys, mask, noteHashes[i])] - 1;
                if (group >= 0) {
                    postings[fill[group]++] = notePositions[i];
                }
            }
            return new TagPostings(hashes, starts, postings, denseHashes);
        }

        private static int slot(int[] keys, int mask, int hash) {
            int slot = (hash * 0x9E3779B9) >>> 7 & mask;
            while (keys[slot] != 0 && keys[slot] != hash) {
                slot = (slot + 1) & mask;
            }
            return slot;
        }
    }
}
