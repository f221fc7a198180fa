package io.wharf.store.log;

import static io.wharf.store.log.TestRecords.assertPayload;
import static io.wharf.store.log.TestRecords.header;
import static io.wharf.store.log.TestRecords.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** Fault injection: torn tails, flipped bits, damaged indexes, crashes that keep only forced bytes. */
@Timeout(60)
class RecoveryTest {

    private static final int PAYLOAD = 37;
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

    /** Writes {@code count} records into {@code dir} and leaves the log open (as a crash would). */
    private SegmentedLog writeRecords(Path dir, LogConfig config, int count) throws IOException {
        SegmentedLog log = SegmentedLog.open(dir, config, writer);
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            futures.add(log.append(header(i), payload(i, PAYLOAD), true));
        }
        futures.forEach(CompletableFuture::join);
        return log;
    }

    private static void assertRecords(SegmentedLog log, long count) {
        assertEquals(count, log.nextOffset());
        for (long i = 0; i < count; i++) {
            assertPayload(i, PAYLOAD, log.read(i));
        }
        assertThrows(NoSuchElementException.class, () -> log.read(count));
    }

    @Test
    void theLastRecordCutAtEveryByteLosesExactlyThatRecord() throws Exception {
        int count = 5;
        Path original = tmp.resolve("original");
        SegmentedLog live = writeRecords(original, LogConfig.defaults(), count);
        Path segment = Segment.logFile(original, 0);
        long fullSize = Files.size(segment);
        assertEquals((long) count * RECORD, fullSize);

        for (int kept = 0; kept <= RECORD; kept++) {
            Path copy = SegmentedLogTest.copyDir(original, tmp.resolve("cut-" + kept));
            truncate(Segment.logFile(copy, 0), fullSize - RECORD + kept);

            SegmentedLog log = SegmentedLog.open(copy, LogConfig.defaults(), writer);
            RecoveryReport report = log.recoveryReport();
            if (kept == 0 || kept == RECORD) {
                assertFalse(report.lostData(), "cut at a record boundary: " + kept);
                assertRecords(log, kept == 0 ? count - 1 : count);
            } else {
                assertTrue(report.lostData(), "kept " + kept + " bytes of the last record");
                assertEquals(count - 1, report.firstLostOffset(), "kept " + kept);
                assertEquals(count - 1, report.lastLostOffset(), "kept " + kept);
                assertEquals(kept, report.bytesDropped(), "kept " + kept);
                assertEquals(0, report.segmentsDropped());
                assertRecords(log, count - 1);
                assertEquals(count - 1, log.append(header(99), payload(99, PAYLOAD), true).join());
                assertPayload(99, PAYLOAD, log.read(count - 1));
            }
            log.close().join();
        }
        live.close().join();
    }

    @Test
    void aFlippedBitInAMiddleRecordTruncatesThereAndReportsTheRange() throws Exception {
        int count = 10;
        Path original = tmp.resolve("original");
        SegmentedLog live = writeRecords(original, LogConfig.defaults(), count);
        // A payload bit, a header bit and a length bit of record 4; the last two records stay intact behind it.
        int[] damagedBytes = {4 * RECORD + RecordLayout.HEADER_LENGTH + 3, 4 * RECORD + RecordLayout.TIMESTAMP_OFFSET,
            4 * RECORD + RecordLayout.LENGTH_OFFSET + 1};
        for (int damaged : damagedBytes) {
            Path copy = SegmentedLogTest.copyDir(original, tmp.resolve("flip-" + damaged));
            flipBit(Segment.logFile(copy, 0), damaged, 2);

            SegmentedLog log = SegmentedLog.open(copy, LogConfig.defaults(), writer);
            RecoveryReport report = log.recoveryReport();
            assertEquals(4, report.firstLostOffset(), "byte " + damaged);
            assertEquals(9, report.lastLostOffset(), "records 5..9 were intact, so they are counted: byte " + damaged);
            assertEquals(6, report.recordsLost());
            assertEquals((long) (count - 4) * RECORD, report.bytesDropped());
            assertRecords(log, 4);
            log.close().join();
        }
        live.close().join();
    }

    @Test
    void damageInASealedSegmentWithoutIndexDropsEverythingAfterIt() throws Exception {
        LogConfig config = new LogConfig(4 * RECORD, 2 * RECORD);
        Path original = tmp.resolve("original");
        SegmentedLog live = writeRecords(original, config, 14); // segments 0, 4, 8 sealed, 12 active
        Path copy = SegmentedLogTest.copyDir(original, tmp.resolve("copy"));
        Files.delete(Segment.indexFile(copy, 4));
        flipBit(Segment.logFile(copy, 4), RECORD + RecordLayout.HEADER_LENGTH, 0); // record 5

        SegmentedLog log = SegmentedLog.open(copy, config, writer);
        RecoveryReport report = log.recoveryReport();
        assertEquals(5, report.firstLostOffset());
        assertEquals(13, report.lastLostOffset());
        assertEquals(2, report.segmentsDropped());
        assertEquals(3L * RECORD + 4L * RECORD + 2L * RECORD, report.bytesDropped());
        assertEquals(1, report.indexesRebuilt());
        assertEquals(1, report.segmentsScanned(), "segment 4 (no index); the last one follows the damage: dropped");
        assertRecords(log, 5);
        assertFalse(Files.exists(Segment.logFile(copy, 8)));
        assertFalse(Files.exists(Segment.indexFile(copy, 8)));
        log.close().join();
        live.close().join();
    }

    @Test
    void recoveryLossIsLoggedAtWarn() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(LogRecovery.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        Level level = logger.getLevel();
        logger.setLevel(Level.WARN);
        try {
            Path original = tmp.resolve("original");
            SegmentedLog live = writeRecords(original, LogConfig.defaults(), 3);
            Path copy = SegmentedLogTest.copyDir(original, tmp.resolve("copy"));
            truncate(Segment.logFile(copy, 0), 3L * RECORD - 1);
            SegmentedLog.open(copy, LogConfig.defaults(), writer).close().join();
            live.close().join();
        } finally {
            logger.detachAppender(appender);
            logger.setLevel(level);
        }
        List<ILoggingEvent> warnings = appender.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
        assertEquals(1, warnings.size());
        String line = warnings.get(0).getFormattedMessage();
        assertTrue(line.contains("offsets 2..2 lost") && line.contains(RECORD - 1 + " bytes dropped"), line);
    }

    @Test
    void aGarbageIndexIsRebuiltAndReadsStayCorrect() throws Exception {
        LogConfig config = new LogConfig(8 * RECORD, RECORD);
        Path dir = tmp.resolve("q");
        SegmentedLog log = writeRecords(dir, config, 20);
        log.close().join();
        Path index = Segment.indexFile(dir, 8);
        byte[] good = Files.readAllBytes(index);
        assertTrue(good.length >= 16, "several entries at one per record");

        List<byte[]> garbage = new ArrayList<>();
        byte[] random = new byte[good.length];
        new Random(7).nextBytes(random);
        garbage.add(random);
        garbage.add(new byte[] {1, 2, 3}); // not a whole number of entries
        byte[] unsorted = good.clone(); // first two entries swapped
        System.arraycopy(good, 8, unsorted, 0, 8);
        System.arraycopy(good, 0, unsorted, 8, 8);
        garbage.add(unsorted);
        byte[] misaligned = good.clone(); // position of entry 0 moved by one byte: not a record start
        ByteBuffer.wrap(misaligned).order(RecordLayout.BYTE_ORDER).putInt(4, ByteBuffer.wrap(good)
                .order(RecordLayout.BYTE_ORDER).getInt(4) + 1);
        garbage.add(misaligned);
        byte[] beyondEnd = good.clone();
        ByteBuffer.wrap(beyondEnd).order(RecordLayout.BYTE_ORDER).putInt(beyondEnd.length - 4, 1 << 20);
        garbage.add(beyondEnd);

        for (byte[] bad : garbage) {
            Files.write(index, bad);
            SegmentedLog reopened = SegmentedLog.open(dir, config, writer);
            RecoveryReport report = reopened.recoveryReport();
            assertTrue(report.cleanShutdown());
            assertEquals(1, report.indexesRebuilt());
            assertFalse(report.lostData());
            assertRecords(reopened, 20);
            assertNotNull(OffsetIndex.load(index, Segment.mapReadOnly(Segment.logFile(dir, 8), ChannelOpener.DEFAULT),
                    (int) Files.size(Segment.logFile(dir, 8)), 8), "rebuilt index validates");
            reopened.close().join();
        }

        Files.delete(index);
        SegmentedLog reopened = SegmentedLog.open(dir, config, writer);
        assertEquals(1, reopened.recoveryReport().indexesRebuilt(), "a missing index is rebuilt too");
        assertTrue(Files.exists(index));
        assertRecords(reopened, 20);
        reopened.close().join();
    }

    @Test
    void aCrashKeepsExactlyTheForcedValidPrefix() throws Exception {
        CrashRecorder recorder = new CrashRecorder();
        LogConfig config = new LogConfig(16 * RECORD, 4 * RECORD);
        Path dir = tmp.resolve("live");
        SegmentedLog log = SegmentedLog.open(dir, config, writer, recorder);
        Random random = new Random(42);
        long lastForced = -1;
        int count = 100;
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        List<Boolean> forced = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            boolean force = i < count - 10 && random.nextInt(4) == 0; // the last 10 are never forced
            forced.add(force);
            futures.add(log.append(header(i), payload(i, PAYLOAD), force));
            if (random.nextInt(8) == 0) {
                futures.forEach(CompletableFuture::join); // vary batch boundaries
            }
        }
        for (int i = 0; i < count; i++) {
            futures.get(i).join();
            if (forced.get(i)) {
                lastForced = i;
            }
        }
        long activeBase = log.segments()[log.segmentCount() - 1].baseOffset;
        Path active = Segment.logFile(dir, activeBase);
        long forcedBytes = recorder.forced(active);
        long writtenBytes = Files.size(active);
        assertTrue(forcedBytes < writtenBytes, "the test leaves an unforced tail");

        for (long extra = 0; extra <= writtenBytes - forcedBytes; extra += 13) {
            Path copy = tmp.resolve("crash-" + extra);
            recorder.copyAfterCrash(dir, copy, extra);
            SegmentedLog recovered = SegmentedLog.open(copy, config, writer);
            RecoveryReport report = recovered.recoveryReport();
            long complete = activeBase + (forcedBytes + extra) / RECORD;
            long partial = (forcedBytes + extra) % RECORD;
            assertTrue(complete > lastForced, "every forced record survives");
            assertEquals(complete, recovered.nextOffset(), "extra " + extra);
            assertEquals(partial > 0, report.lostData(), "extra " + extra);
            assertEquals(partial, report.bytesDropped());
            if (partial > 0) {
                assertEquals(complete, report.firstLostOffset());
            }
            for (long i = 0; i < complete; i++) {
                assertPayload(i, PAYLOAD, recovered.read(i));
            }
            recovered.close().join();
        }
        log.close().join();
    }

    @Test
    void aCleanShutdownSkipsTheScanAndAChangedFileInvalidatesTheMarker() throws Exception {
        Path dir = tmp.resolve("q");
        SegmentedLog log = writeRecords(dir, LogConfig.defaults(), 4);
        log.close().join();
        Path copy = SegmentedLogTest.copyDir(dir, tmp.resolve("copy"));

        SegmentedLog clean = SegmentedLog.open(dir, LogConfig.defaults(), writer);
        assertTrue(clean.recoveryReport().cleanShutdown());
        assertEquals(0, clean.recoveryReport().segmentsScanned());
        clean.close().join();

        truncate(Segment.logFile(copy, 0), 4L * RECORD - 5); // the marker names the old size
        SegmentedLog changed = SegmentedLog.open(copy, LogConfig.defaults(), writer);
        assertFalse(changed.recoveryReport().cleanShutdown());
        assertEquals(1, changed.recoveryReport().segmentsScanned());
        assertEquals(3, changed.recoveryReport().firstLostOffset());
        changed.close().join();
    }

    @Test
    void leftoverTemporaryFilesAreRemoved() throws Exception {
        Path dir = tmp.resolve("q");
        writeRecords(dir, LogConfig.defaults(), 2).close().join();
        Files.write(dir.resolve(Segment.fileName(2, ".log" + Segment.NEW_SUFFIX)), new byte[100]);
        Files.write(dir.resolve(CleanShutdownMarker.FILE_NAME + DurableFiles.TEMPORARY_SUFFIX), new byte[3]);
        SegmentedLog log = SegmentedLog.open(dir, LogConfig.defaults(), writer);
        assertFalse(log.recoveryReport().lostData());
        assertRecords(log, 2);
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".new") || f.toString().endsWith(".tmp")));
        }
        log.close().join();
    }

    static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    static void flipBit(Path file, long position, int bit) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte) (one.get(0) ^ (1 << bit)));
            one.rewind();
            channel.write(one, position);
        }
    }
}
