package io.wharf.store.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wharf.store.queue.MessageHeader;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prepared (transactional) records across a crash: only the forced bytes survive ({@link CrashRecorder}); a
 * prepared record comes back only when its commit is marked in the ack file or known to the journal.
 */
@Timeout(60)
class PreparedRecordsTest {

    private static final LogConfig CONFIG = new LogConfig(4 * 100, 200);

    @TempDir
    Path tmp;
    private LogWriter writer;

    @BeforeEach
    void startWriter() {
        writer = LogWriter.start(FsyncPolicy.BATCH);
    }

    @AfterEach
    void stopWriter() {
        writer.close();
    }

    private static ByteBuffer payload(long n) {
        return ByteBuffer.wrap(("message " + n).getBytes());
    }

    private static List<Long> recover(FileQueueLog log) {
        List<Long> live = new ArrayList<>();
        log.recover((offset, header, delivered) -> live.add(offset));
        return live;
    }

    @Test
    void committedMarksForcedBySyncSurviveACrashAndUncommittedRecordsAreDiscarded() throws Exception {
        CrashRecorder recorder = new CrashRecorder();
        Path dir = tmp.resolve("q");
        FileQueueLog log = FileQueueLog.open(dir, CONFIG, writer, recorder);
        List<CompletableFuture<Long>> offsets = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            offsets.add(i % 3 == 0 ? log.append(MessageHeader.of(true), payload(i), true)
                    : log.appendPrepared(MessageHeader.of(true), payload(i)));
        }
        offsets.forEach(CompletableFuture::join);
        // 1, 2, 4, 5, 7, 8 are prepared; the transactions of 1, 2, 7 and 8 commit, those of 4 and 5 do not.
        for (long committed : new long[] {1, 2, 7, 8}) {
            log.markCommitted(committed);
        }
        log.sync().join();
        recorder.copyAfterCrash(dir, tmp.resolve("copy"), 0);

        FileQueueLog recovered = FileQueueLog.open(tmp.resolve("copy"), CONFIG, writer);
        assertEquals(List.of(0L, 1L, 2L, 3L, 6L, 7L, 8L, 9L), recover(recovered));
        recovered.close().join();
        log.close().join();
    }

    @Test
    void theJournalCommitsWhatTheAckFileDoesNotKnowAndAcksWhatItConsumed() throws Exception {
        CrashRecorder recorder = new CrashRecorder();
        Path dir = tmp.resolve("q");
        FileQueueLog log = FileQueueLog.open(dir, CONFIG, writer, recorder);
        List<CompletableFuture<Long>> offsets = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            offsets.add(log.appendPrepared(MessageHeader.of(true), payload(i)));
        }
        offsets.forEach(CompletableFuture::join);
        log.markCommitted(0);
        log.markCommitted(1);
        log.sync().join();
        recorder.copyAfterCrash(dir, tmp.resolve("copy"), 0);

        CompletableFuture<Void> reapplied = new CompletableFuture<>();
        Set<Long> journalCommitted = Set.of(2L, 3L);
        Set<Long> journalAcked = Set.of(1L);
        FileQueueLog recovered = FileQueueLog.open(tmp.resolve("copy"), CONFIG, writer);
        recovered.preparedRecords(new PreparedRecords() {
            @Override
            public boolean committed(long offset) {
                return journalCommitted.contains(offset);
            }

            @Override
            public boolean acked(long offset) {
                return journalAcked.contains(offset);
            }

            @Override
            public void reapplied(CompletableFuture<Void> forced) {
                forced.whenComplete((v, e) -> reapplied.complete(null));
            }
        });
        assertEquals(List.of(0L, 2L, 3L), recover(recovered));
        reapplied.join();
        recovered.close().join();

        // What the journal said is now in the queue's own files: without the journal, the same outcome.
        FileQueueLog again = FileQueueLog.open(tmp.resolve("copy"), CONFIG, writer);
        assertEquals(List.of(0L, 2L, 3L), recover(again));
        again.close().join();
        log.close().join();
    }
}
