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
    void emptyRingRefusesToPoll() {
        assertThrows(NoSuchElementException.class, () -> new OffsetRing().pollFirst());
    }
}
