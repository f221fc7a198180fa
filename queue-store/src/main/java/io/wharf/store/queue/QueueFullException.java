package io.wharf.store.queue;

/** A publish refused because the queue is at its x-max-length / x-max-length-bytes with reject-publish overflow. */
public final class QueueFullException extends RuntimeException {

    public QueueFullException(String message) {
        super(message, null, false, false);
    }
}
