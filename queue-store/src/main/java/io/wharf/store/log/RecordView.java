package io.wharf.store.log;

import java.nio.ByteBuffer;

/**
 * A reusable read-only flyweight over one record of a segment (see {@link RecordLayout}). A visitor gets the
 * same instance for every record; copy out what it needs before returning.
 */
public final class RecordView {

    private ByteBuffer buffer;
    private int position;

    RecordView wrap(ByteBuffer buffer, int position) {
        this.buffer = buffer;
        this.position = position;
        return this;
    }

    public int length() {
        return RecordLayout.length(buffer, position);
    }

    public long offset() {
        return RecordLayout.offset(buffer, position);
    }

    public long timestampMs() {
        return RecordLayout.timestampMs(buffer, position);
    }

    public int kind() {
        return RecordLayout.kind(buffer, position);
    }

    public boolean durable() {
        return (RecordLayout.flags(buffer, position) & RecordLayout.FLAG_DURABLE) != 0;
    }

    /** Written for a transaction before its commit ({@link RecordLayout#FLAG_PREPARED}). */
    public boolean prepared() {
        return (RecordLayout.flags(buffer, position) & RecordLayout.FLAG_PREPARED) != 0;
    }

    public int priority() {
        return RecordLayout.priority(buffer, position);
    }

    public int tagHash() {
        return RecordLayout.tagHash(buffer, position);
    }

    public long expiryTimeMs() {
        return RecordLayout.expiryTimeMs(buffer, position);
    }

    public long deliveryTimeMs() {
        return RecordLayout.deliveryTimeMs(buffer, position);
    }

    public int payloadLength() {
        return length() - RecordLayout.HEADER_LENGTH;
    }

    /** The payload, read-only, sharing the segment's memory (no copy). */
    public ByteBuffer payload() {
        return RecordLayout.payload(buffer, position);
    }
}
