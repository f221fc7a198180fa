package io.wharf.store.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The time index against a sorted list as the reference: order, removal from the middle, paging. */
class ScheduledMessagesTest {

    private record Item(long due, long offset) {
    }

    private static final Comparator<Item> ORDER = Comparator.comparingLong(Item::due).thenComparingLong(Item::offset);

    @Test
    void pollsInDueThenOffsetOrderWhateverTheInsertionOrder() {
        SplittableRandom random = new SplittableRandom(7);
        ScheduledMessages index = new ScheduledMessages();
        List<Item> reference = new ArrayList<>();
        for (long offset = 0; offset < 10_000; offset++) {
            long due = random.nextLong(500); // many equal due times: ties go by offset
            index.add(due, offset, 1, (int) (offset % 10));
            reference.add(new Item(due, offset));
        }
        reference.sort(ORDER);
        for (Item expected : reference) {
            assertEquals(expected.due(), index.nextDueMs());
            assertEquals(expected.offset() % 10, index.firstPriority());
            assertEquals(expected.offset(), index.pollFirst());
        }
        assertTrue(index.isEmpty());
        assertEquals(Long.MAX_VALUE, index.nextDueMs());
    }

    @Test
    void removingFromTheMiddleKeepsTheOrderOfTheRest() {
        SplittableRandom random = new SplittableRandom(11);
        ScheduledMessages index = new ScheduledMessages();
        List<Item> reference = new ArrayList<>();
        for (long offset = 0; offset < 2_000; offset++) {
            long due = random.nextLong(1_000_000);
            index.add(due, offset, (int) offset, 4);
            reference.add(new Item(due, offset));
        }
        for (long offset = 0; offset < 2_000; offset += 3) {
            index.remove(index.slotOf(offset));
            long gone = offset;
            reference.removeIf(i -> i.offset() == gone);
        }
        assertEquals(reference.size(), index.size());
        reference.sort(ORDER);
        for (Item expected : reference) {
            assertEquals(expected.offset(), index.pollFirst());
        }
    }

    @Test
    void pagesWalkTheWholeIndexInOrderWithoutChangingIt() {
        SplittableRandom random = new SplittableRandom(3);
        ScheduledMessages index = new ScheduledMessages();
        List<Item> reference = new ArrayList<>();
        for (long offset = 0; offset < 1_000; offset++) {
            long due = random.nextLong(100);
            index.add(due, offset, 1, 4);
            reference.add(new Item(due, offset));
        }
        reference.sort(ORDER);
        List<Item> walked = new ArrayList<>();
        long afterDue = Long.MIN_VALUE;
        long afterOffset = Long.MIN_VALUE;
        while (true) {
            long[] page = index.page(afterDue, afterOffset, 64);
            if (page.length == 0) {
                break;
            }
            for (int i = 0; i < page.length; i += 2) {
                walked.add(new Item(page[i], page[i + 1]));
            }
            afterDue = page[page.length - 2];
            afterOffset = page[page.length - 1];
        }
        assertEquals(reference, walked);
        assertEquals(1_000, index.size());
        assertArrayEquals(new long[0], index.page(Long.MAX_VALUE, Long.MAX_VALUE, 10));
    }

    @Test
    void memoryIsGivenBackAfterAMassRelease() {
        ScheduledMessages index = new ScheduledMessages();
        for (long offset = 0; offset < 100_000; offset++) {
            index.add(offset, offset, 1, 4);
        }
        long peak = index.capacityBytes();
        while (index.size() > 10) {
            index.pollFirst();
        }
        assertTrue(index.capacityBytes() < peak / 100, "capacity " + index.capacityBytes() + " after " + peak);
    }
}
