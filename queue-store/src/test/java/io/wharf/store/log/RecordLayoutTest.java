package io.wharf.store.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

class RecordLayoutTest {

    @Test
    void fieldsFollowEachOtherWithoutGapsOrOverlap() {
        assertEquals(RecordLayout.LENGTH_OFFSET + 4, RecordLayout.CRC_OFFSET);
        assertEquals(RecordLayout.CRC_OFFSET + 4, RecordLayout.OFFSET_OFFSET);
        assertEquals(RecordLayout.OFFSET_OFFSET + 8, RecordLayout.TIMESTAMP_OFFSET);
        assertEquals(RecordLayout.TIMESTAMP_OFFSET + 8, RecordLayout.FLAGS_OFFSET);
        assertEquals(RecordLayout.FLAGS_OFFSET + 2, RecordLayout.PRIORITY_OFFSET);
        assertEquals(RecordLayout.PRIORITY_OFFSET + 1, RecordLayout.RESERVED_OFFSET);
        assertEquals(RecordLayout.RESERVED_OFFSET + 1, RecordLayout.TAG_HASH_OFFSET);
        assertEquals(RecordLayout.TAG_HASH_OFFSET + 4, RecordLayout.EXPIRY_TIME_OFFSET);
        assertEquals(RecordLayout.EXPIRY_TIME_OFFSET + 8, RecordLayout.DELIVERY_TIME_OFFSET);
        assertEquals(RecordLayout.DELIVERY_TIME_OFFSET + 8, RecordLayout.HEADER_LENGTH);
        assertEquals(0, RecordLayout.OFFSET_OFFSET % 8);
        assertEquals(0, RecordLayout.EXPIRY_TIME_OFFSET % 8);
        assertEquals(0, RecordLayout.DELIVERY_TIME_OFFSET % 8);
    }

    @Test
    void roundTripsEveryFieldLittleEndian() {
        ByteBuffer buf = ByteBuffer.allocate(100).order(RecordLayout.BYTE_ORDER);
        int length = RecordLayout.HEADER_LENGTH + 3;
        RecordLayout.putHeader(buf, 10, length, 0x0102030405060708L, 1_700_000_000_123L,
                RecordLayout.flagsFor(RecordLayout.KIND_MESSAGE, true), 255, -42, 77L, 88L);
        buf.put(10 + RecordLayout.HEADER_LENGTH, new byte[] {9, 8, 7});
        RecordLayout.putCrc(buf, 10, new CRC32C());

        assertEquals(length, RecordLayout.length(buf, 10));
        assertEquals(0x08, buf.get(10 + RecordLayout.OFFSET_OFFSET), "least significant byte first");
        assertEquals(0x0102030405060708L, RecordLayout.offset(buf, 10));
        assertEquals(1_700_000_000_123L, RecordLayout.timestampMs(buf, 10));
        assertEquals(RecordLayout.KIND_MESSAGE, RecordLayout.kind(buf, 10));
        assertEquals(RecordLayout.FLAG_DURABLE, RecordLayout.flags(buf, 10) & RecordLayout.FLAG_DURABLE);
        assertEquals(255, RecordLayout.priority(buf, 10));
        assertEquals(-42, RecordLayout.tagHash(buf, 10));
        assertEquals(77L, RecordLayout.expiryTimeMs(buf, 10));
        assertEquals(88L, RecordLayout.deliveryTimeMs(buf, 10));
        assertEquals(ByteBuffer.wrap(new byte[] {9, 8, 7}), RecordLayout.payload(buf, 10));
        assertTrue(RecordLayout.payload(buf, 10).isReadOnly());
        assertTrue(RecordLayout.isValid(buf, 10, 10 + length, new CRC32C()));
    }

    @Test
    void crcCoversEverythingAfterItAndLengthIsBounded() {
        ByteBuffer buf = ByteBuffer.allocate(64).order(RecordLayout.BYTE_ORDER);
        int length = RecordLayout.HEADER_LENGTH + 4;
        RecordLayout.putHeader(buf, 0, length, 5, 6, 0, 4, 0, 0, 0);
        RecordLayout.putCrc(buf, 0, new CRC32C());
        CRC32C crc = new CRC32C();
        for (int i = RecordLayout.CRC_COVERED_FROM; i < length; i++) {
            buf.put(i, (byte) (buf.get(i) ^ 1));
            assertFalse(RecordLayout.isValid(buf, 0, length, crc), "flip at byte " + i);
            buf.put(i, (byte) (buf.get(i) ^ 1));
        }
        assertTrue(RecordLayout.isValid(buf, 0, length, crc));
        assertFalse(RecordLayout.isValid(buf, 0, length - 1, crc), "record longer than the space left");
        buf.putInt(0, RecordLayout.HEADER_LENGTH - 1);
        assertFalse(RecordLayout.isValid(buf, 0, 64, crc), "length below the header");
    }
}
