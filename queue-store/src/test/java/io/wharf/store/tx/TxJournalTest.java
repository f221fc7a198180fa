package io.wharf.store.tx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.store.log.PreparedRecords;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TxJournalTest {

    private static final DedupWindows.Limits WINDOW = new DedupWindows.Limits(100, 0);

    @TempDir
    Path dataDir;

    @Test
    void anUnconfirmedCommitIsHandedToItsQueuesAfterARestartAndForgottenOnceTheyReappliedIt() throws Exception {
        TxJournal journal = TxJournal.open(dataDir, true);
        long txn = journal.commit(List.of(JournalEntry.enqueued("/", "a", 7), JournalEntry.enqueued("/", "b", 3),
                JournalEntry.acked("/", "a", 2), JournalEntry.duplicateId("/", "a", "s:id-1"))).join();
        assertTrue(txn > 0);
        journal.close(); // no confirm: as if the broker died before the queues forced their marks

        journal = TxJournal.open(dataDir, true);
        PreparedRecords a = journal.recoveredFor("/", "a");
        PreparedRecords b = journal.recoveredFor("/", "b");
        assertTrue(a.committed(7));
        assertFalse(a.committed(3));
        assertTrue(a.acked(2));
        assertTrue(b.committed(3));
        assertSame(PreparedRecords.NONE, journal.recoveredFor("/", "c"));
        assertFalse(journal.dedup().reserve("/", "a", "s:id-1", WINDOW, System.currentTimeMillis()),
                "the id came back with the commit");
        a.reapplied(CompletableFuture.completedFuture(null));
        b.reapplied(CompletableFuture.completedFuture(null));
        journal.close();

        journal = TxJournal.open(dataDir, true);
        assertSame(PreparedRecords.NONE, journal.recoveredFor("/", "a"), "confirmed once both queues reapplied it");
        assertFalse(journal.dedup().reserve("/", "a", "s:id-1", WINDOW, System.currentTimeMillis()));
        journal.close();
    }

    @Test
    void aTornTailIsCutOffAndWhatCameBeforeItStays() throws Exception {
        TxJournal journal = TxJournal.open(dataDir, true);
        journal.commit(List.of(JournalEntry.enqueued("/", "q", 1))).join();
        journal.close();
        Path file = dataDir.resolve("tx").resolve("journal");
        long intact = Files.size(file);
        Files.write(file, new byte[] {40, 0, 0, 0, 1, 2, 3}, StandardOpenOption.APPEND);

        journal = TxJournal.open(dataDir, true);
        assertTrue(journal.recoveredFor("/", "q").committed(1));
        journal.close();
        assertEquals(intact, Files.size(file));
    }

    @Test
    void aReservedIdIsADuplicateUntilReleasedAndTheWindowForgetsTheOldest() {
        DedupWindows windows = new DedupWindows();
        DedupWindows.Limits two = new DedupWindows.Limits(2, 0);
        assertTrue(windows.reserve("/", "q", "x", two, 1));
        assertFalse(windows.reserve("/", "q", "x", two, 2));
        windows.release("/", "q", "x");
        assertTrue(windows.reserve("/", "q", "x", two, 3));
        assertTrue(windows.reserve("/", "q", "y", two, 4));
        assertTrue(windows.reserve("/", "q", "z", two, 5));
        assertTrue(windows.reserve("/", "q", "x", two, 6), "x was pushed out by y and z");
        DedupWindows.Limits oneSecond = new DedupWindows.Limits(100, 1000);
        assertTrue(windows.reserve("/", "r", "old", oneSecond, 10_000));
        assertTrue(windows.reserve("/", "r", "old", oneSecond, 11_001), "older than the window's age");
    }
}
