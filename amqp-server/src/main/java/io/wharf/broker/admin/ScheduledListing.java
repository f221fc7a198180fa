package io.wharf.broker.admin;

import io.wharf.plugin.admin.AdminException;
import io.wharf.plugin.admin.AdminException.Reason;
import io.wharf.plugin.admin.BrokerAdmin.ScheduledMessage;
import io.wharf.plugin.admin.BrokerAdmin.ScheduledPage;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.Scheduling;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A queue's scheduled messages for {@link Administration}: pages in (due time, log offset) order with the same
 * cursor as the management link pair's {@code GET /queues/:q/scheduled} ({@code <due-ms>:<offset>} of the page's last
 * message), so a client may switch between the two.
 */
final class ScheduledListing {

    static final int MAX_LIMIT = 10_000;

    private ScheduledListing() {
    }

    static Scheduling scheduling(String vhost, MessageQueue queue) {
        if (!(queue instanceof Scheduling s)) {
            throw new AdminException(Reason.BAD_REQUEST, "queue '" + queue.name() + "' in vhost '" + vhost
                    + "' cannot hold scheduled messages");
        }
        return s;
    }

    static CompletableFuture<ScheduledPage> page(String vhost, MessageQueue queue, String after, int limit) {
        Scheduling s = scheduling(vhost, queue);
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new AdminException(Reason.BAD_REQUEST, "limit must be 0 (the count only) to " + MAX_LIMIT
                    + ", not " + limit);
        }
        Scheduling.Position from = cursor(after);
        if (limit == 0) {
            return CompletableFuture.completedFuture(new ScheduledPage(vhost, queue.name(),
                    Math.max(0, s.scheduledCount()), List.of(), null));
        }
        return s.scheduled(from, limit).thenApply(found -> {
            List<ScheduledMessage> messages = new ArrayList<>(found.size());
            for (io.wharf.store.queue.ScheduledMessage m : found) {
                messages.add(new ScheduledMessage(m.messageId(), m.dueMs(), m.offset(), m.sizeBytes()));
            }
            String next = null;
            if (found.size() == limit) {
                io.wharf.store.queue.ScheduledMessage last = found.get(found.size() - 1);
                next = last.dueMs() + ":" + last.offset();
            }
            // Counted after the read: a page and its count agree unless messages fell due in between.
            return new ScheduledPage(vhost, queue.name(), Math.max(0, s.scheduledCount()), messages, next);
        });
    }

    private static Scheduling.Position cursor(String text) {
        if (text == null || text.isEmpty()) {
            return Scheduling.Position.START;
        }
        int colon = text.indexOf(':');
        try {
            if (colon > 0) {
                return new Scheduling.Position(Long.parseLong(text.substring(0, colon)),
                        Long.parseLong(text.substring(colon + 1)));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new AdminException(Reason.BAD_REQUEST, "after must be the 'next' cursor of a previous page "
                + "(<due-ms>:<offset>), not '" + text + "'");
    }
}
