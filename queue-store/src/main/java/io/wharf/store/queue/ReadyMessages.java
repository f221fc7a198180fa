package io.wharf.store.queue;

import java.util.Map;
import java.util.TreeMap;

/**
 * The messages of a queue waiting for a consumer, in delivery order: highest priority level first; within a level,
 * messages that came back (released, failed) before never-delivered ones, each group in offset (arrival) order.
 * Never-delivered messages cost 8 bytes each ({@link OffsetRing}); only returned ones carry state.
 *
 * <p>Removal from the middle (expiry, a filtered consumer taking a message further back) is lazy: the offset is
 * remembered and skipped when reached. Confined to the queue's thread.
 *
 * <p>Every message keeps its tag hash beside its offset, so {@link #takeMatching} passes over messages a filtered
 * consumer cannot want without reading them. A {@link Cursor} per filtered consumer remembers how far it has
 * judged the never-delivered messages of each level; those never change, so each is judged at most once per
 * consumer: over a consumer's life the scans cost O(messages) in total, plus O(log n) to find the cursor's place
 * per call, plus the returned messages (usually few), which are judged again on every call.
 */
final class ReadyMessages {

    /** Delivery state of a message that was acquired before. */
    record Returned(int deliveryCount, boolean firstAcquirer, Map<String, Object> annotations) {
    }

    /**
     * One waiting message as handed out.
     *
     * @param fresh never delivered before (from the arrival-ordered part of its level)
     */
    record Entry(long offset, int priority, int deliveryCount, boolean firstAcquirer, Map<String, Object> annotations,
            int tagHash, boolean fresh) {
    }

    /** How far one filtered consumer has judged the never-delivered messages of each level. */
    static final class Cursor {
        private final long[] judgedUpTo;
        /** Per level, where the last scan stopped ({@link OffsetRing#position}): a hint for finding its place. */
        private final long[] resumeAt;

        Cursor(ReadyMessages messages) {
            judgedUpTo = new long[messages.levels.length];
            java.util.Arrays.fill(judgedUpTo, -1);
            resumeAt = new long[messages.levels.length];
            java.util.Arrays.fill(resumeAt, -1);
        }

        /** True when the consumer already judged (and turned down) this never-delivered message. */
        boolean judged(Entry entry) {
            return entry.fresh() && entry.offset() <= judgedUpTo[entry.priority()];
        }

        /** Records a verdict on a never-delivered message at the head of its level. */
        void judgedHead(Entry entry) {
            if (entry.fresh() && entry.offset() > judgedUpTo[entry.priority()]) {
                judgedUpTo[entry.priority()] = entry.offset();
            }
        }
    }

    /** A filter in its two stages: the tag hash (no read), then the message itself (read from the log). */
    interface Judge {
        boolean mayMatchTag(int tagHash);

        boolean matches(long offset);

        /**
         * The tag hashes {@link #mayMatchTag} accepts, exactly (it accepts a hash if and only if it is listed), so
         * the scans can pass over the others in a tight loop; null when the judge does not say (then
         * {@link #mayMatchTag} is asked for each message). Must not change between calls.
         */
        default int[] tagHashes() {
            return null;
        }
    }

    private static final Returned NEVER_DELIVERED = new Returned(0, true, Map.of());

    private final Level[] levels;
    private final OffsetSet removed = new OffsetSet();
    private long size;

    /** @param maxPriority the queue's {@code x-max-priority}; 0 for a queue without priorities (one level) */
    ReadyMessages(int maxPriority) {
        levels = new Level[maxPriority + 1];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = new Level();
        }
    }

    long size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Messages are stored with AMQP priority 0..255; levels beyond x-max-priority collapse onto the top one. */
    int level(int priority) {
        return Math.max(0, Math.min(priority, levels.length - 1));
    }

    void addFresh(long offset, int priority) {
        addFresh(offset, priority, TagHash.NONE);
    }

    void addFresh(long offset, int priority, int tagHash) {
        levels[level(priority)].fresh.addLast(offset, tagHash);
        size++;
    }

    /**
     * A scheduled message that fell due: it goes ahead of the never-delivered messages (it is due now and does not
     * wait behind a backlog published before its time), behind returned ones; due messages leave in the order they
     * fell due. Browsers do not see them (browsing walks offsets upward).
     */
    void addDue(long offset, int priority, int tagHash) {
        levels[level(priority)].due.addLast(offset, tagHash);
        size++;
    }

    void addReturned(long offset, int priority, Returned state) {
        addReturned(offset, priority, TagHash.NONE, state);
    }

    void addReturned(long offset, int priority, int tagHash, Returned state) {
        levels[level(priority)].returned.put(offset, new Stored(priority, tagHash, state));
        size++;
    }

    /**
     * The first waiting message, in delivery order, that {@code judge} accepts, removed; null when none. Never-delivered
     * messages the cursor has passed are not judged again; the cursor moves past every one judged now.
     */
    Entry takeMatching(Cursor cursor, Judge judge) {
        int[] hashes = judge.tagHashes();
        for (int l = levels.length - 1; l >= 0; l--) {
            Level level = levels[l];
            for (Map.Entry<Long, Stored> e : level.returned.entrySet()) {
                Stored s = e.getValue();
                long offset = e.getKey();
                if (judge.mayMatchTag(s.tagHash) && judge.matches(offset)) {
                    // The key is read before the removal: TreeMap may reuse this entry for its successor.
                    level.returned.remove(offset);
                    size--;
                    return new Entry(offset, s.priority, s.state.deliveryCount(), s.state.firstAcquirer(),
                            s.state.annotations(), s.tagHash, false);
                }
            }
            OffsetRing due = level.due;
            for (int i = nextCandidate(due, 0, hashes, judge), n = due.size(); i < n;
                    i = nextCandidate(due, i + 1, hashes, judge)) {
                long offset = due.get(i);
                if (removed.contains(offset) || !judge.matches(offset)) {
                    continue;
                }
                int tagHash = due.tagAt(i);
                if (i == 0) {
                    due.pollFirst();
                } else {
                    removed.add(offset);
                }
                size--;
                return new Entry(offset, l, 0, true, Map.of(), tagHash, false);
            }
            OffsetRing fresh = level.fresh;
            int freshCount = fresh.size();
            int i = fresh.indexOfCeiling(cursor.judgedUpTo[l] + 1, cursor.resumeAt[l]);
            while (i < freshCount) {
                // The tag first: an int compare passes over most messages before any lookup or read.
                int candidate = nextCandidate(fresh, i, hashes, judge);
                if (candidate > i) {
                    // Every message passed over was judged (by its tag) and turned down.
                    cursor.judgedUpTo[l] = fresh.get(candidate - 1);
                }
                if (candidate >= freshCount) {
                    i = freshCount;
                    break;
                }
                i = candidate + 1;
                long offset = fresh.get(candidate);
                if (removed.contains(offset)) {
                    continue;
                }
                cursor.judgedUpTo[l] = offset;
                if (judge.matches(offset)) {
                    cursor.resumeAt[l] = fresh.position(i);
                    int tagHash = fresh.tagAt(candidate);
                    if (candidate == 0) {
                        fresh.pollFirst();
                    } else {
                        removed.add(offset);
                    }
                    size--;
                    return new Entry(offset, l, 0, true, Map.of(), tagHash, true);
                }
            }
            cursor.resumeAt[l] = fresh.position(i);
        }
        return null;
    }

    /**
     * The index of the first message of {@code ring} at or after {@code from} whose tag {@code judge} may accept:
     * by a scan of the ring's tag array when the judge lists its hashes, else asking it message by message.
     */
    private static int nextCandidate(OffsetRing ring, int from, int[] hashes, Judge judge) {
        if (hashes != null) {
            return ring.indexOfTag(from, hashes);
        }
        int n = ring.size();
        for (int i = from; i < n; i++) {
            if (judge.mayMatchTag(ring.tagAt(i))) {
                return i;
            }
        }
        return n;
    }

    /** The next message to deliver, removed; null when none. */
    Entry poll() {
        for (int l = levels.length - 1; l >= 0; l--) {
            Entry entry = levels[l].poll(l, this, true);
            if (entry != null) {
                size--;
                return entry;
            }
        }
        return null;
    }

    /** The next message to deliver, left in place; null when none. */
    Entry peek() {
        for (int l = levels.length - 1; l >= 0; l--) {
            Entry entry = levels[l].poll(l, this, false);
            if (entry != null) {
                return entry;
            }
        }
        return null;
    }

    /** True when the message is waiting here (and was not removed). */
    boolean contains(long offset) {
        if (removed.contains(offset)) {
            return false;
        }
        for (Level level : levels) {
            if (level.returned.containsKey(offset) || level.fresh.contains(offset) || level.due.scanFor(offset)) {
                return true;
            }
        }
        return false;
    }

    /** Removes a waiting message (lazily). The caller checked {@link #contains}. */
    void remove(long offset) {
        for (Level level : levels) {
            if (level.returned.remove(offset) != null) {
                size--;
                return;
            }
        }
        removed.add(offset);
        size--;
    }

    /** For browsing: the waiting message with the smallest offset above {@code after}, whatever its level. */
    Entry nextAfter(long after) {
        Entry best = null;
        for (int l = 0; l < levels.length; l++) {
            Level level = levels[l];
            long from = after + 1;
            while (true) {
                long candidate = level.fresh.ceiling(from);
                if (candidate < 0 || !removed.contains(candidate)) {
                    if (candidate >= 0 && (best == null || candidate < best.offset())) {
                        best = new Entry(candidate, l, 0, true, Map.of(), TagHash.NONE, true);
                    }
                    break;
                }
                from = candidate + 1;
            }
            Map.Entry<Long, Stored> returned = level.returned.ceilingEntry(after + 1);
            if (returned != null && (best == null || returned.getKey() < best.offset())) {
                Stored s = returned.getValue();
                best = new Entry(returned.getKey(), s.priority, s.state.deliveryCount(), s.state.firstAcquirer(),
                        s.state.annotations(), s.tagHash, false);
            }
        }
        return best;
    }

    /** Empties the queue; returns every offset that was waiting, for the log to release. */
    long[] clear() {
        long[] all = new long[(int) size];
        int n = 0;
        for (Level level : levels) {
            for (Long offset : level.returned.keySet()) {
                all[n++] = offset;
            }
            level.returned.clear();
            while (!level.due.isEmpty()) {
                long offset = level.due.pollFirst();
                if (!removed.remove(offset)) {
                    all[n++] = offset;
                }
            }
            while (!level.fresh.isEmpty()) {
                long offset = level.fresh.pollFirst();
                if (!removed.remove(offset)) {
                    all[n++] = offset;
                }
            }
        }
        removed.clear();
        size = 0;
        return n == all.length ? all : java.util.Arrays.copyOf(all, n);
    }

    private record Stored(int priority, int tagHash, Returned state) {
    }

    private static final class Level {
        final OffsetRing fresh = new OffsetRing();
        /** Scheduled messages that fell due, in due order (not offset order). */
        final OffsetRing due = new OffsetRing();
        final TreeMap<Long, Stored> returned = new TreeMap<>();

        Entry poll(int level, ReadyMessages owner, boolean take) {
            if (!returned.isEmpty()) {
                Map.Entry<Long, Stored> first = take ? returned.pollFirstEntry() : returned.firstEntry();
                Stored s = first.getValue();
                return new Entry(first.getKey(), s.priority, s.state.deliveryCount(), s.state.firstAcquirer(),
                        s.state.annotations(), s.tagHash, false);
            }
            while (!due.isEmpty()) {
                long offset = due.peekFirst();
                if (owner.removed.remove(offset)) {
                    due.pollFirst();
                    continue;
                }
                int tagHash = due.peekFirstTag();
                if (take) {
                    due.pollFirst();
                }
                // Not "fresh": its offset may lie below a filtered consumer's cursor, which must judge it anyway.
                return new Entry(offset, level, NEVER_DELIVERED.deliveryCount(), true, Map.of(), tagHash, false);
            }
            while (!fresh.isEmpty()) {
                long offset = fresh.peekFirst();
                if (owner.removed.remove(offset)) {
                    fresh.pollFirst();
                    continue;
                }
                int tagHash = fresh.peekFirstTag();
                if (take) {
                    fresh.pollFirst();
                }
                return new Entry(offset, level, NEVER_DELIVERED.deliveryCount(), true, Map.of(), tagHash, true);
            }
            return null;
        }
    }
}
