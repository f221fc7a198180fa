package io.wharf.store.queue;

/**
 * A set of {@code long} offsets in one primitive array (open addressing, linear probing, deletion by shifting
 * back), so adding, finding and removing an offset boxes and allocates nothing: the lazily removed offsets of
 * {@link ReadyMessages}, asked about for every message that leaves the head. Any value but
 * {@link Long#MIN_VALUE} may be held. Not thread-safe.
 */
final class OffsetSet {

    private static final long EMPTY = Long.MIN_VALUE;
    private static final int MIN_CAPACITY = 16;

    private long[] slots = newSlots(MIN_CAPACITY);
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean contains(long offset) {
        return size > 0 && slots[indexOf(offset)] == offset;
    }

    /** Adds {@code offset}; false when it was there already. */
    boolean add(long offset) {
        if (offset == EMPTY) {
            throw new IllegalArgumentException("offset " + offset + " cannot be held");
        }
        int i = indexOf(offset);
        if (slots[i] == offset) {
            return false;
        }
        slots[i] = offset;
        if (++size > slots.length / 2) {
            resize(slots.length * 2);
        }
        return true;
    }

    /** Removes {@code offset}; false when it was not there. */
    boolean remove(long offset) {
        if (size == 0) {
            return false;
        }
        int hole = indexOf(offset);
        if (slots[hole] != offset) {
            return false;
        }
        int mask = slots.length - 1;
        // Shift back every later entry of the probe run that may not sit behind the hole, so lookups stay correct.
        for (int j = (hole + 1) & mask; slots[j] != EMPTY; j = (j + 1) & mask) {
            int home = home(slots[j], mask);
            boolean staysPut = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!staysPut) {
                slots[hole] = slots[j];
                hole = j;
            }
        }
        slots[hole] = EMPTY;
        size--;
        return true;
    }

    void clear() {
        if (slots.length > MIN_CAPACITY) {
            slots = newSlots(MIN_CAPACITY);
        } else {
            java.util.Arrays.fill(slots, EMPTY);
        }
        size = 0;
    }

    /** The slot holding {@code offset}, or the empty slot where it would go. */
    private int indexOf(long offset) {
        int mask = slots.length - 1;
        int i = home(offset, mask);
        while (slots[i] != EMPTY && slots[i] != offset) {
            i = (i + 1) & mask;
        }
        return i;
    }

    /** Offsets come in runs of neighbours: a multiplicative hash spreads them over the slots. */
    private static int home(long offset, int mask) {
        long h = offset * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    private void resize(int capacity) {
        long[] old = slots;
        slots = newSlots(capacity);
        for (long offset : old) {
            if (offset != EMPTY) {
                slots[indexOf(offset)] = offset;
            }
        }
    }

    private static long[] newSlots(int capacity) {
        long[] slots = new long[capacity];
        java.util.Arrays.fill(slots, EMPTY);
        return slots;
    }
}
