package io.wharf.amqp.message;

import java.nio.ByteBuffer;

/**
 * Encodes the header section Wharf sends on delivery: the producer's durable, priority and ttl
 * kept, delivery-count and first-acquirer set by the queue (part 3, 3.2.1). Everything after the
 * original header is sent as the original bytes, so this is the only part of a message the broker
 * ever writes.
 *
 * <p>Shortest encoding: trailing fields at their default are left out of the list; a default in
 * the middle costs one byte (null for priority and ttl, false for the booleans); numbers use the
 * smallest uint form. All defaults give the 4-byte {@code 00 53 70 45}.
 *
 * <pre>
 *  00 53 70                    described type, descriptor smallulong 0x70 (header)
 *  45                          list0: every field at its default
 *  c0 SS CC fields...          list8: SS = bytes after SS, CC = number of fields (1..5)
 *    durable          41 true | 42 false
 *    priority         40 (default 4) | 50 pp
 *    ttl              40 (none) | 43 (0) | 52 t | 70 tttttttt
 *    first-acquirer   41 true | 42 false
 *    delivery-count   43 (0) | 52 n | 70 nnnnnnnn
 * </pre>
 * The largest is 3 + 3 + 1 + 2 + 5 + 1 + 5 = 20 bytes, so a list8 always suffices.
 */
final class HeaderRewriter {

    /** Room enough for any header this class writes. */
    static final int MAX_HEADER_BYTES = 20;

    static final int DEFAULT_PRIORITY = 4;
    private static final long MAX_UINT = 0xffffffffL;

    private HeaderRewriter() {
    }

    /**
     * Writes the header at dst's position and advances it.
     *
     * @param ttlMs the ttl to keep, or -1 when the original header had none
     * @return bytes written
     */
    static int write(ByteBuffer dst, boolean durable, int priority, long ttlMs, boolean firstAcquirer,
            long deliveryCount) {
        if (deliveryCount < 0 || deliveryCount > MAX_UINT) {
            throw new IllegalArgumentException("delivery-count " + deliveryCount + " is not a uint");
        }
        int start = dst.position();
        int fields = deliveryCount != 0 ? 5
                : firstAcquirer ? 4
                : ttlMs >= 0 ? 3
                : priority != DEFAULT_PRIORITY ? 2
                : durable ? 1
                : 0;
        dst.put((byte) AmqpTypeScanner.DESCRIBED).put((byte) PrimitiveReader.SMALLULONG)
                .put((byte) MessageSection.HEADER.code());
        if (fields == 0) {
            dst.put((byte) PrimitiveReader.LIST0);
            return dst.position() - start;
        }
        dst.put((byte) PrimitiveReader.LIST8);
        int sizeAt = dst.position();
        dst.put((byte) 0); // size, patched below once the fields are written
        dst.put((byte) fields);
        for (int i = 0; i < fields; i++) {
            switch (i) {
                case 0 -> bool(dst, durable);
                case 1 -> {
                    if (priority == DEFAULT_PRIORITY) {
                        dst.put((byte) PrimitiveReader.NULL);
                    } else {
                        dst.put((byte) PrimitiveReader.UBYTE).put((byte) priority);
                    }
                }
                case 2 -> {
                    if (ttlMs < 0) {
                        dst.put((byte) PrimitiveReader.NULL);
                    } else {
                        uint(dst, ttlMs);
                    }
                }
                case 3 -> bool(dst, firstAcquirer);
                default -> uint(dst, deliveryCount);
            }
        }
        dst.put(sizeAt, (byte) (dst.position() - sizeAt - 1));
        return dst.position() - start;
    }

    private static void bool(ByteBuffer dst, boolean value) {
        dst.put((byte) (value ? PrimitiveReader.TRUE : PrimitiveReader.FALSE));
    }

    private static void uint(ByteBuffer dst, long value) {
        if (value == 0) {
            dst.put((byte) PrimitiveReader.UINT0);
        } else if (value < 256) {
            dst.put((byte) PrimitiveReader.SMALLUINT).put((byte) value);
        } else {
            // byte by byte: the caller's buffer may be little-endian, AMQP is big-endian
            dst.put((byte) PrimitiveReader.UINT).put((byte) (value >>> 24)).put((byte) (value >>> 16))
                    .put((byte) (value >>> 8)).put((byte) value);
        }
    }
}
