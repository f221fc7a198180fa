package io.wharf.broker.plugin;

import java.util.ArrayList;
import java.util.List;

/**
 * The providers of one kind (authentication or authorization) that plugins registered, each with its plugin's
 * guard; replaced on change, never changed in place, so reading is one volatile read.
 */
public final class GuardedProviders<P> {

    /** One provider, the plugin it belongs to, and what counts its failures. */
    public static final class Guarded<P> {

        private final String pluginName;
        private final P provider;
        private final PluginGuard guard;

        Guarded(String pluginName, P provider, PluginGuard guard) {
            this.pluginName = pluginName;
            this.provider = provider;
            this.guard = guard;
        }

        public String pluginName() {
            return pluginName;
        }

        public P provider() {
            return provider;
        }

        /** The provider threw: counted against its plugin (which is disabled at the failure limit). */
        public void failed(String what, Throwable error) {
            guard.failed(what, error);
        }

        /** Checks how long a call started at {@code startNanos} took; a slow call is a failure. */
        public void timed(String what, long startNanos) {
            guard.timed(what, startNanos);
        }
    }

    private record Entry<P>(Object owner, Guarded<P> guarded) {
    }

    /** Changed under this object's lock. */
    private List<Entry<P>> entries = List.of();
    /** What readers see; replaced with {@link #entries}. */
    private volatile List<Guarded<P>> guarded = List.of();

    public boolean isEmpty() {
        return guarded.isEmpty();
    }

    /** The providers now, in registration order (an unmodifiable list; no copy is made). */
    public List<Guarded<P>> all() {
        return guarded;
    }

    synchronized void add(Object owner, Guarded<P> provider) {
        List<Entry<P>> more = new ArrayList<>(entries);
        more.add(new Entry<>(owner, provider));
        publish(more);
    }

    synchronized void removeAll(Object owner) {
        publish(entries.stream().filter(e -> e.owner() != owner).toList());
    }

    private void publish(List<Entry<P>> now) {
        entries = List.copyOf(now);
        guarded = entries.stream().map(Entry::guarded).toList();
    }
}
