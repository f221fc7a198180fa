package io.wharf.store.queue;

/**
 * A consumer attached to a queue. The queue calls these on its own thread; an implementation hands
 * the work to the thread that owns it (a connection's event loop) and never blocks.
 */
public interface QueueConsumer {

    /** A message for this consumer; it used one unit of the credit granted with {@link MessageQueue#addCredit}. */
    void deliver(QueueDelivery delivery);

    /**
     * Answer to {@link MessageQueue#drain}: everything that could be delivered was delivered (before this call),
     * and the queue dropped the {@code unusedCredit} credit it still held for this consumer.
     */
    void drained(int unusedCredit);
}
