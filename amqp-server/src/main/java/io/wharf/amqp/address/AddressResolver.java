package io.wharf.amqp.address;

import io.wharf.amqp.message.MessageView;
import io.wharf.exchange.Exchange;
import io.wharf.exchange.PartitionedStreams;
import io.wharf.exchange.Topology;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.QueueLimitException;
import java.nio.charset.StandardCharsets;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.transport.AmqpError;

/**
 * Turns link and message addresses of one virtual host into queues or publish targets, or into the error the client
 * gets. Lookups only (plus queue auto-creation): runs on event loops.
 *
 * <p>Plain names follow Qpid JMS: with terminus capability {@code topic} (or {@code temporary-topic}) a plain name
 * is a topic, published to {@code amq.topic} with the name as routing key; otherwise a queue. On the anonymous
 * relay the same choice comes from the message annotation {@code x-opt-jms-dest} (1 = topic, 3 = temporary topic).
 */
public final class AddressResolver {

    /** The exchange JMS topics live on: a plain topic name is a routing key on it. */
    public static final String TOPIC_EXCHANGE = "amq.topic";
    static final Symbol TOPIC = Symbol.valueOf("topic");
    static final Symbol TEMPORARY_TOPIC = Symbol.valueOf("temporary-topic");
    /** Qpid JMS's annotation of a message's destination type on the anonymous relay. */
    static final String JMS_DEST = "x-opt-jms-dest";
    private static final byte JMS_TOPIC = 1;
    private static final byte JMS_TEMPORARY_TOPIC = 3;

    /** A queue (for a consumer), a publish target (for a producer), or an AMQP error with a description. */
    public record Resolution(MessageQueue queue, PublishTarget target, Symbol errorCondition, String error) {

        static Resolution of(MessageQueue queue) {
            return new Resolution(queue, null, null, null);
        }

        static Resolution of(PublishTarget target) {
            return new Resolution(target.queue(), target, null, null);
        }

        static Resolution failed(Symbol condition, String error) {
            return new Resolution(null, null, condition, error);
        }

        public boolean ok() {
            return errorCondition == null;
        }
    }

    private final Topology topology;

    public AddressResolver(Topology topology) {
        this.topology = topology;
    }

    public Topology topology() {
        return topology;
    }

    /** Where a producer's messages to {@code address} go; {@code capabilities} are the target's (may be null). */
    public Resolution forPublish(String address, Symbol[] capabilities) {
        return forPublish(address, isTopic(capabilities));
    }

    /**
     * Where a message on the anonymous relay goes: its {@code to}, a topic when Qpid JMS annotated it so. A missing
     * or malformed {@code to} fails with amqp:precondition-failed.
     */
    public Resolution forMessage(MessageView message) {
        String to = message.to();
        if (to == null) {
            return Resolution.failed(AmqpError.PRECONDITION_FAILED,
                    "a message on the anonymous relay needs a 'to' address");
        }
        Object jmsDest = message.messageAnnotation(JMS_DEST);
        boolean topic = jmsDest instanceof Byte b && (b == JMS_TOPIC || b == JMS_TEMPORARY_TOPIC);
        Resolution resolution = forPublish(to, topic);
        if (!resolution.ok() && resolution.errorCondition() == AmqpError.INVALID_FIELD) {
            return Resolution.failed(AmqpError.PRECONDITION_FAILED, resolution.error());
        }
        return resolution;
    }

    private Resolution forPublish(String address, boolean topic) {
        Address parsed;
        try {
            parsed = Address.parse(address);
        } catch (IllegalArgumentException e) {
            return Resolution.failed(AmqpError.INVALID_FIELD, e.getMessage());
        }
        if (parsed.kind() == Address.Kind.EXCHANGE) {
            if (parsed.name().isEmpty()) {
                return Resolution.failed(AmqpError.INVALID_FIELD, "cannot publish to '" + address
                        + "': the default exchange is not addressed as an exchange; use /queues/:queue");
            }
            Exchange x = topology.exchange(parsed.name());
            PublishTarget.Refusal refusal = PublishTarget.check(x, parsed.name());
            if (refusal != null) {
                return Resolution.failed(refusal.condition(), "cannot publish to '" + address + "': "
                        + refusal.description());
            }
            return Resolution.of(PublishTarget.exchange(address, topology, parsed.name(), parsed.routingKey()));
        }
        if (topic && parsed.kind() == Address.Kind.PLAIN) {
            return Resolution.of(PublishTarget.jmsTopic(address, topology, TOPIC_EXCHANGE, parsed.name()));
        }
        if (PartitionedStreams.find(topology, parsed.name()) != null) {
            return Resolution.of(PublishTarget.partitioned(address, topology, parsed.name()));
        }
        Resolution refused = checkQueueName(parsed.name(), address, "publish to");
        if (refused != null) {
            return refused;
        }
        MessageQueue queue;
        try {
            queue = topology.defaultExchange().route(parsed.name());
        } catch (QueueLimitException e) {
            return Resolution.failed(AmqpError.RESOURCE_LIMIT_EXCEEDED, e.getMessage());
        }
        if (queue == null) {
            return Resolution.failed(AmqpError.NOT_FOUND, "cannot publish to '" + address + "': queue '"
                    + parsed.name() + "' does not exist (queues.auto-create is off)");
        }
        return Resolution.of(PublishTarget.queue(address, queue));
    }

    /** What a consumer attaching with source {@code address} reads: a queue. */
    public Resolution forConsume(String address) {
        Address parsed;
        try {
            parsed = Address.parse(address);
        } catch (IllegalArgumentException e) {
            return Resolution.failed(AmqpError.INVALID_FIELD, e.getMessage());
        }
        if (parsed.kind() == Address.Kind.EXCHANGE) {
            return Resolution.failed(AmqpError.INVALID_FIELD, "cannot consume from '" + address
                    + "': messages are consumed from queues (/queues/:queue), not from exchanges");
        }
        if (PartitionedStreams.find(topology, parsed.name()) != null) {
            // Reached only by attaches the consumer-group path does not take (it handles /queues/:stream itself).
            return Resolution.failed(AmqpError.NOT_IMPLEMENTED, "cannot consume from '" + address + "': '"
                    + parsed.name() + "' is a partitioned stream; attach to it as /queues/" + parsed.name()
                    + " (optionally with link property wharf:consumer-group) or to one partition /queues/"
                    + PartitionedStreams.partitionName(parsed.name(), 0));
        }
        Resolution refused = checkQueueName(parsed.name(), address, "consume from");
        if (refused != null) {
            return refused;
        }
        MessageQueue queue;
        try {
            queue = topology.defaultExchange().route(parsed.name());
        } catch (QueueLimitException e) {
            return Resolution.failed(AmqpError.RESOURCE_LIMIT_EXCEEDED, e.getMessage());
        }
        if (queue == null) {
            return Resolution.failed(AmqpError.NOT_FOUND, "cannot consume from '" + address + "': queue '"
                    + parsed.name() + "' does not exist (queues.auto-create is off)");
        }
        return Resolution.of(queue);
    }

    /**
     * Null when {@code name} may be auto-created (or exists already); else why not: too long or with a line break
     * (amqp:invalid-field), or in the broker's reserved {@code amq.} namespace (amqp:unauthorized-access).
     */
    private Resolution checkQueueName(String name, String address, String verb) {
        if (topology.queues().get(name) != null) {
            return null;
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > Topology.MAX_NAME_BYTES
                || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0) {
            return Resolution.failed(AmqpError.INVALID_FIELD, "cannot " + verb + " '" + address
                    + "': a queue name has at most " + Topology.MAX_NAME_BYTES + " bytes and no line breaks");
        }
        if (name.startsWith("amq.")) {
            return Resolution.failed(AmqpError.UNAUTHORIZED_ACCESS, "cannot " + verb + " '" + address
                    + "': queue '" + name + "' does not exist, and names starting with 'amq.' are reserved");
        }
        return null;
    }

    /** Whether terminus capabilities mark the address as a JMS topic. */
    public static boolean isTopic(Symbol[] capabilities) {
        if (capabilities == null) {
            return false;
        }
        for (Symbol c : capabilities) {
            if (TOPIC.equals(c) || TEMPORARY_TOPIC.equals(c)) {
                return true;
            }
        }
        return false;
    }
}
