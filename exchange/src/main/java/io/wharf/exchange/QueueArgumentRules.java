package io.wharf.exchange;

import io.wharf.store.meta.Arguments;
import io.wharf.store.queue.QueueDefinition;
import io.wharf.store.stream.StreamArguments;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The types and ranges of the queue arguments Wharf knows (WIRE.md, "Queue arguments"), checked when a queue is
 * declared so that a wrong one is a 400 naming the argument instead of a queue that misbehaves later. Unknown
 * {@code x-} arguments are kept and ignored, as RabbitMQ does. {@code x-queue-type=quorum} is accepted as a durable
 * classic queue (no replication yet); {@code stream} declares a stream queue.
 */
final class QueueArgumentRules {

    static final String QUEUE_TYPE = "x-queue-type";
    private static final long MAX_UINT = 0xFFFF_FFFFL;
    private static final Set<String> OVERFLOW = Set.of("drop-head", "reject-publish", "reject-publish-dlx");

    private QueueArgumentRules() {
    }

    /**
     * The definition to create: checked, with {@code type} set from {@code x-queue-type}.
     *
     * @throws TopologyException bad request naming the first bad argument
     */
    static QueueDefinition check(QueueDefinition definition) {
        Map<String, Object> arguments = definition.arguments();
        for (Map.Entry<String, Object> e : arguments.entrySet()) {
            if (e.getValue() == null) {
                throw TopologyException.badRequest("queue argument '" + e.getKey() + "' has no value");
            }
        }
        String type = string(arguments, QUEUE_TYPE, "classic");
        switch (type) {
            case "classic" -> { }
            case "quorum" -> {
                if (!definition.durable()) {
                    throw TopologyException.badRequest("quorum queues must be durable");
                }
                if (definition.exclusive()) {
                    throw TopologyException.badRequest("quorum queues cannot be exclusive");
                }
            }
            case "stream" -> {
                return checkStream(definition);
            }
            default -> throw TopologyException.badRequest("unknown x-queue-type '" + type
                    + "'; use classic, quorum or stream");
        }
        integer(arguments, "x-message-ttl", 0, MAX_UINT);
        integer(arguments, "x-expires", 1, MAX_UINT);
        integer(arguments, "x-max-length", 0, Long.MAX_VALUE);
        integer(arguments, "x-max-length-bytes", 0, Long.MAX_VALUE);
        integer(arguments, "x-max-priority", 0, 255);
        integer(arguments, "x-delivery-limit", 0, Long.MAX_VALUE);
        integer(arguments, "x-dedup-window-size", 1, Integer.MAX_VALUE);
        integer(arguments, "x-dedup-window-seconds", 0, Long.MAX_VALUE / 1000);
        String dedup = string(arguments, "x-message-deduplication", null);
        if (dedup != null && !dedup.equals("message-id")) {
            throw TopologyException.badRequest("x-message-deduplication must be message-id; it was '" + dedup + "'");
        }
        String overflow = string(arguments, "x-overflow", null);
        if (overflow != null && !OVERFLOW.contains(overflow)) {
            throw TopologyException.badRequest("x-overflow must be drop-head, reject-publish or reject-publish-dlx;"
                    + " it was '" + overflow + "'");
        }
        string(arguments, "x-dead-letter-exchange", null);
        string(arguments, "x-dead-letter-routing-key", null);
        Object sac = arguments.get("x-single-active-consumer");
        if (sac != null && !(sac instanceof Boolean)) {
            throw TopologyException.badRequest("x-single-active-consumer must be a boolean, not "
                    + describe(sac));
        }
        return new QueueDefinition(definition.vhost(), definition.name(), "classic", definition.durable(),
                definition.exclusive(), definition.autoDelete(), arguments);
    }

    /** A stream: durable, not exclusive, not auto-delete, with valid retention arguments. */
    private static QueueDefinition checkStream(QueueDefinition definition) {
        if (!definition.durable()) {
            throw TopologyException.badRequest("stream queues must be durable");
        }
        if (definition.exclusive()) {
            throw TopologyException.badRequest("stream queues cannot be exclusive");
        }
        if (definition.autoDelete()) {
            throw TopologyException.badRequest("stream queues cannot be auto-delete");
        }
        try {
            StreamArguments.from(definition.arguments());
        } catch (IllegalArgumentException e) {
            throw TopologyException.badRequest(e.getMessage());
        }
        return new QueueDefinition(definition.vhost(), definition.name(), "stream", true, false, false,
                definition.arguments());
    }

    /**
     * Whether a redeclare matches the queue as it exists: type, flags and arguments.
     *
     * @throws TopologyException 409 listing what differs
     */
    static void checkEquivalent(QueueDefinition had, QueueDefinition wanted) {
        List<String> differences = new ArrayList<>();
        if (!queueType(had).equals(queueType(wanted))) {
            differences.add("type " + queueType(had) + " (declared "
                    + queueType(wanted) + ")");
        }
        if (had.durable() != wanted.durable()) {
            differences.add("durable=" + had.durable());
        }
        if (had.exclusive() != wanted.exclusive()) {
            differences.add("exclusive=" + had.exclusive());
        }
        if (had.autoDelete() != wanted.autoDelete()) {
            differences.add("auto_delete=" + had.autoDelete());
        }
        Map<String, Object> hadArgs = withoutType(Arguments.normalized(had.arguments()));
        Map<String, Object> wantedArgs = withoutType(wanted.arguments());
        if (!hadArgs.equals(wantedArgs)) {
            differences.add("arguments " + hadArgs + " (declared " + wantedArgs + ")");
        }
        if (!differences.isEmpty()) {
            throw TopologyException.conflict("queue '" + had.name() + "' exists with different properties: "
                    + String.join(", ", differences));
        }
    }

    /** {@code x-queue-type} when given, else the definition's own type. */
    static String queueType(QueueDefinition definition) {
        Object type = definition.arguments().get(QUEUE_TYPE);
        return type instanceof String s ? s : definition.type();
    }

    /** The arguments without {@code x-queue-type} (compared separately, with its default). */
    static Map<String, Object> withoutType(Map<String, Object> arguments) {
        if (!arguments.containsKey(QUEUE_TYPE)) {
            return arguments;
        }
        Map<String, Object> rest = new LinkedHashMap<>(arguments);
        rest.remove(QUEUE_TYPE);
        return rest;
    }

    private static String string(Map<String, Object> arguments, String name, String absent) {
        Object value = arguments.get(name);
        if (value == null) {
            return absent;
        }
        if (!(value instanceof String s)) {
            throw TopologyException.badRequest(name + " must be a string, not " + describe(value));
        }
        return s;
    }

    private static void integer(Map<String, Object> arguments, String name, long min, long max) {
        Object value = arguments.get(name);
        if (value == null) {
            return;
        }
        if (!(value instanceof Long n)) {
            throw TopologyException.badRequest(name + " must be an integer, not " + describe(value));
        }
        if (n < min || n > max) {
            throw TopologyException.badRequest(name + " must be between " + min + " and " + max + "; it was " + n);
        }
    }

    private static String describe(Object value) {
        return value instanceof String s ? "the string '" + s + "'" : value.getClass().getSimpleName() + " " + value;
    }
}
