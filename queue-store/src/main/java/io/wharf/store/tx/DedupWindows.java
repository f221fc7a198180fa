package io.wharf.store.tx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The duplicate-detection windows of every queue: per queue the ids of the latest messages (by count and by age),
 * oldest first. A publish reserves its id before it is stored and releases it when the store fails or its
 * transaction rolls back, so two copies racing each other cannot both get in. Ids become durable through the
 * {@link TxJournal} (in the commit record of the publish); the journal restores them at start.
 *
 * <p>Shared by every connection's event loop: each window is guarded by its own monitor, held only for map
 * operations (never across I/O).
 */
public final class DedupWindows {

    /** How many ids a window keeps and for how long; {@code maxAgeMs} 0 keeps them until pushed out by count. */
    public record Limits(int maxIds, long maxAgeMs) {
        public Limits {
            if (maxIds < 1) {
                throw new IllegalArgumentException("a duplicate-detection window holds at least one id, not " + maxIds);
            }
            if (maxAgeMs < 0) {
                throw new IllegalArgumentException("a window's age limit is not negative: " + maxAgeMs);
            }
        }
    }

    private final Map<List<String>, Window> windows = new HashMap<>();

    private synchronized Window window(String vhost, String queue, boolean create) {
        List<String> key = List.of(vhost, queue);
        Window w = windows.get(key);
        if (w == null && create) {
            w = new Window();
            windows.put(key, w);
        }
        return w;
    }

    /**
     * Takes {@code id} into the queue's window unless it is there (and not too old): true when it was new, false
     * for a duplicate.
     */
    public boolean reserve(String vhost, String queue, String id, Limits limits, long nowMs) {
        Window w = window(vhost, queue, true);
        synchronized (w) {
            w.evict(limits, nowMs);
            Long seen = w.ids.get(id);
            if (seen != null) {
                return false;
            }
            // Negative time: reserved, not stored yet (left out of a journal snapshot).
            w.ids.put(id, -nowMs);
            w.evict(limits, nowMs);
            return true;
        }
    }

    /** The reserved id's message is stored (its commit record is on disk). */
    public void stored(String vhost, String queue, String id) {
        Window w = window(vhost, queue, false);
        if (w != null) {
            synchronized (w) {
                Long time = w.ids.get(id);
                if (time != null && time < 0) {
                    w.ids.put(id, -time);
                }
            }
        }
    }

    /** Gives a reserved id back (its message was not stored after all). */
    public void release(String vhost, String queue, String id) {
        Window w = window(vhost, queue, false);
        if (w != null) {
            synchronized (w) {
                w.ids.remove(id);
            }
        }
    }

    /** Restores an id read back from the journal at start. */
    void restore(String vhost, String queue, String id, long timeMs) {
        Window w = window(vhost, queue, true);
        synchronized (w) {
            w.ids.remove(id);
            w.ids.put(id, timeMs);
        }
    }

    /** The queue was deleted: its window goes with it. */
    public synchronized void forget(String vhost, String queue) {
        windows.remove(List.of(vhost, queue));
    }

    /** Every id of every window, oldest first per window: what a compacted journal keeps. */
    List<Snapshot> snapshot() {
        List<Map.Entry<List<String>, Window>> all;
        synchronized (this) {
            all = new ArrayList<>(windows.entrySet());
        }
        List<Snapshot> out = new ArrayList<>();
        for (Map.Entry<List<String>, Window> e : all) {
            synchronized (e.getValue()) {
                for (Map.Entry<String, Long> id : e.getValue().ids.entrySet()) {
                    if (id.getValue() < 0) {
                        continue;
                    }
                    out.add(new Snapshot(e.getKey().get(0), e.getKey().get(1), id.getKey(), id.getValue()));
                }
            }
        }
        return out;
    }

    record Snapshot(String vhost, String queue, String id, long timeMs) {
    }

    private static final class Window {
        /** id -> time it entered (negated while only reserved), insertion (= arrival) order. */
        final LinkedHashMap<String, Long> ids = new LinkedHashMap<>();

        void evict(Limits limits, long nowMs) {
            Iterator<Map.Entry<String, Long>> it = ids.entrySet().iterator();
            while (it.hasNext()) {
                Map.Entry<String, Long> oldest = it.next();
                boolean tooMany = ids.size() > limits.maxIds();
                boolean tooOld = limits.maxAgeMs() > 0 && nowMs - Math.abs(oldest.getValue()) > limits.maxAgeMs();
                if (!tooMany && !tooOld) {
                    break;
                }
                it.remove();
            }
        }
    }
}
