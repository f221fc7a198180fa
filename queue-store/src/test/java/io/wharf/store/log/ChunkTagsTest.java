package io.wharf.store.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.TagHash;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SegmentedLog#nextWithTag} against a plain scan of the record headers: the per-chunk summaries and the
 * postings of sealed segments may skip chunks and segments but never a wanted record, in the active segment,
 * across sealed ones, after a reopen (summaries loaded from the files) and with damaged or missing files (rebuilt
 * from the headers).
 */
@Timeout(60)
class ChunkTagsTest {

    private static final String[] TAGS = {"red", "green", "blue", "rare"};

    @TempDir
    Path dir;
    LogWriter writer;

    @BeforeEach
    void start() {
        writer = LogWriter.start(FsyncPolicy.NEVER);
    }

    @AfterEach
    void stop() {
        writer.close();
    }

    private SegmentedLog open() throws Exception {
        return SegmentedLog.open(dir, new LogConfig(64 * 1024, 512), writer);
    }

    /** Record i's tag hash: untagged, one of the common tags, or (rarely) "rare". */
    private static int tagOf(int i, Random random) {
        int r = random.nextInt(100);
        if (r == 0) {
            return TagHash.of("rare");
        }
        return r < 30 ? TagHash.NONE : TagHash.of(TAGS[r % 3]);
    }

    /** Appends one record per element of {@code tags}, filling it with {@link #tagOf}. */
    private static void appendTagged(SegmentedLog log, int[] tags, Random random) throws Exception {
        for (int i = 0; i < tags.length; i++) {
            tags[i] = tagOf(i, random);
            log.append(new MessageHeader(0, 0, 4, tags[i], false), ByteBuffer.allocate(40 + random.nextInt(100)),
                    false).get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void findsExactlyTheRecordsAPlainScanFinds() throws Exception {
        Random random = new Random(42);
        int[] tags = new int[5000];
        SegmentedLog log = open();
        appendTagged(log, tags, random);
        checkAgainstScan(log, tags, random);
        log.close().get(5, TimeUnit.SECONDS);
        SegmentedLog reopened = open();
        checkAgainstScan(reopened, tags, random);
        reopened.close().get(5, TimeUnit.SECONDS);
        // Damaged or missing summaries are rebuilt from the record headers, never trusted.
        int damaged = 0;
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".tags")).toList()) {
                if (damaged++ % 2 == 0) {
                    byte[] bytes = java.nio.file.Files.readAllBytes(file);
                    bytes[0] ^= 0x5A;
                    java.nio.file.Files.write(file, bytes);
                } else {
                    java.nio.file.Files.delete(file);
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(damaged > 2, "summaries were saved at seal: " + damaged);
        SegmentedLog again = open();
        checkAgainstScan(again, tags, random);
        again.close().get(5, TimeUnit.SECONDS);
    }

    /** Many distinct tags (some listed, some over the postings budget, some dense): still exact, and reloaded. */
    @Test
    void manyTagsAcrossSegmentsAndReopens() throws Exception {
        Random random = new Random(9);
        int[] tags = new int[6000];
        SegmentedLog log = open();
        for (int i = 0; i < tags.length; i++) {
            int r = random.nextInt(10);
            tags[i] = r < 3 ? TagHash.NONE : r < 5 ? TagHash.of("red") : TagHash.of("t" + random.nextInt(150));
            log.append(new MessageHeader(0, 0, 4, tags[i], false), ByteBuffer.allocate(30 + random.nextInt(60)),
                    false).get(5, TimeUnit.SECONDS);
        }
        int[][] queries = {{TagHash.of("t3")}, {TagHash.of("t7"), TagHash.of("t140")}, {TagHash.of("t5"),
            TagHash.of("red")}, {TagHash.of("t9"), TagHash.NONE}, {TagHash.of("t150")}};
        checkAgainstScan(log, tags, random, queries);
        log.close().get(5, TimeUnit.SECONDS);
        int withPostings = 0;
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                long base = Segment.parseBaseOffset(file.getFileName().toString());
                OffsetIndex index = OffsetIndex.load(Segment.indexFile(dir, base), Segment.mapReadOnly(file,
                        ChannelOpener.DEFAULT), (int) java.nio.file.Files.size(file), base);
                if (index == null) {
                    continue;
                }
                // The record count the file claims (after the magic); load checks it and everything else.
                int records = ByteBuffer.wrap(java.nio.file.Files.readAllBytes(Segment.tagsFile(dir, base)))
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(4);
                ChunkTags saved = ChunkTags.load(Segment.tagsFile(dir, base), index.count() + 1, records,
                        (int) java.nio.file.Files.size(file));
                org.junit.jupiter.api.Assertions.assertNotNull(saved, "a saved summary loads: " + file);
                org.junit.jupiter.api.Assertions.assertNull(ChunkTags.load(Segment.tagsFile(dir, base),
                        index.count() + 1, records + 1, (int) java.nio.file.Files.size(file)), "another count");
                if (saved != null && saved.postings() != null && saved.postings().postingCount() > 0) {
                    withPostings++;
                }
            }
        }
        org.junit.jupiter.api.Assertions.assertTrue(withPostings > 2, "postings saved at seal: " + withPostings);
        SegmentedLog reopened = open();
        checkAgainstScan(reopened, tags, random, queries);
        reopened.close().get(5, TimeUnit.SECONDS);
        // Damaged chunk words behind intact postings: rare tags still come from the postings, dense ones from
        // words rebuilt from the headers.
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".tags")).toList()) {
                byte[] bytes = java.nio.file.Files.readAllBytes(file);
                bytes[bytes.length - 6] ^= 0x21;
                java.nio.file.Files.write(file, bytes);
            }
        }
        SegmentedLog damaged = open();
        checkAgainstScan(damaged, tags, random, queries);
        damaged.close().get(5, TimeUnit.SECONDS);
    }

    /** A log without postings (classic queues) saves chunk words only; tag reads still find every record. */
    @Test
    void withoutPostingsTheChunkSummariesAlone() throws Exception {
        Random random = new Random(5);
        int[] tags = new int[3000];
        LogConfig config = new LogConfig(64 * 1024, 512).withTagPostings(false);
        SegmentedLog log = SegmentedLog.open(dir, config, writer);
        appendTagged(log, tags, random);
        checkAgainstScan(log, tags, random);
        log.close().get(5, TimeUnit.SECONDS);
        Path first = Segment.tagsFile(dir, 0);
        ByteBuffer saved0 = ByteBuffer.wrap(java.nio.file.Files.readAllBytes(first))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        int records = saved0.getInt(4);
        int chunks = saved0.getInt(8);
        ChunkTags saved = ChunkTags.load(first, chunks, records,
                (int) java.nio.file.Files.size(Segment.logFile(dir, 0)));
        org.junit.jupiter.api.Assertions.assertNotNull(saved);
        org.junit.jupiter.api.Assertions.assertNull(saved.postings());
        SegmentedLog reopened = SegmentedLog.open(dir, config, writer);
        checkAgainstScan(reopened, tags, random);
        reopened.close().get(5, TimeUnit.SECONDS);
    }

    private static void checkAgainstScan(SegmentedLog log, int[] tags, Random random) {
        checkAgainstScan(log, tags, random, new int[][] {
            {TagHash.of("rare")}, {TagHash.NONE}, {TagHash.of("red"), TagHash.of("rare")},
            {TagHash.of("absent")}, {TagHash.of("green"), TagHash.NONE}});
    }

    private static void checkAgainstScan(SegmentedLog log, int[] tags, Random random, int[][] queries) {
        long end = log.nextOffset();
        for (int[] wanted : queries) {
            List<Long> expected = new ArrayList<>();
            for (int i = 0; i < tags.length; i++) {
                for (int w : wanted) {
                    if (tags[i] == w) {
                        expected.add((long) i);
                        break;
                    }
                }
            }
            List<Long> found = new ArrayList<>();
            long position = log.nextWithTag(0, end, wanted);
            while (position < end) {
                found.add(position);
                position = log.nextWithTag(position + 1, end, wanted);
            }
            assertEquals(expected, found);
            // Starting anywhere gives the first wanted record at or after that place.
            for (int k = 0; k < 50; k++) {
                long from = random.nextInt(tags.length);
                long first = expected.stream().filter(o -> o >= from).findFirst().orElse(end);
                assertEquals(first, log.nextWithTag(from, end, wanted), "from " + from);
            }
        }
    }
}
