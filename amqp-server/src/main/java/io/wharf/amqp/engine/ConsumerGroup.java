package io.wharf.amqp.engine;

import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.stream.StreamOffset;
import io.wharf.store.stream.StreamQueue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumers of one partitioned stream that share one group name ({@code wharf:consumer-group}): each partition
 * is read by exactly one member at a time, and the partitions are dealt out again whenever a member joins or
 * leaves: each member reads {@code partitions / members} of them (see {@link #rebalance}), so with 6 partitions and
 * 3 members each reads 2, and when one leaves only its 2 move.
 *
 * <p>The group's progress on a partition is its committed offset: everything up to it was settled by whoever
 * read the partition (or was never there). It is kept as the stored offset of the consumer named after the group
 * on that partition's stream ({@link StreamQueue#storeOffset}, saved every {@value #SAVE_MS} ms, when a partition
 * moves and when a member leaves), so it outlives the group and the broker. A partition that moves starts again
 * right after its committed offset: messages sent but not settled go out again (at least once), nothing is skipped.
 * A partition with no stored offset starts where the first member's offset spec says (default {@code next}),
 * resolved to an offset once and stored, so a later member does not move that start.
 *
 * <p>A consumer without a group name gets a group of its own that stores nothing. Confined to the group thread.
 */
final class ConsumerGroup {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroup.class);
    static final long SAVE_MS = 1000;

    private final ConsumerGroups owner;
    final String stream;
    /** The group name; null for a lone consumer's private group (nothing stored). */
    final String name;
    /** The partitions' streams by number; null where a partition has no usable stream. */
    private final StreamQueue[] partitions;

    private final List<GroupMember> members = new ArrayList<>();
    private final List<GroupMember> waiting = new ArrayList<>();
    private final GroupMember[] owners;
    /** Per partition: committed offset, or {@link PartitionReader#UNKNOWN} with {@link #startSpecs} to start from. */
    private final long[] committed;
    private final StreamOffset[] startSpecs;
    private final long[] saved;
    private boolean loading;
    private boolean loaded;
    private ScheduledFuture<?> saveTask;

    ConsumerGroup(ConsumerGroups owner, String stream, String name, List<MessageQueue> partitionQueues) {
        this.owner = owner;
        this.stream = stream;
        this.name = name;
        this.partitions = new StreamQueue[partitionQueues.size()];
        for (int p = 0; p < partitions.length; p++) {
            partitions[p] = partitionQueues.get(p) instanceof StreamQueue s ? s : null;
        }
        this.owners = new GroupMember[partitions.length];
        this.committed = new long[partitions.length];
        this.startSpecs = new StreamOffset[partitions.length];
        this.saved = new long[partitions.length];
        Arrays.fill(committed, PartitionReader.UNKNOWN);
        Arrays.fill(saved, PartitionReader.UNKNOWN);
    }

    ScheduledExecutorService executor() {
        return owner.executor();
    }

    /** What management shows of this group: members with their partitions, committed offsets. Group thread. */
    BrokerAdmin.ConsumerGroupInfo info() {
        List<BrokerAdmin.GroupMemberInfo> shown = new ArrayList<>();
        for (GroupMember member : members) {
            List<Integer> owned = new ArrayList<>();
            for (int p = 0; p < owners.length; p++) {
                if (owners[p] == member) {
                    owned.add(p);
                }
            }
            shown.add(new BrokerAdmin.GroupMemberInfo(member.connectionId, member.linkName, owned));
        }
        for (GroupMember member : waiting) {
            shown.add(new BrokerAdmin.GroupMemberInfo(member.connectionId, member.linkName, List.of()));
        }
        List<Long> offsets = new ArrayList<>();
        for (long c : committed) {
            offsets.add(c == PartitionReader.UNKNOWN ? -1L : c);
        }
        return new BrokerAdmin.ConsumerGroupInfo(stream, name, shown, offsets);
    }

    /** A member joins: after the stored offsets are read (first member), the partitions are dealt again. */
    void join(GroupMember member) {
        if (!loaded) {
            waiting.add(member);
            if (!loading) {
                loading = true;
                load(member.startSpec);
            }
            return;
        }
        members.add(member);
        rebalance();
        member.admitted();
    }

    /** A member's link went: its partitions go to the others (or, for the last one, the group ends). */
    void leave(GroupMember member) {
        if (!loaded) {
            waiting.remove(member);
            return;
        }
        if (!members.remove(member)) {
            return;
        }
        for (int p = 0; p < owners.length; p++) {
            if (owners[p] == member) {
                revoke(p);
            }
        }
        if (members.isEmpty()) {
            saveAll();
            if (saveTask != null) {
                saveTask.cancel(false);
            }
            owner.ended(this);
            return;
        }
        rebalance();
    }

    /** {@code member} dropped partition {@code p} to read it again (see {@link GroupMember}). */
    void restarted(GroupMember member, int p, long committedOffset) {
        advance(p, committedOffset);
        if (owners[p] == member) {
            assign(p, member);
        }
    }

    /** Reads every partition's stored offset and range, then resolves starts and admits the waiting members. */
    private void load(StreamOffset spec) {
        List<CompletableFuture<?>> reads = new ArrayList<>();
        @SuppressWarnings("unchecked")
        CompletableFuture<Long>[] stored = new CompletableFuture[partitions.length];
        @SuppressWarnings("unchecked")
        CompletableFuture<long[]>[] ranges = new CompletableFuture[partitions.length];
        for (int p = 0; p < partitions.length; p++) {
            if (partitions[p] == null) {
                continue;
            }
            stored[p] = name == null ? CompletableFuture.completedFuture(null) : partitions[p].storedOffset(name);
            ranges[p] = partitions[p].range();
            reads.add(stored[p]);
            reads.add(ranges[p]);
        }
        CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).whenComplete((v, error) ->
                executor().execute(() -> loaded(spec, stored, ranges, error)));
    }

    private void loaded(StreamOffset spec, CompletableFuture<Long>[] stored, CompletableFuture<long[]>[] ranges,
            Throwable error) {
        if (error != null) {
            LOG.error("Consumer group '{}' of stream '{}': stored offsets could not be read; partitions start where "
                    + "the offset spec says", name, stream, error);
        }
        for (int p = 0; p < partitions.length; p++) {
            if (partitions[p] == null) {
                continue;
            }
            Long offset = stored[p].isCompletedExceptionally() ? null : stored[p].join();
            if (offset != null) {
                committed[p] = offset;
                saved[p] = offset;
            } else {
                long[] range = ranges[p].isCompletedExceptionally() ? new long[] {0, 0} : ranges[p].join();
                committed[p] = startBefore(spec, range[0], range[1]);
                startSpecs[p] = spec;
            }
        }
        loaded = true;
        loading = false;
        saveTask = executor().scheduleWithFixedDelay(this::saveAll, SAVE_MS, SAVE_MS, TimeUnit.MILLISECONDS);
        saveAll();
        members.addAll(waiting);
        waiting.clear();
        if (!members.isEmpty()) {
            rebalance();
            for (GroupMember member : members) {
                member.admitted();
            }
        } else {
            saveTask.cancel(false);
            owner.ended(this);
        }
    }

    /**
     * The offset just before where {@code spec} starts in a stream holding {@code [start, end)}; UNKNOWN for a
     * timestamp, which the stream resolves when the partition is first read.
     */
    static long startBefore(StreamOffset spec, long start, long end) {
        return switch (spec.kind()) {
            case FIRST -> start - 1;
            case NEXT -> end - 1;
            case LAST -> (end > start ? end - 1 : end) - 1;
            case OFFSET -> Math.max(start, Math.min(spec.value(), end)) - 1;
            case TIMESTAMP -> PartitionReader.UNKNOWN;
        };
    }

    /**
     * Deals the partitions out again, sticky: each member's share is {@code partitions / members} (the earliest
     * joined take one more while the division leaves some over); a partition stays with its owner while the owner
     * is within its share, and only the others move, to the members furthest below theirs.
     */
    private void rebalance() {
        members.sort((a, b) -> Long.compare(a.joinSequence, b.joinSequence));
        int available = 0;
        for (StreamQueue partition : partitions) {
            if (partition != null) {
                available++;
            }
        }
        Map<GroupMember, Integer> share = new HashMap<>();
        Map<GroupMember, Integer> held = new HashMap<>();
        for (int i = 0; i < members.size(); i++) {
            share.put(members.get(i), available / members.size() + (i < available % members.size() ? 1 : 0));
            held.put(members.get(i), 0);
        }
        List<Integer> orphans = new ArrayList<>();
        for (int p = 0; p < partitions.length; p++) {
            if (partitions[p] == null) {
                continue;
            }
            GroupMember current = owners[p];
            if (current != null && held.containsKey(current) && held.get(current) < share.get(current)) {
                held.merge(current, 1, Integer::sum);
                continue;
            }
            if (current != null) {
                revoke(p);
            }
            orphans.add(p);
        }
        for (int p : orphans) {
            GroupMember to = members.get(0);
            int room = Integer.MIN_VALUE;
            for (GroupMember m : members) {
                int free = share.get(m) - held.get(m);
                if (free > room) {
                    room = free;
                    to = m;
                }
            }
            held.merge(to, 1, Integer::sum);
            assign(p, to);
        }
        LOG.debug("Consumer group '{}' of stream '{}': {} partitions over {} members", name, stream, available,
                members.size());
    }

    private void revoke(int p) {
        GroupMember from = owners[p];
        owners[p] = null;
        advance(p, from.release(p));
        save(p);
    }

    private void assign(int p, GroupMember to) {
        owners[p] = to;
        StreamOffset start = committed[p] == PartitionReader.UNKNOWN ? startSpecs[p]
                : StreamOffset.offset(committed[p] + 1);
        to.take(p, partitions[p], start, committed[p]);
    }

    private void advance(int p, long offset) {
        if (offset != PartitionReader.UNKNOWN && (committed[p] == PartitionReader.UNKNOWN || offset > committed[p])) {
            committed[p] = offset;
        }
    }

    private void saveAll() {
        for (int p = 0; p < partitions.length; p++) {
            if (partitions[p] != null) {
                if (owners[p] != null) {
                    advance(p, owners[p].committed(p));
                }
                save(p);
            }
        }
    }

    /** Stores partition {@code p}'s committed offset when it changed (named groups only). */
    private void save(int p) {
        if (name == null || committed[p] == PartitionReader.UNKNOWN || committed[p] == saved[p]) {
            return;
        }
        saved[p] = committed[p];
        partitions[p].storeOffset(name, committed[p]);
    }
}
