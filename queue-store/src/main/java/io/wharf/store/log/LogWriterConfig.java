package io.wharf.store.log;

/**
 * Settings of the broker's {@link LogWriter}.
 *
 * @param fsyncPolicy        when written records are forced to disk
 * @param queueCapacity      requests waiting for the writer thread before submitters block (back-pressure)
 * @param maxBatchSize       requests taken per batch (one force per touched file per batch)
 * @param stagingBufferBytes the writer's direct buffer that coalesces a batch's records of one log into one write
 */
public record LogWriterConfig(FsyncPolicy fsyncPolicy, int queueCapacity, int maxBatchSize, int stagingBufferBytes) {

    public LogWriterConfig {
        if (fsyncPolicy == null) {
            throw new IllegalArgumentException("fsyncPolicy must not be null");
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("queueCapacity must be positive, was " + queueCapacity);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be positive, was " + maxBatchSize);
        }
        if (stagingBufferBytes < 4 * RecordLayout.HEADER_LENGTH) {
            throw new IllegalArgumentException("stagingBufferBytes must be at least " + 4 * RecordLayout.HEADER_LENGTH
                    + ", was " + stagingBufferBytes);
        }
    }

    public static LogWriterConfig defaults() {
        return new LogWriterConfig(FsyncPolicy.BATCH, 65_536, 8_192, 1024 * 1024);
    }

    public LogWriterConfig withFsyncPolicy(FsyncPolicy fsyncPolicy) {
        return new LogWriterConfig(fsyncPolicy, queueCapacity, maxBatchSize, stagingBufferBytes);
    }
}
