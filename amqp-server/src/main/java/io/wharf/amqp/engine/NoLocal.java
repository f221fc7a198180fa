package io.wharf.amqp.engine;

import io.wharf.exchange.RoutedQueues;
import java.util.Set;

/**
 * No-local ({@code apache.org:no-local-filter:list}) for topic subscriptions: a publication is not routed to the
 * subscription queues that a no-local consumer on the same connection reads. Applied at routing because the stored
 * message does not say which connection published it; a no-local filter on a plain queue is therefore not applied
 * (and not echoed).
 */
final class NoLocal {

    private NoLocal() {
    }

    /** {@code routed} without the queues named in {@code excluded} (the same object when none is). */
    static RoutedQueues without(RoutedQueues routed, Set<String> excluded) {
        boolean any = false;
        for (int i = 0; i < routed.size() && !any; i++) {
            any = excluded.contains(routed.get(i).name());
        }
        if (!any) {
            return routed;
        }
        RoutedQueues kept = new RoutedQueues();
        for (int i = 0; i < routed.size(); i++) {
            if (!excluded.contains(routed.get(i).name())) {
                kept.add(routed.get(i));
            }
        }
        return kept;
    }
}
