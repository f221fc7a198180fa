package io.wharf.store.queue;

import java.util.ArrayList;
import java.util.List;

/**
 * The consumers of one queue and which of them takes the next message: with single-active-consumer only the
 * earliest attached; otherwise the highest consumer priority among those with credit, taking turns within it.
 * Browsers are kept apart: they see copies and are never chosen here. Confined to the queue's thread.
 */
final class QueueConsumers {

    /** One attached consumer and the credit the queue holds for it. */
    static final class State {
        final QueueConsumer consumer;
        final ConsumerOptions options;
        int credit;
        /** For browsers: the offset of the last message shown. */
        long browsedUpTo = -1;

        State(QueueConsumer consumer, ConsumerOptions options) {
            this.consumer = consumer;
            this.options = options;
        }
    }

    private final boolean singleActive;
    private final List<State> all = new ArrayList<>();
    private int next;
    /** Browsers among {@link #all}, so dispatch skips browsing without a scan when there are none (the usual case). */
    private int browserCount;

    QueueConsumers(boolean singleActive) {
        this.singleActive = singleActive;
    }

    void add(QueueConsumer consumer, ConsumerOptions options) {
        all.add(new State(consumer, options));
        if (options.browse()) {
            browserCount++;
        }
    }

    /** Removes and returns the consumer's state; null when it was not attached. */
    State remove(QueueConsumer consumer) {
        State state = find(consumer);
        if (state != null) {
            all.remove(state);
            if (state.options.browse()) {
                browserCount--;
            }
        }
        return state;
    }

    State find(QueueConsumer consumer) {
        for (State state : all) {
            if (state.consumer == consumer) {
                return state;
            }
        }
        return null;
    }

    void clear() {
        all.clear();
        browserCount = 0;
    }

    boolean hasBrowsers() {
        return browserCount > 0;
    }

    /** Consumers that take messages (browsers not counted). */
    int takingCount() {
        int n = 0;
        for (State state : all) {
            if (!state.options.browse()) {
                n++;
            }
        }
        return n;
    }

    List<State> browsers() {
        List<State> browsers = new ArrayList<>();
        for (State state : all) {
            if (state.options.browse()) {
                browsers.add(state);
            }
        }
        return browsers;
    }

    /** The consumer for the next message, or null when none may take one now. */
    State nextWithCredit() {
        if (singleActive) {
            for (State c : all) {
                if (!c.options.browse()) {
                    return c.credit > 0 ? c : null;
                }
            }
            return null;
        }
        int bestPriority = Integer.MIN_VALUE;
        for (State c : all) {
            if (!c.options.browse() && c.credit > 0 && c.options.priority() > bestPriority) {
                bestPriority = c.options.priority();
            }
        }
        if (bestPriority == Integer.MIN_VALUE) {
            return null;
        }
        int n = all.size();
        for (int i = 0; i < n; i++) {
            int index = (next + i) % n;
            State c = all.get(index);
            if (!c.options.browse() && c.credit > 0 && c.options.priority() == bestPriority) {
                next = (index + 1) % n;
                return c;
            }
        }
        return null;
    }
}
