package io.wharf.amqp.management;

import io.wharf.exchange.Topology;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.ScheduledMessage;
import io.wharf.store.queue.Scheduling;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.qpid.proton.amqp.UnsignedInteger;
import org.apache.qpid.proton.amqp.UnsignedLong;

/**
 * A queue's scheduled messages over the management link pair (Wharf's own resource, beside RabbitMQ's):
 *
 * <pre>
 *   GET    /queues/:q/scheduled?limit=100&amp;after=&lt;cursor&gt;     200 {scheduled_count, messages, next} | 400 | 404
 *   DELETE /queues/:q/scheduled/:message-id                    200 {cancelled} | 404
 * </pre>
 *
 * {@code messages} is a list of maps {message_id, delivery_time (timestamp), offset, size_bytes} in due-time
 * order; {@code next} is the cursor for the following page (absent on the last one). A message-id is matched in
 * its text form: a string as is, a UUID in its usual form, a ulong in decimal, binary in lower-case hex.
 */
final class ScheduledMessagesResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 10_000;

    private final Topology topology;

    ScheduledMessagesResource(Topology topology) {
        this.topology = topology;
    }

    CompletableFuture<ManagementResponse> list(String queueName, Map<String, String> query) {
        int limit = limit(query.get("limit"));
        Scheduling.Position after = cursor(query.get("after"));
        return scheduling(queueName).thenCompose(queue -> {
            if (queue == null) {
                return CompletableFuture.completedFuture(notFound(queueName));
            }
            return queue.scheduled(after, limit).thenApply(page -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("scheduled_count", UnsignedLong.valueOf(Math.max(0, queue.scheduledCount())));
                List<Object> messages = new ArrayList<>(page.size());
                for (ScheduledMessage m : page) {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("message_id", m.messageId());
                    entry.put("delivery_time", new Date(m.dueMs()));
                    entry.put("offset", UnsignedLong.valueOf(m.offset()));
                    entry.put("size_bytes", UnsignedInteger.valueOf(m.sizeBytes()));
                    messages.add(entry);
                }
                body.put("messages", messages);
                if (page.size() == limit) {
                    ScheduledMessage last = page.get(page.size() - 1);
                    body.put("next", last.dueMs() + ":" + last.offset());
                }
                return new ManagementResponse(200, body);
            });
        });
    }

    CompletableFuture<ManagementResponse> cancel(String queueName, String messageId) {
        return scheduling(queueName).thenCompose(queue -> {
            if (queue == null) {
                return CompletableFuture.completedFuture(notFound(queueName));
            }
            return queue.cancelScheduled(messageId).thenApply(cancelled -> cancelled == 0
                    ? ManagementResponse.error(404, "no message with message-id '" + messageId + "' is scheduled in "
                            + "queue '" + queueName + "' (unknown, or due already)")
                    : new ManagementResponse(200, Map.of("cancelled", UnsignedInteger.valueOf(cancelled))));
        });
    }

    /** The queue if it exists and can hold scheduled messages; null (after a 404) otherwise. */
    private CompletableFuture<Scheduling> scheduling(String name) {
        return topology.submit(() -> {
            MessageQueue queue = topology.queues().get(name);
            return queue instanceof Scheduling s ? s : null;
        });
    }

    private ManagementResponse notFound(String name) {
        return ManagementResponse.error(404, "queue '" + name + "' in vhost '" + topology.vhost() + "' not found");
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new AmqpValues.BadRequest("limit must be a number from 1 to " + MAX_LIMIT + ", not '" + text + "'");
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
        throw new AmqpValues.BadRequest("after must be the 'next' cursor of a previous page (<due-ms>:<offset>), not '"
                + text + "'");
    }
}
