package io.wharf.store.log;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The writer thread's per-batch context and scratch space, handed to the logs while they write: the staging
 * buffer, one CRC instance, the batch's timestamp, and the lists of requests to complete after the writes and
 * after the forces.
 */
final class WriterBatch {

    final FsyncPolicy policy;
    /** Direct, little-endian; holds records of one log at a time until they are written with one call. */
    final ByteBuffer staging;
    /** Header of a record too large for the staging buffer. */
    final ByteBuffer header;
    final CRC32C crc = new CRC32C();
    long nowMs;

    private final LogWriter writer;
    private final ForcePool forcePool;
    private final List<LogRequest> afterWrite = new ArrayList<>();
    private final List<LogRequest> afterForce = new ArrayList<>();
    private final List<SegmentedLog> toForce = new ArrayList<>();

    WriterBatch(LogWriter writer, FsyncPolicy policy, int stagingBufferBytes, ForcePool forcePool) {
        this.writer = writer;
        this.forcePool = forcePool;
        this.policy = policy;
        this.staging = ByteBuffer.allocateDirect(stagingBufferBytes).order(RecordLayout.BYTE_ORDER);
        this.header = ByteBuffer.allocateDirect(RecordLayout.HEADER_LENGTH).order(RecordLayout.BYTE_ORDER);
    }

    void begin(long nowMs) {
        this.nowMs = nowMs;
        afterWrite.clear();
        afterForce.clear();
        toForce.clear();
    }

    /** A log's run succeeded: queue its requests for completion, and its force when one of them needs it. */
    void written(SegmentedLog log, LogRequest head) {
        boolean force = false;
        for (LogRequest r = head; r != null; r = r.nextInRun) {
            if (r.rejection == null && r.awaitsForce()) {
                afterForce.add(r);
                force = true;
            } else {
                afterWrite.add(r);
            }
        }
        if (force) {
            toForce.add(log);
        }
        writer.markDirty(log);
    }

    /** A force done while writing (a segment sealed): counted with the batch forces. */
    void countForce() {
        writer.countForce();
    }

    /**
     * Completes what needs no force, forces each log that needs it once (several logs at once, see
     * {@link ForcePool}), then, when every force has returned, completes the rest.
     */
    void finish() {
        for (LogRequest r : afterWrite) {
            completeOrReject(r);
        }
        writer.countForces(forcePool.forceAll(toForce));
        for (LogRequest r : afterForce) {
            Throwable failure = r.log.failure();
            if (failure != null) {
                r.fail(failure);
            } else {
                completeOrReject(r);
            }
        }
    }

    private static void completeOrReject(LogRequest r) {
        if (r.rejection != null) {
            r.fail(r.rejection);
        } else {
            r.complete();
        }
    }
}
