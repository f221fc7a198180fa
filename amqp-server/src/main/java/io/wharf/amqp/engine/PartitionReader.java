package io.wharf.amqp.engine;

import io.wharf.store.queue.QueueConsumer;
import io.wharf.store.queue.QueueDelivery;
import io.wharf.store.stream.StreamQueue;
import java.util.ArrayDeque;
import java.util.TreeSet;

/**
 * One partition stream read for one group member: the stream sees it as an ordinary anonymous consumer. It keeps
 * what the member must know to hand the partition on without skipping anything: the messages received but not yet
 * sent on the link ({@link #pending}), those sent but not settled ({@link #unsettled}), and from them the offset
 * up to which everything is done ({@link #committed}). The stream calls {@link #deliver} and {@link #drained} on
 * its thread; they only post to the group thread, where all the state lives.
 */
final class PartitionReader implements QueueConsumer {

    /** {@link #committed} before the start is known (a timestamp start that has not delivered anything yet). */
    static final long UNKNOWN = Long.MIN_VALUE;

    final int partition;
    final StreamQueue stream;
    private final GroupMember member;

    // ---- group thread ----
    boolean active = true;
    /** Credit granted to the stream and not yet used by a delivery. */
    int granted;
    /** Received from the stream, waiting for link credit, in offset order. */
    final ArrayDeque<QueueDelivery> pending = new ArrayDeque<>();
    /** Offsets sent on the link and not settled yet. */
    final TreeSet<Long> unsettled = new TreeSet<>();
    /** The highest offset received from the stream (start - 1 before any). */
    private long lastReceived;

    /** @param before the offset just before where reading starts; {@link #UNKNOWN} when not known yet */
    PartitionReader(int partition, StreamQueue stream, GroupMember member, long before) {
        this.partition = partition;
        this.stream = stream;
        this.member = member;
        this.lastReceived = before;
    }

    @Override
    public void deliver(QueueDelivery delivery) {
        member.executor().execute(() -> member.received(this, delivery));
    }

    @Override
    public void drained(int unusedCredit) {
        member.executor().execute(() -> member.drainAnswered(this, unusedCredit));
    }

    /** A delivery arrived from the stream. Group thread. */
    void received(QueueDelivery delivery) {
        long offset = delivery.messageId();
        if (lastReceived == UNKNOWN) {
            lastReceived = offset - 1;
        }
        granted--;
        pending.addLast(delivery);
        lastReceived = Math.max(lastReceived, offset);
    }

    /**
     * The offset up to which every message of this partition is settled or was never there (retention, damage):
     * the partition's next reader may start right after it. {@link #UNKNOWN} when nothing arrived yet from a start
     * that was not known. Group thread.
     */
    long committed() {
        long lowestOpen = Long.MAX_VALUE;
        if (!unsettled.isEmpty()) {
            lowestOpen = unsettled.first();
        }
        if (!pending.isEmpty()) {
            lowestOpen = Math.min(lowestOpen, pending.peekFirst().messageId());
        }
        if (lowestOpen != Long.MAX_VALUE) {
            return lowestOpen - 1;
        }
        return lastReceived;
    }
}
