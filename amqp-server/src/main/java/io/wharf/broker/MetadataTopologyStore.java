package io.wharf.broker;

import io.wharf.exchange.TopologyStore;
import io.wharf.store.DiskQueueStorage;
import io.wharf.store.meta.MetadataChange;
import java.util.concurrent.Executor;

/** Topology changes run on the store's metadata thread and are written to its H2 database. */
final class MetadataTopologyStore implements TopologyStore {

    private final DiskQueueStorage storage;

    MetadataTopologyStore(DiskQueueStorage storage) {
        this.storage = storage;
    }

    @Override
    public Executor executor() {
        return storage.metadataExecutor();
    }

    @Override
    public void write(MetadataChange change) throws Exception {
        storage.write(change);
    }
}
