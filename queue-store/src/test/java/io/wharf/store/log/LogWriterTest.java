package io.wharf.store.log;

import static io.wharf.store.log.TestRecords.assertPayload;
import static io.wharf.store.log.TestRecords.header;
import static io.wharf.store.log.TestRecords.payload;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

@Timeout(60)
class LogWriterTest {

    private static final int PAYLOAD = 64;

    @TempDir
    Path tmp;

    @Test
    void groupCommitManyThreadsOneForcePerBatch() throws Exception {
        int threads = 8;
        int perThread = 1_000;
        int logs = 3;
        try (LogWriter writer = LogWriter.start(FsyncPolicy.BATCH)) {
            List<SegmentedLog> all = new ArrayList<>();
            for (int l = 0; l < logs; l++) {
                all.add(SegmentedLog.open(tmp.resolve("q" + l), new LogConfig(64 * 1024, 4096), writer));
            }
            CyclicBarrier start = new CyclicBarrier(threads);
            List<List<CompletableFuture<Long>>> futures = new ArrayList<>();
            List<Thread> producers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                List<CompletableFuture<Long>> mine = new ArrayList<>();
                futures.add(mine);
                SegmentedLog log = all.get(t % logs);
                int id = t;
                Thread producer = new Thread(() -> {
                    try {
                        start.await();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < perThread; i++) {
                        mine.add(log.append(header(id), payload(id, PAYLOAD), true));
                    }
                });
                producers.add(producer);
                producer.start();
            }
            for (Thread producer : producers) {
                producer.join();
            }
            List<List<Long>> offsetsByLog = new ArrayList<>();
            for (int l = 0; l < logs; l++) {
                offsetsByLog.add(new ArrayList<>());
            }
            for (int t = 0; t < threads; t++) {
                List<Long> offsets = offsetsByLog.get(t % logs);
                long previous = -1;
                for (CompletableFuture<Long> future : futures.get(t)) {
                    long offset = future.get(30, TimeUnit.SECONDS);
                    assertTrue(offset > previous, "one thread's appends keep their order");
                    previous = offset;
                    offsets.add(offset);
                    assertPayload(t, PAYLOAD, all.get(t % logs).read(offset));
                }
            }
            for (List<Long> offsets : offsetsByLog) {
                offsets.sort(null);
                for (int i = 0; i < offsets.size(); i++) {
                    assertEquals(i, offsets.get(i), "offsets are dense and unique");
                }
            }
            long appends = (long) threads * perThread;
            long forces = writer.forceCount();
            assertTrue(forces * 10 < appends, "forces " + forces + " should be far fewer than appends " + appends);
            assertTrue(writer.batchCount() < appends);
            for (SegmentedLog log : all) {
                log.close().join();
            }
        }
    }

    @Test
    void recordsWithoutForceDoNotWaitForTheForce() throws Exception {
        FaultyOpener opener = new FaultyOpener();
        try (LogWriter writer = LogWriter.start(FsyncPolicy.BATCH)) {
            SegmentedLog log = SegmentedLog.open(tmp, LogConfig.defaults(), writer, opener);
            opener.forceGate = new CountDownLatch(1);
            CompletableFuture<Long> first = log.append(header(0), payload(0, PAYLOAD), true);
            assertTrue(opener.forceWaiting.await(10, TimeUnit.SECONDS), "the writer is inside the first force");

            // Both land in the next batch, behind the held force.
            CompletableFuture<Long> lazy = log.append(header(1), payload(1, PAYLOAD), false);
            CompletableFuture<Long> durable = log.append(header(2), payload(2, PAYLOAD), true);
            CountDownLatch firstGate = opener.forceGate;
            opener.forceWaiting = new CountDownLatch(1);
            opener.forceGate = new CountDownLatch(1);
            firstGate.countDown();

            assertEquals(0, first.get(10, TimeUnit.SECONDS));
            assertTrue(opener.forceWaiting.await(10, TimeUnit.SECONDS), "the writer is inside the second force");
            assertEquals(1, lazy.get(10, TimeUnit.SECONDS), "completed before the force");
            assertFalse(durable.isDone(), "waits for the force");
            opener.forceGate.countDown();
            assertEquals(2, durable.get(10, TimeUnit.SECONDS));
            opener.forceGate = null;
            log.close().join();
        }
    }

    @Test
    void intervalPolicyCompletesAfterWriteAndForcesLater() throws Exception {
        FaultyOpener opener = new FaultyOpener();
        opener.forceGate = new CountDownLatch(1);
        try (LogWriter writer = LogWriter.start(FsyncPolicy.parse("interval:5"))) {
            SegmentedLog log = SegmentedLog.open(tmp, LogConfig.defaults(), writer, opener);
            CompletableFuture<Long> durable = log.append(header(0), payload(0, PAYLOAD), true);
            assertEquals(0, durable.get(10, TimeUnit.SECONDS), "interval: complete once written");
            assertTrue(opener.forceWaiting.await(10, TimeUnit.SECONDS), "a force follows with no further appends");
            opener.forceGate.countDown();
            await().atMost(10, TimeUnit.SECONDS).until(() -> writer.forceCount() >= 1);
            opener.forceGate = null;
            log.close().join();
        }
    }

    @Test
    void neverPolicyDoesNotForce() throws Exception {
        try (LogWriter writer = LogWriter.start(FsyncPolicy.NEVER)) {
            SegmentedLog log = SegmentedLog.open(tmp, LogConfig.defaults(), writer);
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                futures.add(log.append(header(i), payload(i, PAYLOAD), true));
            }
            futures.forEach(CompletableFuture::join);
            assertEquals(0, writer.forceCount());
            log.close().join();
            assertEquals(1, writer.forceCount(), "close seals the active segment: one force");
        }
    }

    @Test
    void aWriteErrorFailsTheFutureAndMakesTheLogReadOnlyLoggedOnce() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(SegmentedLog.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        FaultyOpener opener = new FaultyOpener();
        try (LogWriter writer = LogWriter.start(FsyncPolicy.BATCH)) {
            SegmentedLog broken = SegmentedLog.open(tmp.resolve("broken"), LogConfig.defaults(), writer, opener);
            SegmentedLog healthy = SegmentedLog.open(tmp.resolve("healthy"), LogConfig.defaults(), writer);
            assertEquals(0, broken.append(header(0), payload(0, PAYLOAD), true).join());

            opener.failWrites = true;
            CompletableFuture<Long> failed = broken.append(header(1), payload(1, PAYLOAD), true);
            CompletableFuture<Long> alsoFailed = broken.append(header(2), payload(2, PAYLOAD), false);
            ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause());
            assertThrows(ExecutionException.class, () -> alsoFailed.get(10, TimeUnit.SECONDS));
            assertTrue(broken.isReadOnly());

            opener.failWrites = false;
            CompletableFuture<Long> refused = broken.append(header(3), payload(3, PAYLOAD), true);
            assertTrue(refused.isCompletedExceptionally(), "fails at once");
            CompletionException refusal = assertThrows(CompletionException.class, refused::join);
            assertInstanceOf(LogReadOnlyException.class, refusal.getCause());
            assertTrue(refusal.getCause().getMessage().contains("read-only"), refusal.getCause().getMessage());
            assertThrows(CompletionException.class, () -> broken.truncate(0).join());

            assertEquals(0, healthy.append(header(0), payload(0, PAYLOAD), true).join(), "other logs go on");
            assertPayload(0, PAYLOAD, broken.read(0));
            broken.close().join();
            healthy.close().join();
        } finally {
            logger.detachAppender(appender);
        }
        long errors = appender.list.stream().filter(event -> event.getLevel() == Level.ERROR).count();
        assertEquals(1, errors, "logged once");
    }

    @Test
    void aForceErrorFailsOnlyTheRecordsThatWaitedForIt() throws Exception {
        FaultyOpener opener = new FaultyOpener();
        try (LogWriter writer = LogWriter.start(FsyncPolicy.BATCH)) {
            SegmentedLog log = SegmentedLog.open(tmp, LogConfig.defaults(), writer, opener);
            opener.forceGate = new CountDownLatch(1);
            log.append(header(0), payload(0, PAYLOAD), true);
            assertTrue(opener.forceWaiting.await(10, TimeUnit.SECONDS));
            CompletableFuture<Long> lazy = log.append(header(1), payload(1, PAYLOAD), false);
            CompletableFuture<Long> durable = log.append(header(2), payload(2, PAYLOAD), true);
            CountDownLatch firstGate = opener.forceGate;
            opener.forceWaiting = new CountDownLatch(1);
            opener.forceGate = new CountDownLatch(1);
            firstGate.countDown();
            assertTrue(opener.forceWaiting.await(10, TimeUnit.SECONDS), "the writer is inside the second force");
            opener.failForces = true;
            opener.forceGate.countDown();

            assertEquals(1, lazy.get(10, TimeUnit.SECONDS), "written: its future does not depend on a force");
            ExecutionException e = assertThrows(ExecutionException.class, () -> durable.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IOException.class, e.getCause());
            assertTrue(e.getCause().getMessage().contains("injected force failure"), e.getCause().getMessage());
            assertTrue(log.isReadOnly());
            CompletionException later = assertThrows(CompletionException.class,
                    () -> log.append(header(3), payload(3, PAYLOAD), false).join());
            assertInstanceOf(LogReadOnlyException.class, later.getCause());
            opener.forceGate = null;
            log.close().join();
        }
    }

    @Test
    void aClosedChannelFailsTheAppend() throws Exception {
        FaultyOpener opener = new FaultyOpener();
        try (LogWriter writer = LogWriter.start(FsyncPolicy.BATCH)) {
            SegmentedLog log = SegmentedLog.open(tmp, LogConfig.defaults(), writer, opener);
            for (var channel : opener.channels) {
                channel.close();
            }
            CompletableFuture<Long> failed = log.append(header(0), payload(0, PAYLOAD), true);
            ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(10, TimeUnit.SECONDS));
            assertInstanceOf(ClosedChannelException.class, e.getCause());
            assertTrue(log.isReadOnly());
            log.close().join();
        }
    }

    @Test
    void appendsAfterShutdownFail() throws Exception {
        LogWriter writer = LogWriter.start(FsyncPolicy.BATCH);
        SegmentedLog log = SegmentedLog.open(tmp, LogConfig.defaults(), writer);
        CompletableFuture<Long> before = log.append(header(0), payload(0, PAYLOAD), true);
        writer.shutdown().get(10, TimeUnit.SECONDS);
        assertEquals(0, before.join(), "submitted before the shutdown: done");
        CompletionException e = assertThrows(CompletionException.class,
                () -> log.append(header(1), payload(1, PAYLOAD), true).join());
        assertInstanceOf(LogClosedException.class, e.getCause());
        writer.close();
    }

    @Test
    void appendingFromACompletionCallbackDoesNotDeadlock() throws Exception {
        FaultyOpener opener = new FaultyOpener();
        LogWriterConfig config = new LogWriterConfig(FsyncPolicy.BATCH, 1, 16, 64 * 1024);
        try (LogWriter writer = LogWriter.start(config)) {
            SegmentedLog log = SegmentedLog.open(tmp, LogConfig.defaults(), writer, opener);
            opener.forceGate = new CountDownLatch(1);
            CompletableFuture<Long> first = log.append(header(0), payload(0, PAYLOAD), true);
            assertTrue(opener.forceWaiting.await(10, TimeUnit.SECONDS), "first is not complete yet");
            List<String> callbackThread = new ArrayList<>();
            CompletableFuture<Long> chained = first.thenCompose(offset -> {
                callbackThread.add(Thread.currentThread().getName());
                CompletableFuture<Long> next = log.append(header(1), payload(1, PAYLOAD), true);
                for (int i = 2; i < 5; i++) { // more than the writer's queue holds
                    log.append(header(i), payload(i, PAYLOAD), false);
                }
                return next;
            });
            opener.forceGate.countDown();
            assertEquals(1, chained.get(10, TimeUnit.SECONDS));
            assertEquals(List.of("wharf-log-writer"), callbackThread);
            opener.forceGate = null;
            log.close().join();
            SegmentedLog reopened = SegmentedLog.open(tmp, LogConfig.defaults(), writer);
            assertEquals(5, reopened.nextOffset());
            reopened.close().join();
        }
    }

    @Test
    void closeIsIdempotent() throws Exception {
        try (LogWriter writer = LogWriter.start(FsyncPolicy.BATCH)) {
            SegmentedLog log = SegmentedLog.open(tmp, LogConfig.defaults(), writer);
            CompletableFuture<Void> first = log.close();
            CompletableFuture<Void> second = log.close();
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
        }
    }
    @Test
    void forcesTheFilesOfABatchInParallelAndCompletesOnlyAfterEachFileIsForced() throws Exception {
        int logs = 1 + 3 * LogWriter.FORCE_PARALLELISM;
        Set<Path> forcedDirs = ConcurrentHashMap.newKeySet();
        CountDownLatch firstForceWaiting = new CountDownLatch(1);
        CountDownLatch firstForceGate = new CountDownLatch(1);
        // Every forcer of the second batch meets here: passes only if FORCE_PARALLELISM forces are in flight at once.
        CountDownLatch allForcersIn = new CountDownLatch(LogWriter.FORCE_PARALLELISM);
        AtomicBoolean gated = new AtomicBoolean();
        ChannelOpener opener = (path, options) -> new ForwardingFileChannel(FileChannel.open(path, options)) {
            @Override
            public void force(boolean metaData) throws IOException {
                if (gated.get()) {
                    try {
                        if (path.getParent().endsWith("q0")) {
                            firstForceWaiting.countDown();
                            firstForceGate.await(30, TimeUnit.SECONDS);
                        } else {
                            allForcersIn.countDown();
                            if (!allForcersIn.await(30, TimeUnit.SECONDS)) {
                                throw new IOException("fewer than " + LogWriter.FORCE_PARALLELISM + " forces at once");
                            }
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException(e);
                    }
                }
                super.force(metaData);
                forcedDirs.add(path.getParent());
            }
        };
        try (LogWriter writer = LogWriter.start(FsyncPolicy.BATCH)) {
            List<SegmentedLog> all = new ArrayList<>();
            for (int l = 0; l < logs; l++) {
                all.add(SegmentedLog.open(tmp.resolve("q" + l), LogConfig.defaults(), writer, opener));
            }
            gated.set(true);
            long forcesBefore = writer.forceCount();
            // The first batch holds only q0 and waits in its force while the others queue up as one batch.
            CompletableFuture<Long> first = all.get(0).append(header(0), payload(0, PAYLOAD), true);
            assertTrue(firstForceWaiting.await(10, TimeUnit.SECONDS));
            List<CompletableFuture<Boolean>> forcedWhenDone = new ArrayList<>();
            for (int l = 1; l < logs; l++) {
                Path dir = tmp.resolve("q" + l);
                forcedWhenDone.add(all.get(l).append(header(l), payload(l, PAYLOAD), true)
                        .thenApply(offset -> forcedDirs.contains(dir)));
            }
            firstForceGate.countDown();
            assertEquals(0, first.get(10, TimeUnit.SECONDS));
            for (CompletableFuture<Boolean> f : forcedWhenDone) {
                assertTrue(f.get(10, TimeUnit.SECONDS), "a future completed before its file was forced");
            }
            assertEquals(logs, writer.forceCount() - forcesBefore);
            gated.set(false);
            for (SegmentedLog log : all) {
                log.close().join();
            }
        }
    }
}
