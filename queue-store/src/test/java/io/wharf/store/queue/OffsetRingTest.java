package io.wharf.store.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayDeque;
import java.util.NoSuchElementException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OffsetRingTest {

    @Test
    void behavesLikeADequeUnderRandomOperations() {
        OffsetRing ring = new OffsetRing();
        ArrayDeque<Long> reference = new ArrayDeque<>();
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            if (random.nextInt(3) > 0) {
                long v = random.nextLong();
                ring.addLast(v);
                reference.addLast(v);
            } else if (!reference.isEmpty()) {
                assertEquals(reference.pollFirst(), ring.pollFirst());
            }
            assertEquals(reference.size(), ring.size());
        }
    }

    @Test
    void indexOfTagFindsWhatAPlainWalkFinds() {
        OffsetRing ring = new OffsetRing();
        ArrayDeque<Integer> tags = new ArrayDeque<>();
        Random random = new Random(7);
        int[][] wanted = {{3}, {1, 3}, {0}, {}, {2, 0, 5}};
        for (int step = 0; step < 20_000; step++) {
            // Mostly appends with a few polls, so the ring grows, wraps around and is sometimes empty.
            if (random.nextInt(4) > 0 || tags.isEmpty()) {
                int tag = random.nextInt(10) == 0 ? 3 : random.nextInt(6);
                ring.addLast(step, tag);
                tags.addLast(tag);
            } else {
                ring.pollFirst();
                tags.pollFirst();
            }
            Integer[] expected = tags.toArray(new Integer[0]);
            int[] hashes = wanted[step % wanted.length];
            int from = random.nextInt(expected.length + 2) - 1;
            assertEquals(naiveIndexOfTag(expected, from, hashes), ring.indexOfTag(from, hashes),
                    "step " + step + " from " + from);
        }
    }

    @Test
    void indexOfTagAcrossTheWrap() {
        OffsetRing ring = new OffsetRing();
        for (int i = 0; i < 12; i++) {
            ring.addLast(i, 0);
        }
        for (int i = 0; i < 10; i++) {
            ring.pollFirst();
        }
        // Head at slot 10 of 16: offsets 10..15 fill slots 10..15, 16..19 wrap around to slots 0..3.
        for (int i = 12; i < 20; i++) {
            ring.addLast(i, i == 18 ? 7 : 0);
        }
        assertEquals(10, ring.size());
        assertEquals(8, ring.indexOfTag(0, new int[] {7}));
        assertEquals(18, ring.get(ring.indexOfTag(3, new int[] {9, 7})));
        assertEquals(10, ring.indexOfTag(9, new int[] {7}));
        assertEquals(10, ring.indexOfTag(0, new int[] {1}));
        assertEquals(0, ring.indexOfTag(0, new int[] {0}));
    }

    @Test
    void indexOfCeilingWithAHintFindsWhatTheSearchFinds() {
        OffsetRing ring = new OffsetRing();
        Random random = new Random(3);
        long next = 0;
        java.util.List<Long> hints = new java.util.ArrayList<>();
        for (int step = 0; step < 20_000; step++) {
            if (random.nextInt(3) > 0 || ring.isEmpty()) {
                next += 1 + random.nextInt(3);
                ring.addLast(next);
            } else {
                ring.pollFirst();
            }
            long offset = next - random.nextInt(40);
            int expected = ring.indexOfCeiling(offset);
            hints.add(ring.position(expected));
            long hint = random.nextBoolean() ? ring.position(expected) : hints.get(random.nextInt(hints.size()));
            assertEquals(expected, ring.indexOfCeiling(offset, hint), "step " + step);
            assertEquals(expected, ring.indexOfCeiling(offset, -1));
        }
    }

    private static int naiveIndexOfTag(Integer[] tags, int from, int[] hashes) {
        for (int i = Math.max(0, from); i < tags.length; i++) {
            for (int h : hashes) {
                if (tags[i] == h) {
                    return i;
                }
            }
        }
        return tags.length;
    }

    @Test
    void emptyRingRefusesToPoll() {
        assertThrows(NoSuchElementException.class, () -> new OffsetRing().pollFirst());
    }
}
