package io.wharf.store.log;

import java.io.IOException;

/**
 * Writer-thread hooks through which a {@link FileQueueLog} keeps its per-segment state (acks, delivered
 * markers) in step with the {@link SegmentedLog} under it. All calls happen on the log writer thread; an
 * IOException makes the log read-only.
 */
interface SegmentListener {

    /** The segment takes no more records (it was rolled over, or the log is closing). */
    void segmentSealed(Segment segment) throws IOException;

    /** The segment's files were deleted; delete the listener's own files for it. */
    void segmentDeleted(Segment segment) throws IOException;

    /** The end of the log's requests in the current batch, after its records were written. */
    void endOfRun(WriterBatch batch) throws IOException;

    /** Force everything the listener wrote and did not force yet. */
    void force(WriterBatch batch) throws IOException;

    /** The log closes: write and force what is pending and release files. */
    void close(WriterBatch batch) throws IOException;
}
