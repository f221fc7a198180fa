package io.wharf.store.queue;

import java.util.NoSuchElementException;

/**
 * A growable FIFO of {@code long} offsets in one primitive array: 8 bytes per waiting message, no object per
 * message, so a backlog of millions costs tens of megabytes, not gigabytes.
 */
final class OffsetRing {

    private long[] items = new long[16];
    private int head;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    void addLast(long offset) {
        if (size == items.length) {
            grow();
        }
        items[(head + size) & (items.length - 1)] = offset;
        size++;
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
        head = 0;
        size = 0;
    }

    private void grow() {
        long[] bigger = new long[items.length * 2];
        int firstPart = Math.min(size, items.length - head);
        System.arraycopy(items, head, bigger, 0, firstPart);
        System.arraycopy(items, 0, bigger, firstPart, size - firstPart);
        items = bigger;
        head = 0;
    }
}
