package io.wharf.store.queue;

/** The log contract over the in-memory log. */
class MemoryQueueLogContractTest extends QueueLogContract {

    @Override
    protected QueueLog newLog() {
        return new MemoryQueueLog();
    }
}
