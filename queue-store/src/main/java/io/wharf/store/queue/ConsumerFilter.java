package io.wharf.store.queue;

import java.nio.ByteBuffer;

/**
 * Which messages a consumer wants, as the queue asks it while dispatching. The queue knows no message format: the
 * front end implements this over its own view of the payload. Two stages, cheapest first:
 * <ol>
 *   <li>{@link #tagHashes()}: the tag hashes a wanted message may carry, checked against the hash kept in the
 *       queue's index (classic queues) or record headers and per-chunk summaries (streams), so a message with
 *       another tag is skipped without reading its payload;</li>
 *   <li>{@link #matches}: the exact verdict on the payload (also rules out tag-hash collisions).</li>
 * </ol>
 * Called on the queue's thread. Implementations must be stateless or thread-confined to that thread, and
 * {@link #matches} must never throw: a message it cannot judge does not match.
 */
public interface ConsumerFilter {

    /**
     * The tag hashes ({@link TagHash}) a matching message may carry, {@link TagHash#NONE} standing for an untagged
     * message; null when the filter does not constrain tags.
     */
    int[] tagHashes();

    /** The exact verdict on the message bytes (read-only). Never throws. */
    boolean matches(ByteBuffer payload);

    /**
     * Whether a message whose stored tag hash is {@code tagHash} can match, without reading it: whether
     * {@link #tagHashes()} lists it. Queues may scan their index for the listed hashes directly instead of asking
     * this, so an implementation must not answer otherwise.
     */
    default boolean mayMatchTag(int tagHash) {
        int[] wanted = tagHashes();
        if (wanted == null) {
            return true;
        }
        for (int hash : wanted) {
            if (hash == tagHash) {
                return true;
            }
        }
        return false;
    }
}
