package io.wharf.store.queue;

/**
 * One scheduled message as management lists it.
 *
 * @param offset     its offset in the queue's log
 * @param dueMs      epoch ms at which it becomes visible to consumers
 * @param messageId  its message-id as text, null when it has none
 * @param sizeBytes  its stored size
 */
public record ScheduledMessage(long offset, long dueMs, String messageId, int sizeBytes) {
}
