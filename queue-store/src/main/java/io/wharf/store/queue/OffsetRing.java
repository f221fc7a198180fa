package io.wharf.store.queue;

import java.util.NoSuchElementException;

/**
 * A growable FIFO of {@code long} offsets in one primitive array, each with the message's tag hash in a parallel
 * {@code int} array: 12 bytes per waiting message, no object per message, so a backlog of millions costs tens of
 * megabytes, not gigabytes. The tag hash lets a filtered consumer pass over messages without reading them.
 */
final class OffsetRing {

    private long[] items = new long[16];
    private int[] tags = new int[16];
    private int head;
    private int size;
    /** How many messages ever left the head: with an index, a position that stays put while the head moves. */
    private long polled;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void addLast(long offset) {
        addLast(offset, TagHash.NONE);
    }

    void addLast(long offset, int tagHash) {
        if (size == items.length) {
            grow();
        }
        int slot = (head + size) & (items.length - 1);
        items[slot] = offset;
        tags[slot] = tagHash;
        size++;
    }

    /** The offset {@code index} places from the head (0 = head). */
    long get(int index) {
        return items[(head + index) & (items.length - 1)];
    }

    /** The tag hash of the message {@code index} places from the head. */
    int tagAt(int index) {
        return tags[(head + index) & (items.length - 1)];
    }

    /**
     * The index (from the head) of the first message at or after {@code fromIndex} whose tag hash is one of
     * {@code hashes}; {@link #size()} when there is none. A plain scan of the tag array, in at most two contiguous
     * runs (the ring may wrap), so passing over a long stretch of unwanted messages costs about a nanosecond each.
     */
    int indexOfTag(int fromIndex, int[] hashes) {
        if (fromIndex >= size) {
            return size;
        }
        int from = Math.max(0, fromIndex);
        int mask = tags.length - 1;
        int start = (head + from) & mask;
        int count = size - from;
        int firstRun = Math.min(count, tags.length - start);
        int found = hashes.length == 1 ? scan(start, start + firstRun, hashes[0]) : scan(start, start + firstRun, hashes);
        if (found >= 0) {
            return from + (found - start);
        }
        int secondRun = count - firstRun;
        if (secondRun > 0) {
            found = hashes.length == 1 ? scan(0, secondRun, hashes[0]) : scan(0, secondRun, hashes);
            if (found >= 0) {
                return from + firstRun + found;
            }
        }
        return size;
    }

    /** The first slot in {@code [from, to)} of the tag array holding {@code hash}, or -1. */
    private int scan(int from, int to, int hash) {
        int[] t = tags;
        for (int i = from; i < to; i++) {
            if (t[i] == hash) {
                return i;
            }
        }
        return -1;
    }

    private int scan(int from, int to, int[] hashes) {
        int[] t = tags;
        for (int i = from; i < to; i++) {
            int tag = t[i];
            for (int hash : hashes) {
                if (tag == hash) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** The tag hash of the head. */
    int peekFirstTag() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        return tags[head];
    }

    /** The index (from the head) of the smallest offset >= {@code offset}; {@link #size()} when there is none. */
    int indexOfCeiling(long offset) {
        int lo = 0;
        int hi = size - 1;
        int found = size;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (items[(head + mid) & (items.length - 1)] >= offset) {
                found = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found;
    }

    /**
     * {@link #indexOfCeiling(long)}, trying {@code hint} first: a {@link #position} the caller kept from an earlier
     * call, right when nothing was added before it since (then two reads confirm it, instead of a binary search
     * whose probes across a large ring each miss the cache). Any hint gives the right answer.
     */
    int indexOfCeiling(long offset, long hint) {
        long index = hint - polled;
        if (index >= 0 && index <= size) {
            int i = (int) index;
            if ((i == size || get(i) >= offset) && (i == 0 || get(i - 1) < offset)) {
                return i;
            }
        }
        return indexOfCeiling(offset);
    }

    /** A position for the message at {@code index} that does not change as messages leave the head. */
    long position(int index) {
        return polled + index;
    }

    long peekFirst() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
        return items[head];
    }

    long pollFirst() {
        long value = peekFirst();
        head = (head + 1) & (items.length - 1);
        size--;
        polled++;
        if (size == 0) {
            head = 0;
        }
        return value;
    }

    /** The smallest offset >= {@code offset}, or -1. The ring must hold ascending offsets (it does: arrival order). */
    long ceiling(long offset) {
        int lo = 0;
        int hi = size - 1;
        long found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long value = items[(head + mid) & (items.length - 1)];
            if (value >= offset) {
                found = value;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found;
    }

    boolean contains(long offset) {
        return size > 0 && ceiling(offset) == offset;
    }

    /** Whether the ring holds {@code offset}, by a linear scan: for a ring not in ascending order. */
    boolean scanFor(long offset) {
        for (int i = 0; i < size; i++) {
            if (items[(head + i) & (items.length - 1)] == offset) {
                return true;
            }
        }
        return false;
    }

    void clear() {
        polled += size;
        head = 0;
        size = 0;
    }

    private void grow() {
        long[] bigger = new long[items.length * 2];
        int[] biggerTags = new int[items.length * 2];
        int firstPart = Math.min(size, items.length - head);
        System.arraycopy(items, head, bigger, 0, firstPart);
        System.arraycopy(items, 0, bigger, firstPart, size - firstPart);
        System.arraycopy(tags, head, biggerTags, 0, firstPart);
        System.arraycopy(tags, 0, biggerTags, firstPart, size - firstPart);
        items = bigger;
        tags = biggerTags;
        head = 0;
    }
}
