package io.wharf.store.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OffsetSetTest {

    @Test
    void behavesLikeAHashSetUnderRandomOperations() {
        for (int bound : new int[] {50, 5_000, Integer.MAX_VALUE}) {
            OffsetSet set = new OffsetSet();
            Set<Long> reference = new HashSet<>();
            Random random = new Random(bound);
            for (int i = 0; i < 200_000; i++) {
                // Mostly neighbouring offsets, as a queue has them, some far apart and negative.
                long offset = random.nextInt(10) == 0 ? random.nextLong() % bound : random.nextInt(Math.min(bound, 3000));
                switch (random.nextInt(5)) {
                    case 0, 1 -> assertEquals(reference.add(offset), set.add(offset));
                    case 2, 3 -> assertEquals(reference.remove(offset), set.remove(offset));
                    default -> assertEquals(reference.contains(offset), set.contains(offset));
                }
                assertEquals(reference.size(), set.size());
                if (i % 50_000 == 49_999) {
                    for (long o : reference) {
                        assertTrue(set.contains(o));
                    }
                }
                if (i == 150_000) {
                    set.clear();
                    reference.clear();
                    assertTrue(set.isEmpty());
                }
            }
        }
    }

    @Test
    void theEmptyMarkerCannotBeAdded() {
        OffsetSet set = new OffsetSet();
        assertThrows(IllegalArgumentException.class, () -> set.add(Long.MIN_VALUE));
        assertFalse(set.contains(Long.MIN_VALUE));
        assertFalse(set.remove(Long.MIN_VALUE));
    }
}
