package io.wharf.exchange;

import io.wharf.store.queue.MessageQueue;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The queues one message is routed to, each once, in the order first reached. Reusable ({@link #clear}); not
 * thread-safe: one per routing call or per routing thread.
 *
 * <p>Most messages reach a handful of queues, found by a scan; past {@link #SCAN_LIMIT} an identity set takes over
 * so a fanout to thousands of queues stays linear.
 */
public final class RoutedQueues {

    private static final int SCAN_LIMIT = 16;

    private MessageQueue[] queues = new MessageQueue[SCAN_LIMIT];
    private int size;
    private Set<MessageQueue> seen;

    /** Adds {@code queue} unless it is already here; true when added. */
    public boolean add(MessageQueue queue) {
        if (seen != null) {
            if (!seen.add(queue)) {
                return false;
            }
        } else {
            for (int i = 0; i < size; i++) {
                if (queues[i] == queue) {
                    return false;
                }
            }
            if (size == SCAN_LIMIT) {
                seen = Collections.newSetFromMap(new IdentityHashMap<>());
                seen.addAll(Arrays.asList(queues).subList(0, size));
                seen.add(queue);
            }
        }
        if (size == queues.length) {
            queues = Arrays.copyOf(queues, size * 2);
        }
        queues[size++] = queue;
        return true;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public MessageQueue get(int index) {
        if (index >= size) {
            throw new IndexOutOfBoundsException(index);
        }
        return queues[index];
    }

    /** A copy of the queues, in order. */
    public List<MessageQueue> toList() {
        return List.of(Arrays.copyOf(queues, size));
    }

    public void clear() {
        Arrays.fill(queues, 0, size, null);
        size = 0;
        seen = null;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < size; i++) {
            s.append(i == 0 ? "" : ", ").append(queues[i].name());
        }
        return s.append(']').toString();
    }
}
