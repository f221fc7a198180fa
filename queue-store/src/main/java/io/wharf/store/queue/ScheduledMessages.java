package io.wharf.store.queue;

import java.util.Arrays;

/**
 * The time index of a queue's scheduled messages: which stored messages become visible when. A binary min-heap
 * ordered by (due time, offset) over five parallel primitive arrays, so a scheduled message costs 25 bytes of
 * heap (about 33 with the arrays' growth slack on average, 50 at worst just after a doubling) and no object: ten
 * million fit in a few hundred megabytes. The payload stays in the queue's log.
 *
 * <pre>
 *   slot i:   dueMs[i] (long)   offset[i] (long)   idHash[i] (int)   priority[i] (byte)   tagHash[i] (int)
 *   heap:     parent (i - 1) / 2, children 2i + 1, 2i + 2; slot 0 is the earliest (due, offset)
 * </pre>
 *
 * <p>Why a heap and not a hierarchical timing wheel: the due times are absolute epoch milliseconds, so there is
 * no tick to drift and no horizon (a wheel's overflow levels exist to bound a horizon); taking every due message
 * is O(log n) each, which at a million per minute is far below the cost of delivering them; and exact order by
 * due time comes for free, where a wheel orders only to its tick. Months ahead cost the same as seconds ahead.
 *
 * <p>{@code idHash} is the hash of the message-id ({@link MessageIds#hash}), used to find candidates for
 * cancellation without reading payloads; {@link #UNKNOWN_HASH} marks an entry whose hash was not computed yet
 * (after a restart, the index is rebuilt from record headers alone; hashes are filled in on the first
 * cancellation).
 *
 * <p>Confined to the queue's thread, like the rest of the queue's state.
 */
final class ScheduledMessages {

    static final int UNKNOWN_HASH = 0;
    private static final int INITIAL_CAPACITY = 16;

    private long[] dueMs = new long[INITIAL_CAPACITY];
    private long[] offsets = new long[INITIAL_CAPACITY];
    private int[] idHashes = new int[INITIAL_CAPACITY];
    private byte[] priorities = new byte[INITIAL_CAPACITY];
    private int[] tagHashes = new int[INITIAL_CAPACITY];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    void add(long due, long offset, int idHash, int priority) {
        add(due, offset, idHash, priority, TagHash.NONE);
    }

    void add(long due, long offset, int idHash, int priority, int tagHash) {
        if (size == dueMs.length) {
            resize(size * 2);
        }
        dueMs[size] = due;
        offsets[size] = offset;
        idHashes[size] = idHash;
        priorities[size] = (byte) priority;
        tagHashes[size] = tagHash;
        siftUp(size++);
    }

    /** The earliest due time; {@link Long#MAX_VALUE} when empty. */
    long nextDueMs() {
        return size == 0 ? Long.MAX_VALUE : dueMs[0];
    }

    /** The AMQP priority (0..255) of the earliest entry; call only when not empty. */
    int firstPriority() {
        return priorities[0] & 0xFF;
    }

    /** The filter tag hash ({@link TagHash}) of the earliest entry; call only when not empty. */
    int firstTagHash() {
        return tagHashes[0];
    }

    /** Removes the earliest entry and returns its offset; call only when not empty. */
    long pollFirst() {
        long offset = offsets[0];
        removeAt(0);
        shrinkIfSparse();
        return offset;
    }

    /** Slot of the entry for {@code offset}, or -1. A linear scan: for management operations only. */
    int slotOf(long offset) {
        for (int i = 0; i < size; i++) {
            if (offsets[i] == offset) {
                return i;
            }
        }
        return -1;
    }

    long offsetAt(int slot) {
        return offsets[slot];
    }

    long dueAt(int slot) {
        return dueMs[slot];
    }

    int idHashAt(int slot) {
        return idHashes[slot];
    }

    void idHashAt(int slot, int idHash) {
        idHashes[slot] = idHash;
    }

    /** Removes the entry in {@code slot} (from {@link #slotOf} or a scan). */
    void remove(int slot) {
        removeAt(slot);
        shrinkIfSparse();
    }

    /**
     * Up to {@code limit} entries after the position (afterDueMs, afterOffset) in (due, offset) order, as pairs
     * {dueMs, offset} in one array. One pass over the heap keeping the best {@code limit} candidates sorted:
     * O(n log limit), for paged listing without copying the index.
     */
    long[] page(long afterDueMs, long afterOffset, int limit) {
        long[] best = new long[Math.max(0, Math.min(limit, size)) * 2];
        int found = 0;
        for (int i = 0; i < size && best.length > 0; i++) {
            long due = dueMs[i];
            long offset = offsets[i];
            if (due < afterDueMs || (due == afterDueMs && offset <= afterOffset)) {
                continue;
            }
            int count = found;
            if (count == best.length / 2) {
                long lastDue = best[best.length - 2];
                long lastOffset = best[best.length - 1];
                if (due > lastDue || (due == lastDue && offset > lastOffset)) {
                    continue;
                }
                count--; // the last one drops off
            } else {
                found++;
            }
            int at = count;
            while (at > 0 && (best[(at - 1) * 2] > due || (best[(at - 1) * 2] == due && best[(at - 1) * 2 + 1] > offset))) {
                best[at * 2] = best[(at - 1) * 2];
                best[at * 2 + 1] = best[(at - 1) * 2 + 1];
                at--;
            }
            best[at * 2] = due;
            best[at * 2 + 1] = offset;
        }
        return found * 2 == best.length ? best : Arrays.copyOf(best, found * 2);
    }

    /** Every offset, in no particular order (for purging a queue). */
    long[] clear() {
        long[] all = Arrays.copyOf(offsets, size);
        dueMs = new long[INITIAL_CAPACITY];
        offsets = new long[INITIAL_CAPACITY];
        idHashes = new int[INITIAL_CAPACITY];
        priorities = new byte[INITIAL_CAPACITY];
        tagHashes = new int[INITIAL_CAPACITY];
        size = 0;
        return all;
    }

    /** Heap bytes held by the arrays (for tests and the benchmark's accounting). */
    long capacityBytes() {
        return (long) dueMs.length * 25;
    }

    private void removeAt(int slot) {
        int last = --size;
        if (slot != last) {
            move(last, slot);
            siftDown(slot);
            siftUp(slot);
        }
    }

    /** Gives memory back after a mass release (a quarter full): a burst of scheduling must not pin its peak. */
    private void shrinkIfSparse() {
        if (dueMs.length > INITIAL_CAPACITY * 4 && size < dueMs.length / 4) {
            resize(Math.max(INITIAL_CAPACITY, dueMs.length / 2));
        }
    }

    private void resize(int capacity) {
        dueMs = Arrays.copyOf(dueMs, capacity);
        offsets = Arrays.copyOf(offsets, capacity);
        idHashes = Arrays.copyOf(idHashes, capacity);
        priorities = Arrays.copyOf(priorities, capacity);
        tagHashes = Arrays.copyOf(tagHashes, capacity);
    }

    private boolean less(int a, int b) {
        return dueMs[a] < dueMs[b] || (dueMs[a] == dueMs[b] && offsets[a] < offsets[b]);
    }

    private void siftUp(int slot) {
        while (slot > 0) {
            int parent = (slot - 1) >>> 1;
            if (!less(slot, parent)) {
                return;
            }
            swap(slot, parent);
            slot = parent;
        }
    }

    private void siftDown(int slot) {
        while (true) {
            int left = 2 * slot + 1;
            if (left >= size) {
                return;
            }
            int smallest = left + 1 < size && less(left + 1, left) ? left + 1 : left;
            if (!less(smallest, slot)) {
                return;
            }
            swap(slot, smallest);
            slot = smallest;
        }
    }

    private void move(int from, int to) {
        dueMs[to] = dueMs[from];
        offsets[to] = offsets[from];
        idHashes[to] = idHashes[from];
        priorities[to] = priorities[from];
        tagHashes[to] = tagHashes[from];
    }

    private void swap(int a, int b) {
        long d = dueMs[a];
        dueMs[a] = dueMs[b];
        dueMs[b] = d;
        long o = offsets[a];
        offsets[a] = offsets[b];
        offsets[b] = o;
        int h = idHashes[a];
        idHashes[a] = idHashes[b];
        idHashes[b] = h;
        byte p = priorities[a];
        priorities[a] = priorities[b];
        priorities[b] = p;
        int t = tagHashes[a];
        tagHashes[a] = tagHashes[b];
        tagHashes[b] = t;
    }
}
