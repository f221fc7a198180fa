package io.wharf.store.log;

import io.wharf.store.queue.QueueLog;
import io.wharf.store.queue.QueueLogContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class FileQueueLogContractTest extends QueueLogContract {

    @TempDir
    Path tmp;
    private LogWriter writer;

    @Override
    protected QueueLog newLog() throws Exception {
        writer = LogWriter.start(FsyncPolicy.BATCH);
        return FileQueueLog.open(tmp.resolve("queue"), new LogConfig(1024, 256), writer);
    }

    @Override
    protected void release() {
        writer.close();
    }
}
