package io.wharf.store.queue;

/** The queue contract over the in-memory log. */
class MemoryClassicQueueTest extends ClassicQueueContract {

    @Override
    protected QueueLog newLog() {
        return new MemoryQueueLog();
    }
}
