package io.wharf.amqp.engine;

import io.wharf.store.DiskSpace;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Broker-wide reasons to slow producers down. Publishing links ask {@link #withholdCredit()} before granting
 * credit, and count the bytes of each message from arrival until its store completes ({@link #received} /
 * {@link #stored}), so a fast producer cannot fill the heap with messages waiting for the disk.
 */
public final class Backpressure {

    private final DiskSpace disk;
    private final BooleanSupplier memoryHigh;
    private final long maxInflightBytes;
    private final AtomicLong inflightBytes = new AtomicLong();

    public Backpressure(DiskSpace disk, BooleanSupplier memoryHigh, long maxInflightBytes) {
        this.disk = disk;
        this.memoryHigh = memoryHigh;
        this.maxInflightBytes = maxInflightBytes;
    }

    /** Non-null while publishes must be refused outright (low disk): the reason, for the client. */
    public String refuseReason() {
        return disk.low() ? "free disk space is below " + disk.minFreeBytes()
                + " bytes (store.min-free-disk-bytes); publishing resumes when space is freed" : null;
    }

    /**
     * True while producers get no new credit (heap pressure, or too many bytes waiting for the store). Under low
     * disk ({@link #refuseReason()}) links keep one credit instead, so each publish is refused explicitly.
     */
    public boolean withholdCredit() {
        return memoryHigh.getAsBoolean() || inflightBytes.get() > maxInflightBytes;
    }

    void received(int bytes) {
        inflightBytes.addAndGet(bytes);
    }

    void stored(int bytes) {
        inflightBytes.addAndGet(-bytes);
    }

    public long inflightBytes() {
        return inflightBytes.get();
    }
}
