package io.wharf.store.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.TagHash;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** nextWithTag from reader threads while the writer appends and rolls, against the known tags. */
@Timeout(120)
class ConcurrentTagReadTest {

    @TempDir
    Path dir;

    static int tagOf(long i) {
        long h = (i * 0x9E3779B97F4A7C15L) >>> 40;
        int r = (int) (h % 1000);
        if (r < 5) {
            return TagHash.of("rare");
        }
        if (r < 300) {
            return TagHash.NONE;
        }
        if (r < 600) {
            return TagHash.of("red");
        }
        return TagHash.of("t" + (r % 120));
    }

    @Test
    void readersAgreeWithTheTruthWhileTheWriterRolls() throws Exception {
        LogWriter writer = LogWriter.start(FsyncPolicy.NEVER);
        SegmentedLog log = SegmentedLog.open(dir, new LogConfig(32 * 1024, 256), writer);
        int total = 60_000;
        AtomicBoolean done = new AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong checks = new java.util.concurrent.atomic.AtomicLong();
        AtomicReference<String> problem = new AtomicReference<>();
        int[][] queries = {{TagHash.of("rare")}, {TagHash.of("t7")}, {TagHash.of("t3"), TagHash.of("red")},
            {TagHash.of("t11"), TagHash.NONE}, {TagHash.of("absent")}, {TagHash.of("rare"), TagHash.of("t100")}};
        Runnable reader = () -> {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (!done.get() && problem.get() == null) {
                long end = log.nextOffset();
                if (end == 0) {
                    continue;
                }
                long from = random.nextLong(end);
                int[] q = queries[random.nextInt(queries.length)];
                long expected = end;
                for (long i = from; i < end; i++) {
                    int t = tagOf(i);
                    boolean hit = false;
                    for (int h : q) {
                        hit |= h == t;
                    }
                    if (hit) {
                        expected = i;
                        break;
                    }
                }
                long got = log.nextWithTag(from, end, q);
                checks.incrementAndGet();
                if (got != expected) {
                    problem.compareAndSet(null, "from " + from + " end " + end + " q " + java.util.Arrays.toString(q)
                            + ": got " + got + " expected " + expected);
                }
                if (got < end) {
                    try {
                        log.read(got);
                    } catch (RuntimeException e) {
                        problem.compareAndSet(null, "read " + got + ": " + e);
                    }
                }
            }
        };
        Thread[] readers = {new Thread(reader), new Thread(reader)};
        for (Thread t : readers) {
            t.start();
        }
        CompletableFuture<Long> last = null;
        for (int i = 0; i < total && problem.get() == null; i++) {
            last = log.append(new MessageHeader(0, 0, 4, tagOf(i), false), ByteBuffer.allocate(20 + (i % 50)),
                    false);
            if (i % 500 == 0) {
                last.get(5, TimeUnit.SECONDS);
            }
        }
        last.get(5, TimeUnit.SECONDS);
        // The readers go on a while against the whole log, all of it written.
        long checked = checks.get();
        org.awaitility.Awaitility.await().atMost(30, TimeUnit.SECONDS)
                .until(() -> checks.get() >= checked + 200 || problem.get() != null);
        done.set(true);
        for (Thread t : readers) {
            t.join();
        }
        log.close().get(5, TimeUnit.SECONDS);
        writer.close();
        assertNull(problem.get());
    }
}
