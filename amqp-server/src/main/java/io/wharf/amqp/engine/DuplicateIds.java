package io.wharf.amqp.engine;

import io.wharf.amqp.message.MessageView;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.tx.DedupWindows;
import java.util.HexFormat;
import java.util.Map;
import org.apache.qpid.proton.amqp.Binary;

/**
 * The duplicate-detection id of a message for a queue: the application property {@code _AMQ_DUPL_ID} (as
 * ActiveMQ Artemis, on every queue), else the message-id when the queue was declared with
 * {@code x-message-deduplication: message-id} (as Azure Service Bus). Ids are compared as typed strings, so the
 * string "1" and the ulong 1 differ.
 */
final class DuplicateIds {

    static final String ARTEMIS_PROPERTY = "_AMQ_DUPL_ID";
    static final String MODE_ARGUMENT = "x-message-deduplication";
    static final String SIZE_ARGUMENT = "x-dedup-window-size";
    static final String SECONDS_ARGUMENT = "x-dedup-window-seconds";

    private DuplicateIds() {
    }

    /** The message's {@code _AMQ_DUPL_ID} as a typed id, or null; read once per message. */
    static String artemisId(MessageView view) {
        Object id = view.applicationProperty(ARTEMIS_PROPERTY);
        return id == null ? null : typed(id);
    }

    /**
     * The id to check for {@code queue}: {@code artemisId} when there is one, else the message-id on a queue that
     * asks for it; null when the message has none there.
     */
    static String idFor(String artemisId, MessageView view, QueueDefinition queue) {
        if (artemisId != null) {
            return artemisId;
        }
        if (queue.arguments().isEmpty() || !"message-id".equals(queue.arguments().get(MODE_ARGUMENT))) {
            return null;
        }
        Object id = view.messageId();
        return id == null ? null : typed(id);
    }

    private static String typed(Object id) {
        if (id instanceof String s) {
            return "s:" + s;
        }
        if (id instanceof Binary b) {
            return "b:" + HexFormat.of().formatHex(b.getArray(), b.getArrayOffset(), b.getArrayOffset() + b.getLength());
        }
        if (id instanceof byte[] bytes) {
            return "b:" + HexFormat.of().formatHex(bytes);
        }
        return id.getClass().getSimpleName() + ":" + id;
    }

    /** The queue's window: its {@code x-dedup-window-*} arguments over the broker's defaults. */
    static DedupWindows.Limits limitsFor(QueueDefinition queue, DedupWindows.Limits defaults) {
        Map<String, Object> arguments = queue.arguments();
        Object size = arguments.get(SIZE_ARGUMENT);
        Object seconds = arguments.get(SECONDS_ARGUMENT);
        if (size == null && seconds == null) {
            return defaults;
        }
        int maxIds = size instanceof Number n && n.longValue() >= 1 ? (int) Math.min(n.longValue(), Integer.MAX_VALUE)
                : defaults.maxIds();
        long maxAgeMs = seconds instanceof Number n && n.longValue() >= 0 ? n.longValue() * 1000 : defaults.maxAgeMs();
        return new DedupWindows.Limits(maxIds, maxAgeMs);
    }
}
