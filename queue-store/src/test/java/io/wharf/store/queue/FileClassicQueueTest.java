package io.wharf.store.queue;

import io.wharf.store.log.FileQueueLog;
import io.wharf.store.log.FsyncPolicy;
import io.wharf.store.log.LogConfig;
import io.wharf.store.log.LogWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The queue contract over the segmented write-ahead log (small segments, so rolls happen in the suite). */
class FileClassicQueueTest extends ClassicQueueContract {

    @TempDir
    Path dir;
    private LogWriter writer;

    @Override
    protected QueueLog newLog() throws Exception {
        writer = LogWriter.start(FsyncPolicy.BATCH);
        return FileQueueLog.open(dir.resolve("q"), LogConfig.defaults().withSegmentSizeBytes(64 * 1024), writer);
    }

    @AfterEach
    void stopWriter() {
        writer.close();
    }
}
