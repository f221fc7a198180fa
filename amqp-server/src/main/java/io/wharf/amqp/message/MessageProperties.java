package io.wharf.amqp.message;

import java.nio.ByteBuffer;

/**
 * The properties section (part 3, 3.2.4), decoded.
 *
 * <p>Decoded by hand rather than with proton-j's codec: the list has thirteen fields of fixed,
 * simple types, so the code is short; it gives each wrong-typed field a precise error instead of a
 * ClassCastException from deep inside a generic decoder; and it avoids proton-j's Symbol and
 * UnsignedLong wrappers (proton-j interns every Symbol it decodes in a global cache, which a
 * producer could grow without bound with made-up content types).
 *
 * <p>Id fields hold a Long (ulong), UUID, byte[] (binary) or String; byte[] fields are copies, and
 * since this is a record, equals on them is by reference. Timestamps are epoch milliseconds, 0 when
 * absent; {@code groupSequence} is null when absent.
 */
public record MessageProperties(
        Object messageId,
        byte[] userId,
        String to,
        String subject,
        String replyTo,
        Object correlationId,
        String contentType,
        String contentEncoding,
        long absoluteExpiryTimeMs,
        long creationTimeMs,
        String groupId,
        Long groupSequence,
        String replyToGroupId) {

    /** A message without a properties section has these. */
    public static final MessageProperties NONE =
            new MessageProperties(null, null, null, null, null, null, null, null, 0, 0, null, null, null);

    /**
     * Decodes the properties list whose constructor is at {@code listPos} (already scanned, so all
     * sizes are in bounds). Fields past the thirteenth are ignored.
     */
    static MessageProperties decode(ByteBuffer b, int listPos, int end) {
        int count = PrimitiveReader.count(b, listPos);
        int p = PrimitiveReader.firstElement(b, listPos);
        Object messageId = null;
        byte[] userId = null;
        String to = null;
        String subject = null;
        String replyTo = null;
        Object correlationId = null;
        String contentType = null;
        String contentEncoding = null;
        long absoluteExpiryTimeMs = 0;
        long creationTimeMs = 0;
        String groupId = null;
        Long groupSequence = null;
        String replyToGroupId = null;
        for (int i = 0; i < Math.min(count, 13); i++) {
            switch (i) {
                case 0 -> messageId = PrimitiveReader.messageId(b, p, "properties.message-id");
                case 1 -> userId = PrimitiveReader.binary(b, p, "properties.user-id");
                case 2 -> to = PrimitiveReader.string(b, p, "properties.to");
                case 3 -> subject = PrimitiveReader.string(b, p, "properties.subject");
                case 4 -> replyTo = PrimitiveReader.string(b, p, "properties.reply-to");
                case 5 -> correlationId = PrimitiveReader.messageId(b, p, "properties.correlation-id");
                case 6 -> contentType = PrimitiveReader.symbol(b, p, "properties.content-type");
                case 7 -> contentEncoding = PrimitiveReader.symbol(b, p, "properties.content-encoding");
                case 8 -> absoluteExpiryTimeMs = PrimitiveReader.timestamp(b, p, 0, "properties.absolute-expiry-time");
                case 9 -> creationTimeMs = PrimitiveReader.timestamp(b, p, 0, "properties.creation-time");
                case 10 -> groupId = PrimitiveReader.string(b, p, "properties.group-id");
                case 11 -> {
                    long v = PrimitiveReader.uint(b, p, -1, "properties.group-sequence");
                    groupSequence = v < 0 ? null : v;
                }
                default -> replyToGroupId = PrimitiveReader.string(b, p, "properties.reply-to-group-id");
            }
            p = AmqpTypeScanner.endOf(b, p, end);
        }
        return new MessageProperties(messageId, userId, to, subject, replyTo, correlationId, contentType,
                contentEncoding, absoluteExpiryTimeMs, creationTimeMs, groupId, groupSequence, replyToGroupId);
    }
}
