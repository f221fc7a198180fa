package io.wharf.plugins.management;

import io.wharf.plugin.admin.BrokerAdmin;
import io.wharf.plugin.http.HttpRequest;
import io.wharf.plugin.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Scheduled (delayed) messages, Wharf's own resources beside RabbitMQ's, in the same shapes as the management link
 * pair's {@code /queues/:q/scheduled}:
 *
 * <pre>
 *   GET    /api/queues/:v/:q/scheduled?limit=100&amp;after=&lt;cursor&gt;
 *                                              200 {scheduled_count, messages, next} | 400 | 404
 *   DELETE /api/queues/:v/:q/scheduled/:message-id                200 {cancelled} | 404
 *   GET    /api/scheduled-messages[/:v]                            200 [{vhost, queue, scheduled_count}] (count &gt; 0)
 * </pre>
 *
 * {@code messages} are maps {message_id, delivery_time (epoch ms), offset, size_bytes} in due-time order; {@code next}
 * is the cursor of the following page (absent on the last); {@code limit=0} answers the count alone without reading
 * the schedule. {@code /api/scheduled-messages/:v/:q[/:message-id]} is kept as another name of the queue resources.
 */
final class ScheduledRoutes {

    private static final int DEFAULT_LIMIT = 100;

    private final BrokerAdmin admin;

    ScheduledRoutes(BrokerAdmin admin) {
        this.admin = admin;
    }

    /**
     * {@code /api/queues/:v/:q/scheduled[/:message-id]}; {@code rest} follows "scheduled". The caller checked the
     * user's permissions (read on the queue to cancel).
     */
    CompletableFuture<HttpResponse> queue(HttpRequest request, String vhost, String queue, List<String> rest) {
        if (rest.isEmpty()) {
            if (!request.method().equals("GET")) {
                return ApiRoutes.done(ApiRoutes.notAllowed(request.method()));
            }
            int limit = limit(request.query().get("limit"));
            return admin.scheduledMessages(vhost, queue, request.query().get("after"), limit)
                    .thenApply(page -> HttpResponse.json(200, shape(page)));
        }
        if (rest.size() == 1) {
            if (!request.method().equals("DELETE")) {
                return ApiRoutes.done(ApiRoutes.notAllowed(request.method()));
            }
            String messageId = rest.get(0);
            return admin.cancelScheduledMessage(vhost, queue, messageId).thenApply(cancelled -> {
                if (cancelled == 0) {
                    throw Bodies.notFound("no message with message-id '" + messageId + "' is scheduled in queue '"
                            + queue + "' (unknown, or due already)");
                }
                return HttpResponse.json(200, Map.of("cancelled", cancelled));
            });
        }
        return ApiRoutes.done(HttpResponse.error(404, "a scheduled message path is "
                + "/api/queues/vhost/queue/scheduled[/message-id]"));
    }

    /** {@code /api/scheduled-messages[/:v[/:q[/:message-id]]]}. */
    CompletableFuture<HttpResponse> summary(HttpRequest request, List<String> rest, VhostAccess access) {
        if (!rest.isEmpty()) {
            access.requireVhost(rest.get(0));
        }
        if (rest.size() >= 2) {
            if (!request.method().equals("GET")) {
                access.require(rest.get(0), VhostAccess.Access.READ, "queue", rest.get(1));
            }
            return queue(request, rest.get(0), rest.get(1), rest.subList(2, rest.size()));
        }
        if (!request.method().equals("GET")) {
            return ApiRoutes.done(ApiRoutes.notAllowed(request.method()));
        }
        String vhost = rest.isEmpty() ? null : rest.get(0);
        List<Map<String, Object>> list = new ArrayList<>();
        for (BrokerAdmin.QueueInfo q : admin.queues(vhost)) {
            if (q.scheduled() > 0 && access.sees(q.vhost())) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("vhost", q.vhost());
                m.put("queue", q.name());
                m.put("scheduled_count", q.scheduled());
                list.add(m);
            }
        }
        return ApiRoutes.done(HttpResponse.json(200, list));
    }

    private static Map<String, Object> shape(BrokerAdmin.ScheduledPage page) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("vhost", page.vhost());
        body.put("queue", page.queue());
        body.put("scheduled_count", page.scheduledCount());
        List<Object> messages = new ArrayList<>(page.messages().size());
        for (BrokerAdmin.ScheduledMessage m : page.messages()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("message_id", m.messageId());
            entry.put("delivery_time", m.deliveryTimeMs());
            entry.put("offset", m.offset());
            entry.put("size_bytes", m.sizeBytes());
            messages.add(entry);
        }
        body.put("messages", messages);
        if (page.next() != null) {
            body.put("next", page.next());
        }
        return body;
    }

    private static int limit(String text) {
        if (text == null || text.isEmpty()) {
            return DEFAULT_LIMIT;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw Bodies.bad("limit must be a number from 0 to 10000, not '" + text + "'");
        }
    }
}
