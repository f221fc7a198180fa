package io.wharf.store.queue;

import java.nio.ByteBuffer;
import java.util.function.LongFunction;

/**
 * A consumer's {@link ConsumerFilter} applied to messages of a queue's log: the tag hash from the queue's index
 * first, the payload (read from the log only then) second. A message that cannot be read or judged does not match.
 * Confined to the queue's thread.
 */
final class FilterJudge implements ReadyMessages.Judge {

    private final ConsumerFilter filter;
    private final LongFunction<ByteBuffer> reader;
    /** The filter's {@link ConsumerFilter#tagHashes()}, asked once; null when it does not constrain tags. */
    private final int[] tagHashes;

    FilterJudge(ConsumerFilter filter, LongFunction<ByteBuffer> reader) {
        this.filter = filter;
        this.reader = reader;
        int[] hashes = filter.tagHashes();
        this.tagHashes = hashes == null ? null : hashes.clone();
    }

    @Override
    public boolean mayMatchTag(int tagHash) {
        if (tagHashes == null) {
            return true;
        }
        for (int hash : tagHashes) {
            if (hash == tagHash) {
                return true;
            }
        }
        return false;
    }

    @Override
    public int[] tagHashes() {
        return tagHashes;
    }

    @Override
    public boolean matches(long offset) {
        ByteBuffer payload;
        try {
            payload = reader.apply(offset);
        } catch (RuntimeException unreadable) {
            // The dispatcher meets the same error when it hands the message out and deals with it there.
            return false;
        }
        return matches(filter, payload);
    }

    /** {@code filter}'s verdict on {@code payload}; a filter that throws despite its contract says no. */
    static boolean matches(ConsumerFilter filter, ByteBuffer payload) {
        try {
            return filter.matches(payload.asReadOnlyBuffer());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether the waiting message {@code entry} is for this consumer, judging it at most once when never delivered. */
    boolean wants(ReadyMessages.Cursor cursor, ReadyMessages.Entry entry) {
        if (cursor.judged(entry)) {
            return false;
        }
        boolean wanted = mayMatchTag(entry.tagHash()) && matches(entry.offset());
        if (!wanted) {
            cursor.judgedHead(entry);
        }
        return wanted;
    }
}
