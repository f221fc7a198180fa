package io.wharf.store.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link ChannelOpener} that remembers, per file (by inode, so renames are followed), how many bytes were on
 * disk at its last force, and makes a "crashed" copy of a folder that keeps only those bytes (plus, optionally,
 * some unforced bytes of a torn write).
 */
final class CrashRecorder implements ChannelOpener {

    private final Map<Object, Long> forcedBytes = new ConcurrentHashMap<>();

    @Override
    public FileChannel open(Path path, Set<? extends OpenOption> options) throws IOException {
        FileChannel channel = FileChannel.open(path, options);
        Object key = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        return new ForwardingFileChannel(channel) {
            @Override
            public void force(boolean metaData) throws IOException {
                super.force(metaData);
                forcedBytes.put(key, delegate.size());
            }

            @Override
            public FileChannel truncate(long size) throws IOException {
                super.truncate(size);
                forcedBytes.computeIfPresent(key, (k, forced) -> Math.min(forced, size));
                return this;
            }
        };
    }

    /** Bytes of {@code file} known to be on disk. */
    long forced(Path file) throws IOException {
        return forcedBytes.getOrDefault(Files.readAttributes(file, BasicFileAttributes.class).fileKey(), 0L);
    }

    /**
     * Copies every file of {@code from} into {@code to}, keeping its forced bytes and then at most
     * {@code extraUnforcedBytes} more of what was written after the last force.
     */
    void copyAfterCrash(Path from, Path to, long extraUnforcedBytes) throws IOException {
        Files.createDirectories(to);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(from)) {
            for (Path file : files) {
                long keep = Math.min(Files.size(file), forced(file) + extraUnforcedBytes);
                try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                     FileChannel out = FileChannel.open(to.resolve(file.getFileName()), StandardOpenOption.CREATE_NEW,
                             StandardOpenOption.WRITE)) {
                    ByteBuffer buf = ByteBuffer.allocate((int) keep);
                    while (buf.hasRemaining() && in.read(buf, buf.position()) >= 0) {
                        // read until full
                    }
                    buf.flip();
                    while (buf.hasRemaining()) {
                        out.write(buf);
                    }
                }
            }
        }
    }
}
