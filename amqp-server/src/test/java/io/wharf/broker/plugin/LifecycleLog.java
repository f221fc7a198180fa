package io.wharf.broker.plugin;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where test plugins write what happened to them ({@code start recording}, {@code stop exploding}, ...), in order,
 * so one list shows the start and stop order across plugins. Public because plugin classes compiled into jars at
 * test time, in another package, write to it too.
 */
public final class LifecycleLog {

    private static final List<String> ENTRIES = new CopyOnWriteArrayList<>();

    private LifecycleLog() {
    }

    public static void add(String entry) {
        ENTRIES.add(entry);
    }

    /** Entries since the last {@link #reset()}, oldest first (a copy). */
    public static List<String> entries() {
        return List.copyOf(ENTRIES);
    }

    public static void reset() {
        ENTRIES.clear();
    }
}
