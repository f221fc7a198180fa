package io.wharf.store.queue;

import java.util.ArrayList;
import java.util.List;

/**
 * The consumers of one queue and which of them takes the next message: with single-active-consumer only the
 * earliest attached; otherwise the highest consumer priority among those with credit, taking turns within it.
 * Browsers are kept apart: they see copies and are never chosen here. A consumer with a filter is chosen only for
 * a message its filter accepts. Confined to the queue's thread.
 */
final class QueueConsumers {

    /** One attached consumer and the credit the queue holds for it. */
    static final class State {
        final QueueConsumer consumer;
        final ConsumerOptions options;
        int credit;
        /** For browsers: the offset of the last message shown. */
        long browsedUpTo = -1;
        /** For a filtered consumer: how far it has judged the waiting messages, and its filter over the log. */
        ReadyMessages.Cursor cursor;
        FilterJudge judge;

        State(QueueConsumer consumer, ConsumerOptions options) {
            this.consumer = consumer;
            this.options = options;
        }

        /**
         * Whether this consumer wants {@code entry} (the head of {@code ready}); a filtered consumer judges a
         * never-delivered message at most once.
         */
        boolean wants(ReadyMessages.Entry entry, ReadyMessages ready, java.util.function.LongFunction<
                java.nio.ByteBuffer> log) {
            if (options.filter() == null) {
                return true;
            }
            prepareFilter(ready, log);
            return entry != null && judge.wants(cursor, entry);
        }

        /** Sets up {@link #cursor} and {@link #judge} of a filtered consumer, once. */
        void prepareFilter(ReadyMessages ready, java.util.function.LongFunction<java.nio.ByteBuffer> log) {
            if (cursor == null) {
                cursor = new ReadyMessages.Cursor(ready);
                judge = new FilterJudge(options.filter(), log);
            }
        }
    }

    private final boolean singleActive;
    private final List<State> all = new ArrayList<>();
    private int next;
    /** Browsers among {@link #all}, so dispatch skips browsing without a scan when there are none (the usual case). */
    private int browserCount;
    /** Taking consumers with a filter among {@link #all}. */
    private int filteredCount;

    QueueConsumers(boolean singleActive) {
        this.singleActive = singleActive;
    }

    void add(QueueConsumer consumer, ConsumerOptions options) {
        all.add(new State(consumer, options));
        if (options.browse()) {
            browserCount++;
        } else if (options.filter() != null) {
            filteredCount++;
        }
    }

    boolean hasFiltered() {
        return filteredCount > 0;
    }

    /**
     * The filtered consumers that may take a message now, highest consumer priority first (with single active
     * consumer: the active one, when it is filtered).
     */
    List<State> filteredWithCredit() {
        List<State> found = new ArrayList<>();
        for (State c : all) {
            if (c.options.browse()) {
                continue;
            }
            if (c.credit > 0 && c.options.filter() != null) {
                found.add(c);
            }
            if (singleActive) {
                break;
            }
        }
        found.sort((a, b) -> Integer.compare(b.options.priority(), a.options.priority()));
        return found;
    }

    /** Removes and returns the consumer's state; null when it was not attached. */
    State remove(QueueConsumer consumer) {
        State state = find(consumer);
        if (state != null) {
            all.remove(state);
            if (state.options.browse()) {
                browserCount--;
            } else if (state.options.filter() != null) {
                filteredCount--;
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
        filteredCount = 0;
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
        return nextWithCredit(c -> true);
    }

    /** The consumer for the next message among those {@code wants} says want it, or null. */
    State nextWithCredit(java.util.function.Predicate<State> wants) {
        if (singleActive) {
            for (State c : all) {
                if (!c.options.browse()) {
                    return c.credit > 0 && wants.test(c) ? c : null;
                }
            }
            return null;
        }
        if (filteredCount > 0) {
            return nextWanted(wants);
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

    /** With filtered consumers: the highest priority among those with credit that want it, in turn within it. */
    private State nextWanted(java.util.function.Predicate<State> wants) {
        int n = all.size();
        State best = null;
        int bestIndex = -1;
        for (int i = 0; i < n; i++) {
            int index = (next + i) % n;
            State c = all.get(index);
            if (c.options.browse() || c.credit <= 0
                    || (best != null && c.options.priority() <= best.options.priority())) {
                continue;
            }
            if (wants.test(c)) {
                best = c;
                bestIndex = index;
            }
        }
        if (best != null) {
            next = (bestIndex + 1) % n;
        }
        return best;
    }
}
