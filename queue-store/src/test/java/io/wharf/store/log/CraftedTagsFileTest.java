package io.wharf.store.log;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.TagHash;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A .tags file with a CRC-valid but crafted postings block must be rebuilt, not throw. */
@Timeout(60)
class CraftedTagsFileTest {

    @TempDir
    Path dir;

    @Test
    void postingsListedCountOfIntMaxIsRejectedNotThrown() throws Exception {
        LogWriter writer = LogWriter.start(FsyncPolicy.NEVER);
        try {
            SegmentedLog log = SegmentedLog.open(dir, new LogConfig(64 * 1024, 512), writer);
            int red = TagHash.of("red");
            for (int i = 0; i < 10; i++) {
                log.append(new MessageHeader(0, 0, 4, i == 7 ? red : 0, false), ByteBuffer.allocate(40), false)
                        .get(5, TimeUnit.SECONDS);
            }
            log.close().get(5, TimeUnit.SECONDS);
            Path tags = Segment.tagsFile(dir, 0);
            ByteBuffer old = ByteBuffer.wrap(Files.readAllBytes(tags)).order(ByteOrder.LITTLE_ENDIAN);
            int records = old.getInt(4);
            int chunks = old.getInt(8);
            // Head: magic, records, chunks, postings length 12; postings: listed = MAX, count 0, dense 0.
            ByteBuffer buf = ByteBuffer.allocate(16 + 12 + 4 + chunks * 8 + 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.putInt(0x57544733).putInt(records).putInt(chunks).putInt(12);
            buf.putInt(Integer.MAX_VALUE).putInt(0).putInt(0);
            CRC32C crc = new CRC32C();
            crc.update(buf.array(), 0, 28);
            buf.putInt((int) crc.getValue());
            for (int i = 0; i < chunks; i++) {
                buf.putLong(-1L);
            }
            crc.reset();
            crc.update(buf.array(), 32, chunks * 8);
            buf.putInt((int) crc.getValue());
            Files.write(tags, buf.array());

            SegmentedLog reopened = SegmentedLog.open(dir, new LogConfig(64 * 1024, 512), writer);
            // Expected: the crafted summary is refused and rebuilt from the headers; record 7 is found.
            assertEquals(7, reopened.nextWithTag(0, reopened.nextOffset(), new int[] {red}));
            reopened.close().get(5, TimeUnit.SECONDS);
        } finally {
            writer.close();
        }
    }
}
