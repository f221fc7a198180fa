package io.wharf.store.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The file {@code clean-shutdown} a log writes when it closes cleanly, after every segment is sealed and forced.
 * Its presence lets the next open trust the segments without a CRC scan. It names the last segment and its size,
 * so a marker that does not match the files (copied directory, manual edits) is ignored.
 *
 * <pre>
 *  0: magic "WCSM" (int32)   4: version (int32) = 1   8: next offset (int64)
 * 16: last segment base offset (int64)   24: last segment size (int64)   32: CRC-32C of bytes 0..32 (int32)
 * </pre>
 *
 * Written through {@link DurableFiles#replace} (temp file, force, rename, force directory). Open deletes it
 * durably before the log takes a write, so that a later crash is never mistaken for a clean shutdown.
 */
record CleanShutdownMarker(long nextOffset, long lastSegmentBaseOffset, long lastSegmentSize) {

    static final String FILE_NAME = "clean-shutdown";
    private static final int MAGIC = 0x4D53_4357; // "WCSM" little-endian
    private static final int VERSION = 1;
    private static final int LENGTH = 36;

    static Path file(Path dir) {
        return dir.resolve(FILE_NAME);
    }

    void write(Path dir, ChannelOpener opener) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(LENGTH).order(RecordLayout.BYTE_ORDER);
        buf.putInt(MAGIC).putInt(VERSION).putLong(nextOffset).putLong(lastSegmentBaseOffset).putLong(lastSegmentSize);
        CRC32C crc = new CRC32C();
        crc.update(buf.array(), 0, 32);
        buf.putInt((int) crc.getValue());
        buf.flip();
        DurableFiles.replace(file(dir), buf, opener);
    }

    /** The marker in {@code dir}, or null when there is none or it is damaged. */
    static CleanShutdownMarker read(Path dir) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(dir));
        } catch (NoSuchFileException none) {
            return null;
        }
        if (bytes.length != LENGTH) {
            return null;
        }
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(RecordLayout.BYTE_ORDER);
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 32);
        if (buf.getInt(0) != MAGIC || buf.getInt(4) != VERSION || buf.getInt(32) != (int) crc.getValue()) {
            return null;
        }
        return new CleanShutdownMarker(buf.getLong(8), buf.getLong(16), buf.getLong(24));
    }
}
