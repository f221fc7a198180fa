package io.wharf.store.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

    /**
     * A judge wanting tags A or C (and offsets not divisible by 3, as if the hash collided), logging what it reads;
     * {@code listed} says whether it lists its hashes, which lets takeMatching scan the tag arrays directly.
     */
    private static final class Logging implements ReadyMessages.Judge {
        static final int A = TagHash.of("a");
        static final int B = TagHash.of("b");
        static final int C = TagHash.of("c");
        final boolean listed;
        final List<Long> read = new ArrayList<>();

        Logging(boolean listed) {
            this.listed = listed;
        }

        @Override
        public boolean mayMatchTag(int tagHash) {
            return tagHash == A || tagHash == C;
        }

        @Override
        public boolean matches(long offset) {
            read.add(offset);
            return offset % 3 != 0;
        }

        @Override
        public int[] tagHashes() {
            return listed ? new int[] {A, C} : null;
        }
    }

    @Test
    void scanningTheTagArraysTakesAndReadsExactlyWhatAskingEachMessageDoes() {
        Random random = new Random(11);
        int[] tags = {TagHash.NONE, Logging.A, Logging.B, Logging.C, Logging.B, TagHash.NONE};
        for (int round = 0; round < 40; round++) {
            ReadyMessages asked = new ReadyMessages(2);
            ReadyMessages scanned = new ReadyMessages(2);
            ReadyMessages.Cursor askedCursor = new ReadyMessages.Cursor(asked);
            ReadyMessages.Cursor scannedCursor = new ReadyMessages.Cursor(scanned);
            Logging askedJudge = new Logging(false);
            Logging scannedJudge = new Logging(true);
            List<ReadyMessages.Entry> held = new ArrayList<>();
            java.util.Map<Long, Integer> tagOf = new java.util.HashMap<>();
            long nextFresh = 100_000;
            long nextDue = 99_999;
            for (int step = 0; step < 3_000; step++) {
                int op = random.nextInt(20);
                int priority = random.nextInt(3);
                int tag = tags[random.nextInt(tags.length)];
                if (op < 10) {
                    asked.addFresh(nextFresh, priority, tag);
                    scanned.addFresh(nextFresh, priority, tag);
                    tagOf.put(nextFresh, tag);
                    nextFresh++;
                } else if (op == 10) {
                    asked.addDue(nextDue, priority, tag);
                    scanned.addDue(nextDue, priority, tag);
                    tagOf.put(nextDue, tag);
                    nextDue--;
                } else if (op == 11 && !held.isEmpty()) {
                    ReadyMessages.Entry back = held.remove(random.nextInt(held.size()));
                    ReadyMessages.Returned state = new ReadyMessages.Returned(1, false, java.util.Map.of());
                    asked.addReturned(back.offset(), back.priority(), back.tagHash(), state);
                    scanned.addReturned(back.offset(), back.priority(), back.tagHash(), state);
                } else if (op == 12) {
                    long offset = nextFresh - 1 - random.nextInt(50);
                    assertEquals(asked.contains(offset), scanned.contains(offset));
                    if (asked.contains(offset)) {
                        asked.remove(offset);
                        scanned.remove(offset);
                    }
                } else if (op == 13) {
                    ReadyMessages.Entry a = asked.poll();
                    assertEquals(a, scanned.poll());
                    if (a != null) {
                        assertEquals(tagOf.get(a.offset()), a.tagHash(), "the tag of " + a);
                        held.add(a);
                    }
                } else {
                    ReadyMessages.Entry a = asked.takeMatching(askedCursor, askedJudge);
                    assertEquals(a, scanned.takeMatching(scannedCursor, scannedJudge), "round " + round + " step " + step);
                    assertEquals(askedJudge.read, scannedJudge.read, "round " + round + " step " + step);
                    if (a != null) {
                        assertEquals(tagOf.get(a.offset()), a.tagHash(), "the tag of " + a);
                        held.add(a);
                    }
                }
                assertEquals(asked.size(), scanned.size());
            }
            assertEquals(askedJudge.read, scannedJudge.read);
            assertFalse(scannedJudge.read.isEmpty());
        }
    }

    @Test
    void aReturnedMessageTakenFromTheMiddleIsTheOneHandedOut() {
        ReadyMessages ready = new ReadyMessages(0);
        ReadyMessages.Returned state = new ReadyMessages.Returned(1, false, java.util.Map.of());
        for (long offset = 1; offset <= 7; offset++) {
            ready.addReturned(offset, 4, offset == 4 ? RARE : TagHash.NONE, state);
        }
        ReadyMessages.Cursor cursor = new ReadyMessages.Cursor(ready);
        // Offset 4 sits inside the returned messages' tree, with entries on both sides.
        ReadyMessages.Entry taken = ready.takeMatching(cursor, new Wanted(Set.of(4L)));
        assertEquals(4, taken.offset());
        assertEquals(RARE, taken.tagHash());
        List<Long> rest = new ArrayList<>();
        for (ReadyMessages.Entry e = ready.poll(); e != null; e = ready.poll()) {
            rest.add(e.offset());
        }
        assertEquals(List.of(1L, 2L, 3L, 5L, 6L, 7L), rest);
    }

    @Test
    void aFilteredConsumerReadsEachNeverDeliveredMessageAtMostOnce() {
        ReadyMessages ready = new ReadyMessages(0);
        for (long offset = 0; offset < 10_000; offset++) {
            ready.addFresh(offset, 4, offset % 7 == 0 ? Logging.A : offset % 2 == 0 ? Logging.B : TagHash.NONE);
        }
        ReadyMessages.Cursor cursor = new ReadyMessages.Cursor(ready);
        Logging judge = new Logging(true);
        List<Long> taken = new ArrayList<>();
        for (ReadyMessages.Entry e = ready.takeMatching(cursor, judge); e != null;
                e = ready.takeMatching(cursor, judge)) {
            taken.add(e.offset());
        }
        // Read: every multiple of 7 (the only tag A), once; taken: those not divisible by 3.
        assertEquals(1429, judge.read.size());
        assertEquals(Set.copyOf(judge.read).size(), judge.read.size());
        assertEquals(judge.read.stream().filter(o -> o % 3 != 0).toList(), taken);
        assertEquals(10_000 - taken.size(), ready.size());
        // The rest leaves in order for others.
        long previous = -1;
        for (ReadyMessages.Entry e = ready.poll(); e != null; e = ready.poll()) {
            assertTrue(e.offset() > previous);
            assertFalse(e.offset() % 7 == 0 && e.offset() % 3 != 0);
            previous = e.offset();
        }
    }
}
