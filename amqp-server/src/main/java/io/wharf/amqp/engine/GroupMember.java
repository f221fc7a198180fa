package io.wharf.amqp.engine;

import io.wharf.store.queue.ConsumerOptions;
import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.Outcome;
import io.wharf.store.queue.QueueConsumer;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.queue.QueueDelivery;
import io.wharf.store.stream.StreamOffset;
import io.wharf.store.stream.StreamQueue;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One consumer link on a partitioned stream ({@code /queues/:stream}), seen by its {@link ConsumerLink} as one
 * queue: the member of a {@link ConsumerGroup} that multiplexes the partitions the group assigns to it into the
 * one link. Link credit is shared out: each assigned partition's stream is granted up to
 * {@code min(credit, WINDOW)} and what arrives beyond the link's credit waits here ({@link PartitionReader#pending},
 * at most a window per partition) until credit comes, taken from the partitions in turn. So a member never sends
 * more than its credit, and a partition with messages is not held up by an idle one.
 *
 * <p>A delivery's id is its partition and offset ({@code partition << 48 | offset}); it carries the annotations
 * {@value StreamQueue#OFFSET_ANNOTATION} and {@value #PARTITION_ANNOTATION}. Every outcome counts as settled (a
 * stream removes nothing); {@code UNSENT} (the link could not send it) restarts that partition's reading from its
 * committed offset, so the message goes out again.
 *
 * <p>Everything runs on the group thread ({@link ConsumerGroups#executor()}); the {@link MessageQueue} methods, called
 * on the link's event loop, only post there.
 */
final class GroupMember implements MessageQueue {

    /** The annotation naming the partition a delivery comes from (an int). */
    static final String PARTITION_ANNOTATION = "x-stream-partition";
    /** Most messages a member holds (granted or waiting) per partition. */
    static final int WINDOW = 256;
    private static final int OFFSET_BITS = 48;
    private static final long OFFSET_MASK = (1L << OFFSET_BITS) - 1;

    private final ConsumerGroups.GroupRef groupRef;
    /** Set when the member joins. Group thread. */
    private ConsumerGroup group;
    private final QueueDefinition definition;
    /** Where this member's partitions start when the group has no stored offset (the first member's applies). */
    final StreamOffset startSpec;
    /** Join order in the group; assignment follows it. */
    final long joinSequence;
    /** Which connection and link the member reads for (management listings). */
    final String connectionId;
    final String linkName;

    // ---- group thread ----
    private QueueConsumer link;
    private final Map<Integer, PartitionReader> readers = new LinkedHashMap<>();
    /** {@link #readers} as an array, for taking turns without allocating. */
    private PartitionReader[] order = new PartitionReader[0];
    /** Link credit not used yet. */
    private int credit;
    private boolean draining;
    /** Set once the group has dealt this member its partitions; a drain asked for before waits for it. */
    private boolean admitted;
    private boolean drainDeferred;
    private final Set<PartitionReader> awaitingDrain = new HashSet<>();
    /** Where the next forward starts looking, so partitions take turns. */
    private int turn;
    private volatile int consumers;

    GroupMember(ConsumerGroups.GroupRef groupRef, QueueDefinition definition, StreamOffset startSpec,
            long joinSequence, String connectionId, String linkName) {
        this.connectionId = connectionId;
        this.linkName = linkName;
        this.groupRef = groupRef;
        this.definition = definition;
        this.startSpec = startSpec;
        this.joinSequence = joinSequence;
    }

    Executor executor() {
        return groupRef.executor();
    }

    /** The partitions assigned now (a copy). Group thread. */
    List<Integer> partitions() {
        return new ArrayList<>(readers.keySet());
    }

    // ---- MessageQueue: called on the link's loop ----

    @Override
    public String name() {
        return definition.name();
    }

    @Override
    public QueueDefinition definition() {
        return definition;
    }

    @Override
    public CompletableFuture<Void> enqueue(MessageHeader header, ByteBuffer payload) {
        return CompletableFuture.failedFuture(new IllegalStateException("a consumer group member takes no messages"));
    }

    @Override
    public void addConsumer(QueueConsumer consumer, ConsumerOptions options) {
        executor().execute(() -> {
            link = consumer;
            consumers = 1;
            group = groupRef.resolve();
            group.join(this);
        });
    }

    @Override
    public void removeConsumer(QueueConsumer consumer) {
        executor().execute(() -> {
            consumers = 0;
            if (group != null) {
                group.leave(this);
            }
            link = null;
        });
    }

    @Override
    public void addCredit(QueueConsumer consumer, int more) {
        executor().execute(() -> {
            credit += more;
            pump();
        });
    }

    @Override
    public void drain(QueueConsumer consumer) {
        executor().execute(this::startDrain);
    }

    @Override
    public void settle(QueueConsumer consumer, long messageId, Outcome outcome, Map<String, Object> annotations) {
        executor().execute(() -> settled(messageId, outcome));
    }

    @Override
    public CompletableFuture<Long> purge() {
        return CompletableFuture.completedFuture(0L);
    }

    @Override
    public long messageCount() {
        return 0;
    }

    @Override
    public int consumerCount() {
        return consumers;
    }

    @Override
    public CompletableFuture<Void> close() {
        return CompletableFuture.completedFuture(null);
    }

    // ---- group thread ----

    /** The group gives this member partition {@code p}, read from {@code start}. */
    void take(int p, StreamQueue stream, StreamOffset start, long before) {
        PartitionReader reader = new PartitionReader(p, stream, this, before);
        readers.put(p, reader);
        order = readers.values().toArray(PartitionReader[]::new);
        stream.addConsumer(reader, new ConsumerOptions(0, false, start, null));
        topUp();
    }

    /**
     * The group takes partition {@code p} away: reading stops, what waits here is dropped (the next reader starts
     * at the committed offset, before it). Returns the committed offset ({@link PartitionReader#UNKNOWN} when not
     * known), or {@link PartitionReader#UNKNOWN} when the partition was not this member's.
     */
    long release(int p) {
        PartitionReader reader = readers.remove(p);
        if (reader == null) {
            return PartitionReader.UNKNOWN;
        }
        order = readers.values().toArray(PartitionReader[]::new);
        reader.active = false;
        reader.stream.removeConsumer(reader);
        long committed = reader.committed();
        reader.pending.clear();
        if (awaitingDrain.remove(reader)) {
            maybeFinishDrain();
        }
        return committed;
    }

    /** The committed offset of partition {@code p} now; {@link PartitionReader#UNKNOWN} when none or not ours. */
    long committed(int p) {
        PartitionReader reader = readers.get(p);
        return reader == null ? PartitionReader.UNKNOWN : reader.committed();
    }

    void received(PartitionReader reader, QueueDelivery delivery) {
        if (!reader.active) {
            // Sent by the stream before the reader was removed: the partition's next reader reads it again.
            return;
        }
        reader.received(delivery);
        pump();
    }

    void drainAnswered(PartitionReader reader, int unused) {
        if (!reader.active) {
            return;
        }
        reader.granted -= unused;
        if (awaitingDrain.remove(reader)) {
            maybeFinishDrain();
        }
    }

    private void settled(long messageId, Outcome outcome) {
        int p = (int) (messageId >>> OFFSET_BITS);
        long offset = messageId & OFFSET_MASK;
        PartitionReader reader = readers.get(p);
        if (reader == null) {
            // The partition moved on; its new reader starts at or before this offset.
            return;
        }
        if (outcome != Outcome.UNSENT) {
            reader.unsettled.remove(offset);
            return;
        }
        if (reader.unsettled.contains(offset)) {
            // The link could not send it: read the partition again from the first message not done.
            long committed = release(p);
            group.restarted(this, p, committed);
        }
    }

    /** Sends what waits, partitions in turn, within the link's credit; then asks the streams for more. */
    private void pump() {
        if (link != null && credit > 0 && order.length > 0) {
            int idle = 0;
            while (credit > 0 && idle < order.length) {
                PartitionReader reader = order[Math.floorMod(turn++, order.length)];
                QueueDelivery waiting = reader.pending.pollFirst();
                if (waiting == null) {
                    idle++;
                    continue;
                }
                idle = 0;
                forward(reader, waiting);
            }
        }
        if (!draining) {
            topUp();
        }
    }

    private void forward(PartitionReader reader, QueueDelivery delivery) {
        long offset = delivery.messageId();
        credit--;
        reader.unsettled.add(offset);
        Map<String, Object> annotations = new LinkedHashMap<>(4);
        annotations.put(StreamQueue.OFFSET_ANNOTATION, offset);
        annotations.put(PARTITION_ANNOTATION, reader.partition);
        link.deliver(new QueueDelivery((long) reader.partition << OFFSET_BITS | offset, delivery.payload(), 0, true,
                annotations));
    }

    /** Grants each partition stream up to {@code min(credit, WINDOW)} outstanding (granted + waiting here). */
    private void topUp() {
        int target = Math.min(credit, WINDOW);
        for (PartitionReader reader : readers.values()) {
            int want = target - reader.granted - reader.pending.size();
            if (want > 0) {
                reader.granted += want;
                reader.stream.addCredit(reader, want);
            }
        }
    }

    /** The group has dealt this member its share (possibly none): a drain asked for meanwhile runs now. */
    void admitted() {
        admitted = true;
        if (drainDeferred) {
            drainDeferred = false;
            startDrain();
        }
    }

    private void startDrain() {
        if (!admitted) {
            // The group is still reading its stored offsets: answer once the partitions are there.
            drainDeferred = true;
            return;
        }
        if (draining) {
            return;
        }
        draining = true;
        pump();
        if (credit > 0) {
            topUp();
            for (PartitionReader reader : readers.values()) {
                awaitingDrain.add(reader);
                reader.stream.drain(reader);
            }
        }
        maybeFinishDrain();
    }

    private void maybeFinishDrain() {
        if (!draining || !awaitingDrain.isEmpty()) {
            return;
        }
        pump();
        int unused = credit;
        credit = 0;
        draining = false;
        if (link != null) {
            link.drained(unused);
        }
    }
}
