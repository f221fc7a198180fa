package io.wharf.exchange;

import io.wharf.store.meta.MetadataChange;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * Where topology changes run and are written: one thread (so changes need no locks and are written in the order
 * they are made) and a store that writes one {@link MetadataChange} per transaction. The broker uses the metadata
 * thread and the H2 store; tests may keep everything in memory.
 */
public interface TopologyStore {

    /** The single thread every topology change runs on. */
    Executor executor();

    /** Writes {@code change} in one transaction. Called only on {@link #executor()}. */
    void write(MetadataChange change) throws Exception;

    /** A store that writes nothing, with a daemon thread of its own. */
    static TopologyStore inMemory() {
        Executor thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "wharf-topology");
            t.setDaemon(true);
            return t;
        });
        return new TopologyStore() {
            @Override
            public Executor executor() {
                return thread;
            }

            @Override
            public void write(MetadataChange change) {
            }
        };
    }
}
