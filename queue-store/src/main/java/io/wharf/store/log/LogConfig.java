package io.wharf.store.log;

/**
 * Settings of one {@link SegmentedLog}.
 *
 * @param segmentSizeBytes   a segment is sealed and a new one started when the next record would take the active
 *                           one past this size (a single larger record gets a segment of its own)
 * @param indexIntervalBytes the sparse index gets an entry at most every this many bytes of records
 * @param tagPostings        the writer notes tagged records so that sealed segments get {@link TagPostings} (12
 *                           bytes per tagged record of the active segment, while it is active): for logs read by
 *                           tag (streams); classic queues filter from their in-memory index instead
 * @param recordPositions    every segment keeps every record's file position in memory ({@link RecordPositions}, 4
 *                           bytes a record): for logs read at random (classic queues), so that a read goes straight
 *                           to its record instead of walking headers from the sparse index
 */
public record LogConfig(int segmentSizeBytes, int indexIntervalBytes, boolean tagPostings, boolean recordPositions) {

    public static final int DEFAULT_SEGMENT_SIZE_BYTES = 64 * 1024 * 1024;
    public static final int DEFAULT_INDEX_INTERVAL_BYTES = 4096;

    public LogConfig {
        if (segmentSizeBytes < RecordLayout.HEADER_LENGTH) {
            throw new IllegalArgumentException("segmentSizeBytes must be at least " + RecordLayout.HEADER_LENGTH
                    + ", was " + segmentSizeBytes);
        }
        if (indexIntervalBytes < 1) {
            throw new IllegalArgumentException("indexIntervalBytes must be positive, was " + indexIntervalBytes);
        }
    }

    public LogConfig(int segmentSizeBytes, int indexIntervalBytes) {
        this(segmentSizeBytes, indexIntervalBytes, true, false);
    }

    public static LogConfig defaults() {
        return new LogConfig(DEFAULT_SEGMENT_SIZE_BYTES, DEFAULT_INDEX_INTERVAL_BYTES);
    }

    public LogConfig withSegmentSizeBytes(int segmentSizeBytes) {
        return new LogConfig(segmentSizeBytes, indexIntervalBytes, tagPostings, recordPositions);
    }

    public LogConfig withIndexIntervalBytes(int indexIntervalBytes) {
        return new LogConfig(segmentSizeBytes, indexIntervalBytes, tagPostings, recordPositions);
    }

    public LogConfig withTagPostings(boolean tagPostings) {
        return new LogConfig(segmentSizeBytes, indexIntervalBytes, tagPostings, recordPositions);
    }

    public LogConfig withRecordPositions(boolean recordPositions) {
        return new LogConfig(segmentSizeBytes, indexIntervalBytes, tagPostings, recordPositions);
    }
}
