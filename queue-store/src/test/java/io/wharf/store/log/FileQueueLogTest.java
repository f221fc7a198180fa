package io.wharf.store.log;

import static io.wharf.store.log.TestRecords.assertPayload;
import static io.wharf.store.log.TestRecords.header;
import static io.wharf.store.log.TestRecords.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.wharf.store.queue.MessageHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FileQueueLogTest {

    private static final int PAYLOAD = 52;
    private static final int RECORD = RecordLayout.HEADER_LENGTH + PAYLOAD;
    /** Four records per segment. */
    private static final LogConfig CONFIG = new LogConfig(4 * RECORD, 2 * RECORD);

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

    private static void appendAll(FileQueueLog log, long from, int count) {
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (long i = from; i < from + count; i++) {
            futures.add(log.append(header(i), payload(i, PAYLOAD), true));
        }
        for (int i = 0; i < count; i++) {
            assertEquals(from + i, futures.get(i).join());
        }
    }

    /** Returns once the writer has applied (and written) every ack submitted before: requests run in order. */
    private static void barrier(FileQueueLog log, long next) {
        log.append(MessageHeader.of(false), payload(next, PAYLOAD), false).join();
    }

    private record Live(long offset, MessageHeader header, boolean deliveredBefore) {
    }

    private static List<Live> recover(FileQueueLog log) {
        List<Live> live = new ArrayList<>();
        long count = log.recover((offset, header, delivered) -> live.add(new Live(offset, header, delivered)));
        assertEquals(live.size(), count);
        return live;
    }

    private static List<Long> offsets(List<Live> live) {
        return live.stream().map(Live::offset).toList();
    }

    private long segmentFiles(Path dir, String suffix) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).count();
        }
    }

    @Test
    void aSegmentIsDeletedWhenEveryRecordInItIsAcked() throws Exception {
        Path dir = tmp.resolve("q");
        FileQueueLog log = FileQueueLog.open(dir, CONFIG, writer);
        appendAll(log, 0, 10); // segments [0,4) [4,8) sealed, [8,10) active
        assertEquals(3, log.segmentCount());

        for (long offset : new long[] {0, 1, 2, 5, 6, 7}) {
            log.ack(offset);
        }
        barrier(log, 10);
        assertEquals(3, log.segmentCount(), "3 of [0,4) acked: it stays; [4,8) holds 4");
        assertTrue(Files.exists(SegmentAcks.file(dir, 0)));

        log.ack(3);
        barrier(log, 11);
        assertEquals(2, log.segmentCount(), "[0,4) fully acked: deleted");
        assertFalse(Files.exists(Segment.logFile(dir, 0)));
        assertFalse(Files.exists(Segment.indexFile(dir, 0)));
        assertFalse(Files.exists(SegmentAcks.file(dir, 0)));
        assertThrows(NoSuchElementException.class, () -> log.read(0));
        assertPayload(4, PAYLOAD, log.read(4));

        log.ack(4);
        barrier(log, 12); // [8,12) is full now, the next append rolls
        assertEquals(2, log.segmentCount(), "[4,8) deleted, [8,12) sealed, [12,..) active");
        for (long offset = 8; offset < 13; offset++) {
            log.ack(offset);
        }
        barrier(log, 13);
        assertEquals(1, log.segmentCount(), "[8,12) deleted; the active [12,..) stays although 12 is acked");
        assertEquals(1, segmentFiles(dir, ".log"));
        assertTrue(Files.exists(Segment.logFile(dir, 12)));
        log.close().join();
    }

    @Test
    void aFullyAckedActiveSegmentGoesWhenItIsSealed() throws Exception {
        Path dir = tmp.resolve("q");
        FileQueueLog log = FileQueueLog.open(dir, CONFIG, writer);
        appendAll(log, 0, 3);
        for (long offset = 0; offset < 3; offset++) {
            log.ack(offset);
        }
        appendAll(log, 3, 1);
        log.ack(3);
        barrier(log, 4); // rolls: [0,4) sealed while fully acked
        assertEquals(1, log.segmentCount());
        assertFalse(Files.exists(Segment.logFile(dir, 0)));
        log.close().join();
    }

    @Test
    void acksAndDeliveredMarksSurviveACleanReopen() throws Exception {
        Path dir = tmp.resolve("q");
        FileQueueLog log = FileQueueLog.open(dir, CONFIG, writer);
        appendAll(log, 0, 10);
        log.ack(1);
        log.ack(6);
        log.markDelivered(2);
        log.markDelivered(6); // acked: no longer live, the mark is moot
        log.markDelivered(9);
        log.close().join();

        FileQueueLog reopened = FileQueueLog.open(dir, CONFIG, writer);
        assertTrue(reopened.recoveryReport().cleanShutdown());
        assertEquals(0, reopened.recoveryReport().segmentsScanned());
        List<Live> live = recover(reopened);
        assertEquals(List.of(0L, 2L, 3L, 4L, 5L, 7L, 8L, 9L), offsets(live));
        for (Live record : live) {
            assertEquals(header(record.offset()), record.header(), "header of " + record.offset());
            assertEquals(record.offset() == 2 || record.offset() == 9, record.deliveredBefore(), "" + record.offset());
        }
        assertPayload(9, PAYLOAD, reopened.read(9));
        assertEquals(10, reopened.append(header(10), payload(10, PAYLOAD), true).join());
        reopened.close().join();
    }

    @Test
    void acksWrittenBeforeACrashSurviveIt() throws Exception {
        Path dir = tmp.resolve("live");
        FileQueueLog log = FileQueueLog.open(dir, CONFIG, writer);
        appendAll(log, 0, 6);
        log.ack(0);
        log.ack(5);
        log.markDelivered(3);
        barrier(log, 6);
        Path copy = SegmentedLogTest.copyDir(dir, tmp.resolve("copy")); // the process died; the page cache did not

        FileQueueLog recovered = FileQueueLog.open(copy, CONFIG, writer);
        assertFalse(recovered.recoveryReport().cleanShutdown());
        List<Live> live = recover(recovered);
        assertEquals(List.of(1L, 2L, 3L, 4L, 6L), offsets(live));
        assertTrue(live.get(2).deliveredBefore());
        recovered.close().join();
        log.close().join();
    }

    @Test
    void unforcedAcksLostInAPowerFailureBringTheMessagesBack() throws Exception {
        CrashRecorder recorder = new CrashRecorder();
        Path dir = tmp.resolve("live");
        FileQueueLog log = FileQueueLog.open(dir, CONFIG, writer, recorder);
        appendAll(log, 0, 3);
        log.ack(1);
        barrier(log, 3);
        recorder.copyAfterCrash(dir, tmp.resolve("copy"), 0);

        FileQueueLog recovered = FileQueueLog.open(tmp.resolve("copy"), CONFIG, writer);
        assertEquals(List.of(0L, 1L, 2L), offsets(recover(recovered)), "at-least-once: 1 comes back");
        recovered.close().join();
        log.close().join();
    }

    @Test
    void acksOfRecordsLostInRecoveryDoNotHideNewRecords() throws Exception {
        Path dir = tmp.resolve("q");
        FileQueueLog log = FileQueueLog.open(dir, new LogConfig(100 * RECORD, RECORD), writer);
        appendAll(log, 0, 5);
        log.ack(3);
        log.ack(4);
        log.close().join();
        // Records 3 and 4 vanish (never forced, say) while their acks made it to disk.
        RecoveryTest.truncate(Segment.logFile(dir, 0), 3L * RECORD);

        FileQueueLog reopened = FileQueueLog.open(dir, new LogConfig(100 * RECORD, RECORD), writer);
        assertEquals(3, reopened.nextOffset());
        appendAll(reopened, 3, 2); // offsets 3 and 4 again, new messages
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), offsets(recover(reopened)));
        reopened.close().join();

        FileQueueLog again = FileQueueLog.open(dir, new LogConfig(100 * RECORD, RECORD), writer);
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), offsets(recover(again)));
        again.close().join();
    }

    @Test
    void aDamagedAckFileKeepsItsIntactAcksAndReportsTheRest() throws Exception {
        Path dir = tmp.resolve("q");
        FileQueueLog log = FileQueueLog.open(dir, CONFIG, writer);
        appendAll(log, 0, 8);
        log.ack(0);
        barrier(log, 8);
        log.ack(2);
        log.close().join();
        Path acks = SegmentAcks.file(dir, 0);
        long size = Files.size(acks);
        assertEquals(2L * (RecordLayout.HEADER_LENGTH + 4), size, "one ack record per batch");
        RecoveryTest.flipBit(acks, size - 1, 0); // damages the second record (ack of 2)
        Files.write(acks, new byte[] {1, 2, 3}, StandardOpenOption.APPEND);

        FileQueueLog reopened = FileQueueLog.open(dir, CONFIG, writer);
        assertEquals(RecordLayout.HEADER_LENGTH + 4 + 3, reopened.ackBytesDropped());
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), offsets(recover(reopened)));
        reopened.close().join();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L),
                offsets(recover(FileQueueLog.open(dir, CONFIG, writer))), "the file was rewritten clean");
    }

    @Test
    void orphanAckFilesAreRemoved() throws Exception {
        Path dir = tmp.resolve("q");
        FileQueueLog log = FileQueueLog.open(dir, CONFIG, writer);
        appendAll(log, 0, 2);
        log.close().join();
        Files.write(SegmentAcks.file(dir, 4000), new byte[10]); // its segment is gone (crash while deleting)

        FileQueueLog reopened = FileQueueLog.open(dir, CONFIG, writer);
        assertFalse(Files.exists(SegmentAcks.file(dir, 4000)));
        assertEquals(2, recover(reopened).size());
        reopened.close().join();
    }

    @Test
    void recoverMustComeBeforeSettling() throws Exception {
        FileQueueLog log = FileQueueLog.open(tmp, CONFIG, writer);
        appendAll(log, 0, 2);
        log.ack(0);
        assertThrows(IllegalStateException.class, () -> log.recover((offset, header, delivered) -> { }));
        log.close().join();
    }

    @Test
    void fullyAckedSegmentsFoundOnOpenAreDeleted() throws Exception {
        Path dir = tmp.resolve("q");
        FileQueueLog log = FileQueueLog.open(dir, CONFIG, writer);
        appendAll(log, 0, 3);
        for (long offset = 0; offset < 3; offset++) {
            log.ack(offset);
        }
        log.close().join(); // the active segment [0,3) is fully acked but was active: kept

        FileQueueLog reopened = FileQueueLog.open(dir, CONFIG, writer);
        assertEquals(1, reopened.segmentCount(), "sealed on open, fully acked: deleted; the new active stays");
        assertFalse(Files.exists(Segment.logFile(dir, 0)));
        assertEquals(3, reopened.nextOffset());
        assertEquals(0, recover(reopened).size());
        reopened.close().join();
    }

    @Test
    void fewAckFilesStayOpenAndACleanCloseForcesThemAll() throws Exception {
        CrashRecorder recorder = new CrashRecorder();
        Path dir = tmp.resolve("live");
        FileQueueLog log = FileQueueLog.open(dir, CONFIG, writer, recorder);
        int segments = FileQueueLog.MAX_OPEN_ACK_FILES + 4;
        appendAll(log, 0, 4 * segments + 1);
        for (int s = 0; s < segments; s++) {
            log.ack(4L * s); // one ack per sealed segment: none is fully acked
            barrier(log, 4L * segments + 1 + s);
        }
        assertEquals(FileQueueLog.MAX_OPEN_ACK_FILES, log.openAckFileCount());
        log.close().join();
        recorder.copyAfterCrash(dir, tmp.resolve("copy"), 0); // power lost right after the clean close

        FileQueueLog recovered = FileQueueLog.open(tmp.resolve("copy"), CONFIG, writer);
        List<Long> live = offsets(recover(recovered));
        for (int s = 0; s < segments; s++) {
            assertFalse(live.contains(4L * s), "ack of " + 4 * s + " was forced by close");
            assertTrue(live.contains(4L * s + 1));
        }
        recovered.close().join();
    }
}
