package io.wharf.store.log;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The byte layout of one record in a segment file (and of the ack/delivered records in a segment's
 * {@code .acks} file). A record is a fixed 48-byte header followed by the payload, the AMQP bytes as received:
 *
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |               Length of the whole record (int32)              |  0
 *  +---------------------------------------------------------------+
 *  |      CRC-32C of bytes 8 .. Length (everything after it)       |  4
 *  +---------------------------------------------------------------+
 *  |                         Offset (int64)                        |  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                 Timestamp, epoch ms (int64)                   | 16
 *  |                                                               |
 *  +-------------------------------+---------------+---------------+
 *  |         Flags (int16)         | Priority (u8) | Reserved (0)  | 24
 *  +-------------------------------+---------------+---------------+
 *  |                        Tag hash (int32)                       | 28
 *  +---------------------------------------------------------------+
 *  |            Expiry time, epoch ms, 0 = never (int64)           | 32
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |           Delivery time, epoch ms, 0 = now (int64)            | 40
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                  Payload (Length - 48 bytes)                 ...  48
 * ...                                                              |
 *  +---------------------------------------------------------------+
 *
 *  Flags: bits 0-3 kind (0 message, 1 ack, 2 delivered, 3 tombstone, 4 committed), bit 4 durable,
 *         bit 5 prepared (a message of an AMQP transaction: live only once committed), others 0.
 * </pre>
 *
 * <p>All numbers are <b>little-endian</b>. Every machine Wharf targets (x86-64, aarch64) is little-endian, so
 * reading a header field from a mapped segment is a plain load with no byte swap, the same choice Aeron/SBE
 * make; the payload is opaque and unaffected. Tools reading these files must use little-endian.
 *
 * <p>The fixed-header fields are ordered for natural alignment (every int64 at a multiple of 8 from the record
 * start) rather than in the order {@link io.wharf.store.queue.MessageHeader} lists them. Records are not padded,
 * so alignment holds within the header layout only.
 *
 * <p>There is no trailing size field: recovery trusts only a record whose length is within bounds and whose
 * CRC matches.
 */
public final class RecordLayout {

    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    public static final int LENGTH_OFFSET = 0;
    public static final int CRC_OFFSET = 4;
    /** The CRC covers [CRC_COVERED_FROM, length). */
    public static final int CRC_COVERED_FROM = 8;
    public static final int OFFSET_OFFSET = 8;
    public static final int TIMESTAMP_OFFSET = 16;
    public static final int FLAGS_OFFSET = 24;
    public static final int PRIORITY_OFFSET = 26;
    public static final int RESERVED_OFFSET = 27;
    public static final int TAG_HASH_OFFSET = 28;
    public static final int EXPIRY_TIME_OFFSET = 32;
    public static final int DELIVERY_TIME_OFFSET = 40;
    public static final int HEADER_LENGTH = 48;

    /** Largest record: positions in a segment (and its index) are int32. */
    public static final int MAX_RECORD_LENGTH = Integer.MAX_VALUE - 8;
    public static final int MAX_PAYLOAD_LENGTH = MAX_RECORD_LENGTH - HEADER_LENGTH;

    public static final int KIND_MASK = 0x000F;
    public static final int KIND_MESSAGE = 0;
    public static final int KIND_ACK = 1;
    public static final int KIND_DELIVERED = 2;
    public static final int KIND_TOMBSTONE = 3;
    /** In a {@code .acks} file: prepared records of the segment whose transaction committed. */
    public static final int KIND_COMMITTED = 4;
    public static final int FLAG_DURABLE = 0x0010;
    /**
     * A message written for a transaction before its commit: recovery keeps it only when the segment's ack file
     * marks it {@link #KIND_COMMITTED} or the transaction journal holds its commit (see io.wharf.store.tx).
     */
    public static final int FLAG_PREPARED = 0x0020;

    private RecordLayout() {
    }

    /**
     * Writes a header at {@code pos} of {@code buf} (little-endian, absolute puts) with a zero CRC; call
     * {@link #putCrc} once the payload is in place.
     */
    public static void putHeader(ByteBuffer buf, int pos, int length, long offset, long timestampMs, int flags,
                                 int priority, int tagHash, long expiryTimeMs, long deliveryTimeMs) {
        buf.putInt(pos + LENGTH_OFFSET, length);
        buf.putInt(pos + CRC_OFFSET, 0);
        buf.putLong(pos + OFFSET_OFFSET, offset);
        buf.putLong(pos + TIMESTAMP_OFFSET, timestampMs);
        buf.putShort(pos + FLAGS_OFFSET, (short) flags);
        buf.put(pos + PRIORITY_OFFSET, (byte) priority);
        buf.put(pos + RESERVED_OFFSET, (byte) 0);
        buf.putInt(pos + TAG_HASH_OFFSET, tagHash);
        buf.putLong(pos + EXPIRY_TIME_OFFSET, expiryTimeMs);
        buf.putLong(pos + DELIVERY_TIME_OFFSET, deliveryTimeMs);
    }

    /** Computes the CRC of the complete record at {@code pos} (its length field must be set) and stores it. */
    public static void putCrc(ByteBuffer buf, int pos, CRC32C crc) {
        buf.putInt(pos + CRC_OFFSET, computeCrc(buf, pos, length(buf, pos), crc));
    }

    /** CRC-32C over bytes [pos + 8, pos + length) of {@code buf}; {@code crc} is reset first. */
    public static int computeCrc(ByteBuffer buf, int pos, int length, CRC32C crc) {
        crc.reset();
        crc.update(buf.slice(pos + CRC_COVERED_FROM, length - CRC_COVERED_FROM));
        return (int) crc.getValue();
    }

    /**
     * True when a complete, intact record starts at {@code pos}: the length is within [48, limit - pos] and the
     * CRC matches. Does not check the offset.
     */
    public static boolean isValid(ByteBuffer buf, int pos, int limit, CRC32C crc) {
        if (limit - pos < HEADER_LENGTH) {
            return false;
        }
        int length = length(buf, pos);
        if (length < HEADER_LENGTH || length > limit - pos) {
            return false;
        }
        return computeCrc(buf, pos, length, crc) == buf.getInt(pos + CRC_OFFSET);
    }

    public static int length(ByteBuffer buf, int pos) {
        return buf.getInt(pos + LENGTH_OFFSET);
    }

    public static int crc(ByteBuffer buf, int pos) {
        return buf.getInt(pos + CRC_OFFSET);
    }

    public static long offset(ByteBuffer buf, int pos) {
        return buf.getLong(pos + OFFSET_OFFSET);
    }

    public static long timestampMs(ByteBuffer buf, int pos) {
        return buf.getLong(pos + TIMESTAMP_OFFSET);
    }

    public static int flags(ByteBuffer buf, int pos) {
        return buf.getShort(pos + FLAGS_OFFSET) & 0xFFFF;
    }

    public static int kind(ByteBuffer buf, int pos) {
        return flags(buf, pos) & KIND_MASK;
    }

    public static int priority(ByteBuffer buf, int pos) {
        return buf.get(pos + PRIORITY_OFFSET) & 0xFF;
    }

    public static int tagHash(ByteBuffer buf, int pos) {
        return buf.getInt(pos + TAG_HASH_OFFSET);
    }

    public static long expiryTimeMs(ByteBuffer buf, int pos) {
        return buf.getLong(pos + EXPIRY_TIME_OFFSET);
    }

    public static long deliveryTimeMs(ByteBuffer buf, int pos) {
        return buf.getLong(pos + DELIVERY_TIME_OFFSET);
    }

    /** The payload of the record at {@code pos} as a read-only slice (no copy). */
    public static ByteBuffer payload(ByteBuffer buf, int pos) {
        return buf.slice(pos + HEADER_LENGTH, length(buf, pos) - HEADER_LENGTH).asReadOnlyBuffer();
    }

    public static int flagsFor(int kind, boolean durable) {
        return (kind & KIND_MASK) | (durable ? FLAG_DURABLE : 0);
    }
}
