package io.wharf.store.log;

import static io.wharf.store.log.TestRecords.assertPayload;
import static io.wharf.store.log.TestRecords.header;
import static io.wharf.store.log.TestRecords.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class SegmentedLogTest {

    private static final int PAYLOAD = 100;
    private static final int RECORD = RecordLayout.HEADER_LENGTH + PAYLOAD;

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

    private static List<Long> appendAll(SegmentedLog log, long from, int count, boolean force) {
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (long i = from; i < from + count; i++) {
            futures.add(log.append(header(i), payload(i, PAYLOAD), force));
        }
        return futures.stream().map(CompletableFuture::join).toList();
    }

    @Test
    void appendsGetDenseOffsetsAndReadBack() throws Exception {
        SegmentedLog log = SegmentedLog.open(tmp.resolve("q"), LogConfig.defaults(), writer);
        List<Long> offsets = appendAll(log, 0, 50, true);
        for (int i = 0; i < 50; i++) {
            assertEquals(i, offsets.get(i));
            ByteBuffer read = log.read(i);
            assertTrue(read.isReadOnly());
            assertPayload(i, PAYLOAD, read);
        }
        assertEquals(50, log.nextOffset());
        assertThrows(NoSuchElementException.class, () -> log.read(50));
        assertThrows(NoSuchElementException.class, () -> log.read(-1));
        assertTrue(Files.exists(tmp.resolve("q").resolve("00000000000000000000.log")));
        log.close().join();
    }

    @Test
    void appendDoesNotMoveTheCallersBuffer() throws Exception {
        SegmentedLog log = SegmentedLog.open(tmp, LogConfig.defaults(), writer);
        ByteBuffer payload = payload(1, 10);
        log.append(header(1), payload, false).join();
        assertEquals(0, payload.position());
        assertEquals(10, payload.remaining());
        log.close().join();
    }

    @Test
    void scanVisitsHeadersInOrder() throws Exception {
        SegmentedLog log = SegmentedLog.open(tmp, new LogConfig(4 * RECORD, 2 * RECORD), writer);
        appendAll(log, 0, 20, false);
        List<Long> seen = new ArrayList<>();
        log.scan(5, record -> {
            assertEquals(header(record.offset()).expiryTimeMs(), record.expiryTimeMs());
            assertEquals(header(record.offset()).deliveryTimeMs(), record.deliveryTimeMs());
            assertEquals(header(record.offset()).priority(), record.priority());
            assertEquals(header(record.offset()).tagHash(), record.tagHash());
            assertEquals(header(record.offset()).durable(), record.durable());
            assertEquals(RecordLayout.KIND_MESSAGE, record.kind());
            assertPayload(record.offset(), PAYLOAD, record.payload());
            seen.add(record.offset());
            return record.offset() < 15;
        });
        assertEquals(List.of(5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L), seen);
        log.close().join();
    }

    @Test
    void rollsSegmentsAtTheConfiguredSizeAndReadsAcrossThem() throws Exception {
        Path dir = tmp.resolve("q");
        SegmentedLog log = SegmentedLog.open(dir, new LogConfig(5 * RECORD, 2 * RECORD), writer);
        appendAll(log, 0, 23, true);
        assertEquals(5, log.segmentCount(), "5 records per segment: 4 full segments and the active one");
        for (long base : new long[] {0, 5, 10, 15, 20}) {
            assertTrue(Files.exists(dir.resolve(Segment.fileName(base, ".log"))), "segment " + base);
        }
        for (long base : new long[] {0, 5, 10, 15}) {
            assertEquals(5L * RECORD, Files.size(dir.resolve(Segment.fileName(base, ".log"))));
            assertTrue(Files.exists(dir.resolve(Segment.fileName(base, ".index"))), "sealed segments have an index");
        }
        for (int i = 0; i < 23; i++) {
            assertPayload(i, PAYLOAD, log.read(i));
        }
        log.close().join();
    }

    @Test
    void aRecordLargerThanTheSegmentSizeGetsASegmentOfItsOwn() throws Exception {
        SegmentedLog log = SegmentedLog.open(tmp, new LogConfig(4 * RECORD, 4096), writer);
        appendAll(log, 0, 2, false);
        int big = 3 * 1024 * 1024; // also larger than the writer's 1 MiB staging buffer
        long bigOffset = log.append(header(2), payload(2, big), true).join();
        appendAll(log, 3, 2, false);
        assertEquals(2, bigOffset);
        assertPayload(2, big, log.read(2));
        assertPayload(0, PAYLOAD, log.read(0));
        assertPayload(4, PAYLOAD, log.read(4));
        assertEquals(3, log.segmentCount());
        log.close().join();

        SegmentedLog reopened = SegmentedLog.open(tmp, new LogConfig(4 * RECORD, 4096), writer);
        assertPayload(2, big, reopened.read(2));
        assertEquals(5, reopened.nextOffset());
        reopened.close().join();
    }

    @Test
    void emptyPayloadsAreRecordsToo() throws Exception {
        SegmentedLog log = SegmentedLog.open(tmp, LogConfig.defaults(), writer);
        long offset = log.append(header(0), ByteBuffer.allocate(0), true).join();
        assertEquals(0, log.read(offset).remaining());
        log.close().join();
    }

    @Test
    void reopenAfterCleanCloseContinuesTheOffsetsWithoutScanning() throws Exception {
        LogConfig config = new LogConfig(5 * RECORD, 2 * RECORD);
        SegmentedLog log = SegmentedLog.open(tmp, config, writer);
        appendAll(log, 0, 12, true);
        log.close().join();
        assertTrue(Files.exists(tmp.resolve(CleanShutdownMarker.FILE_NAME)));

        SegmentedLog reopened = SegmentedLog.open(tmp, config, writer);
        RecoveryReport report = reopened.recoveryReport();
        assertTrue(report.cleanShutdown());
        assertEquals(0, report.segmentsScanned());
        assertEquals(0, report.indexesRebuilt());
        assertFalse(report.lostData());
        assertEquals(12, report.nextOffset());
        assertFalse(Files.exists(tmp.resolve(CleanShutdownMarker.FILE_NAME)), "marker removed before new writes");
        assertEquals(List.of(12L, 13L), appendAll(reopened, 12, 2, true));
        for (int i = 0; i < 14; i++) {
            assertPayload(i, PAYLOAD, reopened.read(i));
        }
        reopened.close().join();
    }

    @Test
    void reopenWithoutCleanCloseScansOnlyTheLastSegment() throws Exception {
        LogConfig config = new LogConfig(5 * RECORD, 2 * RECORD);
        Path dir = tmp.resolve("live");
        SegmentedLog log = SegmentedLog.open(dir, config, writer);
        appendAll(log, 0, 12, true);
        Path copy = copyDir(dir, tmp.resolve("copy"));

        SegmentedLog recovered = SegmentedLog.open(copy, config, writer);
        RecoveryReport report = recovered.recoveryReport();
        assertFalse(report.cleanShutdown());
        assertEquals(1, report.segmentsScanned());
        assertFalse(report.lostData());
        assertEquals(12, recovered.nextOffset());
        for (int i = 0; i < 12; i++) {
            assertPayload(i, PAYLOAD, recovered.read(i));
        }
        recovered.close().join();
        log.close().join();
    }

    @Test
    void truncateDropsASuffixAcrossSegments() throws Exception {
        LogConfig config = new LogConfig(5 * RECORD, 2 * RECORD);
        SegmentedLog log = SegmentedLog.open(tmp, config, writer);
        appendAll(log, 0, 17, true);

        log.truncate(15).join(); // inside the active segment [15, 17)
        assertEquals(15, log.nextOffset());
        assertThrows(NoSuchElementException.class, () -> log.read(15));

        log.truncate(7).join(); // inside a sealed segment [5, 10): later segments go
        assertEquals(7, log.nextOffset());
        assertThrows(NoSuchElementException.class, () -> log.read(7));
        assertPayload(6, PAYLOAD, log.read(6));
        assertEquals(List.of(7L, 8L), appendAll(log, 100, 2, true));
        assertPayload(100, PAYLOAD, log.read(7));

        CompletionException refused = assertThrows(CompletionException.class, () -> log.truncate(20).join());
        assertInstanceOf(IllegalArgumentException.class, refused.getCause());
        log.close().join();

        SegmentedLog reopened = SegmentedLog.open(tmp, config, writer);
        assertEquals(9, reopened.nextOffset());
        assertFalse(reopened.recoveryReport().lostData());
        assertPayload(6, PAYLOAD, reopened.read(6));
        assertPayload(101, PAYLOAD, reopened.read(8));
        reopened.close().join();
    }

    @Test
    void deleteBelowRemovesWholeSegmentsOnly() throws Exception {
        SegmentedLog log = SegmentedLog.open(tmp, new LogConfig(5 * RECORD, 2 * RECORD), writer);
        appendAll(log, 0, 17, true);
        assertEquals(4, log.segmentCount());

        assertEquals(2, log.deleteBelow(12).join(), "[0,5) and [5,10) are wholly below 12, [10,15) is not");
        assertEquals(2, log.segmentCount());
        assertEquals(10, log.startOffset());
        assertThrows(NoSuchElementException.class, () -> log.read(9));
        assertPayload(10, PAYLOAD, log.read(10));
        assertFalse(Files.exists(tmp.resolve(Segment.fileName(0, ".log"))));
        assertFalse(Files.exists(tmp.resolve(Segment.fileName(5, ".index"))));

        assertEquals(1, log.deleteBelow(Long.MAX_VALUE).join(), "never the active segment");
        assertEquals(15, log.startOffset());
        log.close().join();

        SegmentedLog reopened = SegmentedLog.open(tmp, new LogConfig(5 * RECORD, 2 * RECORD), writer);
        assertEquals(15, reopened.startOffset());
        assertEquals(17, reopened.nextOffset());
        assertPayload(16, PAYLOAD, reopened.read(16));
        reopened.close().join();
    }

    static Path copyDir(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }
}
