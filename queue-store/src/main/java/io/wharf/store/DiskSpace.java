package io.wharf.store;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches free space on the data directory's file system. {@link #check()} runs on a timer (it asks the file
 * system); {@link #low()} is a volatile read that publishers consult before storing anything.
 */
public final class DiskSpace {

    private static final Logger LOG = LoggerFactory.getLogger(DiskSpace.class);

    private final FileStore fileStore;
    private final long minFreeBytes;
    private volatile boolean low;

    public DiskSpace(Path dataDir, long minFreeBytes) throws IOException {
        this.fileStore = Files.getFileStore(dataDir);
        this.minFreeBytes = minFreeBytes;
    }

    /** True while free space is below the threshold: publishes are refused, consumers go on. */
    public boolean low() {
        return low;
    }

    public long minFreeBytes() {
        return minFreeBytes;
    }

    /** Re-reads the free space; logs once when the state changes. */
    public void check() {
        long free;
        try {
            free = fileStore.getUsableSpace();
        } catch (IOException e) {
            LOG.warn("Cannot read free disk space: {}", e.toString());
            return;
        }
        boolean nowLow = free < minFreeBytes;
        if (nowLow != low) {
            low = nowLow;
            if (nowLow) {
                LOG.warn("Free disk space {} bytes is below store.min-free-disk-bytes {}: publishing is refused "
                        + "until space is freed; consumers keep draining", free, minFreeBytes);
            } else {
                LOG.info("Free disk space {} bytes is above the threshold again: publishing resumes", free);
            }
        }
    }
}
