package io.wharf.amqp.message;

import io.wharf.store.queue.MessageIds;
import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * Reads a stored message's message-id for the store (cancelling a scheduled message by id). The text form is the
 * one management requests use: a string id as is, a UUID in its usual form, a ulong in decimal, binary in hex.
 */
public final class MessageIdReader implements MessageIds {

    @Override
    public String messageId(ByteBuffer payload) {
        try {
            return text(MessageView.parse(payload.duplicate()).messageId());
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The text form of a message-id as {@link MessageView#messageId()} returns it; null for null. */
    public static String text(Object id) {
        if (id == null) {
            return null;
        }
        if (id instanceof byte[] bytes) {
            StringBuilder hex = new StringBuilder(bytes.length * 2);
            for (byte b : bytes) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        }
        if (id instanceof Long l) {
            return Long.toUnsignedString(l);
        }
        if (id instanceof UUID || id instanceof String) {
            return id.toString();
        }
        return id.toString();
    }
}
