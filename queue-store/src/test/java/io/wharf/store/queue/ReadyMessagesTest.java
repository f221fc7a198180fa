package io.wharf.store.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** Scheduled messages that fell due, as filtered consumers see them, and the count as filtered takes go. */
class ReadyMessagesTest {

    private static final int RARE = TagHash.of("rare");

    /** Accepts the offsets given, and pre-screens on the "rare" tag. */
    private record Wanted(Set<Long> offsets) implements ReadyMessages.Judge {
        @Override
        public boolean mayMatchTag(int tagHash) {
            return tagHash == RARE;
        }

        @Override
        public boolean matches(long offset) {
            return offsets.contains(offset);
        }
    }

    @Test
    void aDueMessageBelowTheCursorIsStillJudgedAndTaken() {
        ReadyMessages ready = new ReadyMessages(0);
        ready.addFresh(10, 4, TagHash.NONE);
        ready.addFresh(11, 4, RARE);
        ReadyMessages.Cursor cursor = new ReadyMessages.Cursor(ready);
        Wanted judge = new Wanted(Set.of(3L, 11L));

        // The cursor passes 10 and takes 11.
        assertEquals(11, ready.takeMatching(cursor, judge).offset());
        // Offset 3 was appended long ago, scheduled, and falls due now: below the cursor, yet it must be judged.
        ready.addDue(3, 4, RARE);
        ReadyMessages.Entry due = ready.takeMatching(cursor, judge);
        assertEquals(3, due.offset());
        assertEquals(RARE, due.tagHash());
        assertFalse(due.fresh());
        assertNull(ready.takeMatching(cursor, judge));
    }

    @Test
    void sizeFollowsFilteredTakes() {
        ReadyMessages ready = new ReadyMessages(0);
        ready.addFresh(1, 4, TagHash.NONE);
        ready.addFresh(2, 4, RARE);
        ready.addDue(0, 4, RARE);
        assertEquals(3, ready.size());
        ReadyMessages.Cursor cursor = new ReadyMessages.Cursor(ready);
        Wanted judge = new Wanted(Set.of(0L, 2L));
        assertEquals(0, ready.takeMatching(cursor, judge).offset());
        assertEquals(2, ready.takeMatching(cursor, judge).offset());
        assertEquals(1, ready.size());
        assertEquals(1, ready.poll().offset());
        assertTrue(ready.isEmpty());
        assertNull(ready.poll());
    }
}
