package io.wharf.store.queue;

/** What a consumer said of a delivery, reduced to what the queue acts on. */
public enum Outcome {
    /** Done: the message is removed. */
    ACCEPTED,
    /** Back to the head of the queue, delivery count unchanged. */
    RELEASED,
    /** Dead-lettered, or dropped when the queue has no dead-letter exchange. */
    REJECTED,
    /** modified{delivery-failed}: back to the head, delivery count + 1. */
    MODIFIED_FAILED,
    /** modified{undeliverable-here}: treated as {@link #REJECTED}, as RabbitMQ 4 does. */
    MODIFIED_UNDELIVERABLE,
    /**
     * Never reached the consumer (its link lost the credit or closed while the message was on its way): back to
     * the head exactly as it was, still counting as never acquired.
     */
    UNSENT
}
