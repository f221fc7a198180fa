package io.wharf.store.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.EnumSet;

/** File operations that must survive a crash: forcing a directory, replacing a small file atomically. */
final class DurableFiles {

    static final String TEMPORARY_SUFFIX = ".tmp";

    private DurableFiles() {
    }

    /** Forces a directory so that files created, renamed or deleted in it survive a crash (Linux, macOS). */
    static void forceDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some platforms (Windows) cannot open a directory; there the rename itself is what we have.
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }

    /**
     * Replaces {@code file} with {@code content}: written to {@code file.tmp}, forced, renamed over {@code file},
     * directory forced. A reader after a crash sees the old or the new content, never a mix.
     */
    static void replace(Path file, ByteBuffer content, ChannelOpener opener) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + TEMPORARY_SUFFIX);
        try (FileChannel channel = opener.open(temporary, EnumSet.of(StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))) {
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(false);
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.getParent());
    }

    /** Deletes {@code file} if present and forces its directory when it was there. */
    static boolean delete(Path file) throws IOException {
        boolean deleted = Files.deleteIfExists(file);
        if (deleted) {
            forceDirectory(file.getParent());
        }
        return deleted;
    }
}
