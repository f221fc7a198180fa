package io.wharf.store.queue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A classic queue's scheduled messages: the part of the queue that is stored but not yet visible. The message is
 * appended to the queue's log on arrival like any other (so "accepted" means stored, forced for a durable
 * message); only its place in the ready set waits. The log record's header carries the delivery time, so a
 * restart rebuilds this index from record headers alone, and whatever fell due while the broker was down is
 * released at once.
 *
 * <p>Held: (due time, offset, message-id hash, priority, tag hash) per message in {@link ScheduledMessages}; nothing else.
 * Confined to the queue's thread (classic queues; a stream keeps one for its scheduled messages, see
 * {@code StreamSchedule}).
 */
public final class QueueSchedule {

    /** Receives each message that fell due. */
    @FunctionalInterface
    public interface Release {
        void due(long offset, int priority, int tagHash);
    }

    private final ScheduledMessages index = new ScheduledMessages();
    private final MessageIds ids;
    private volatile long count;

    public QueueSchedule(MessageIds ids) {
        this.ids = ids;
    }

    /** Runs {@code work} on {@code executor} (the queue's thread); the future completes with its result. */
    public static <T> CompletableFuture<T> call(Executor executor, Callable<T> work) {
        CompletableFuture<T> result = new CompletableFuture<>();
        executor.execute(() -> {
            try {
                result.complete(work.call());
            } catch (Exception e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    /** Whether a message with this header waits (its delivery time is after {@code nowMs}). */
    public static boolean waits(MessageHeader header, long nowMs) {
        return header.deliveryTimeMs() > nowMs;
    }

    /** Holds a message that just arrived; {@code payload} gives the message-id for cancelling. */
    public void add(long offset, MessageHeader header, ByteBuffer payload) {
        String id = payload == null ? null : ids.messageId(payload);
        index.add(header.deliveryTimeMs(), offset, payload == null ? ScheduledMessages.UNKNOWN_HASH
                : MessageIds.hash(id), header.priority(), header.tagHash());
        count = index.size();
    }

    /** Holds a message found at recovery; its id hash is computed only if a cancellation needs it. */
    public void recovered(long offset, MessageHeader header) {
        index.add(header.deliveryTimeMs(), offset, ScheduledMessages.UNKNOWN_HASH, header.priority(),
                header.tagHash());
        count = index.size();
    }

    public long nextDueMs() {
        return index.nextDueMs();
    }

    public long count() {
        return count;
    }

    public boolean isEmpty() {
        return index.isEmpty();
    }

    /** Releases every message due at {@code nowMs}, earliest first; returns how many. */
    public int releaseDue(long nowMs, Release release) {
        int released = 0;
        while (!index.isEmpty() && index.nextDueMs() <= nowMs) {
            int priority = index.firstPriority();
            int tagHash = index.firstTagHash();
            release.due(index.pollFirst(), priority, tagHash);
            released++;
        }
        if (released > 0) {
            count = index.size();
        }
        return released;
    }

    public List<ScheduledMessage> page(Scheduling.Position after, int limit, QueueLog log) {
        long[] pairs = index.page(after.dueMs(), after.offset(), limit);
        List<ScheduledMessage> page = new ArrayList<>(pairs.length / 2);
        for (int i = 0; i < pairs.length; i += 2) {
            long offset = pairs[i + 1];
            ByteBuffer payload = log.read(offset);
            page.add(new ScheduledMessage(offset, pairs[i], ids.messageId(payload), payload.remaining()));
        }
        return page;
    }

    /**
     * Removes the scheduled messages whose message-id is {@code messageId}: candidates by hash, each confirmed
     * against the stored message. Returns their offsets (the caller acks them in the log).
     */
    public long[] cancel(String messageId, QueueLog log) {
        int hash = MessageIds.hash(messageId);
        long[] found = new long[0];
        for (int slot = 0; slot < index.size(); slot++) {
            int known = index.idHashAt(slot);
            if (known == ScheduledMessages.UNKNOWN_HASH) {
                known = MessageIds.hash(ids.messageId(log.read(index.offsetAt(slot))));
                index.idHashAt(slot, known);
            }
            if (known == hash && messageId.equals(ids.messageId(log.read(index.offsetAt(slot))))) {
                found = java.util.Arrays.copyOf(found, found.length + 1);
                found[found.length - 1] = index.offsetAt(slot);
            }
        }
        for (long offset : found) {
            index.remove(index.slotOf(offset));
        }
        count = index.size();
        return found;
    }
}
