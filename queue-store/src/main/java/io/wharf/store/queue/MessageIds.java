package io.wharf.store.queue;

import java.nio.ByteBuffer;

/**
 * Reads the message-id out of a stored payload. The store knows nothing of AMQP; the front end, which does,
 * supplies this so that a scheduled message can be found and cancelled by its message-id.
 */
@FunctionalInterface
public interface MessageIds {

    /** For stores without a front end (tests): no message has an id. */
    MessageIds NONE = payload -> null;

    /**
     * The message-id of a stored message as text (a string id as is; a UUID, ulong or binary id in its usual
     * string form), or null when it has none or the payload cannot be read. Must not change the buffer's position.
     */
    String messageId(ByteBuffer payload);

    /** The hash kept in the time index for a message-id; never {@link ScheduledMessages#UNKNOWN_HASH}. */
    static int hash(String messageId) {
        int h = messageId == null ? 0 : messageId.hashCode();
        return h == ScheduledMessages.UNKNOWN_HASH ? 1 : h;
    }
}
