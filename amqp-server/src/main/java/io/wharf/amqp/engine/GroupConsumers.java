package io.wharf.amqp.engine;

import io.wharf.amqp.address.Address;
import io.wharf.exchange.PartitionedStreams;
import io.wharf.exchange.PartitionedStreams.PartitionedStream;
import io.wharf.store.stream.StreamOffset;
import java.util.Map;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.engine.Sender;

/**
 * Consumer attaches to a partitioned stream ({@code /queues/:stream} where {@code :stream} is one): the link becomes
 * a {@link GroupMember} of the group named by link property {@value #GROUP_PROPERTY} (a string), or of a private
 * group reading every partition when there is none. The source filter {@code rabbitmq:stream-offset-spec} says where
 * partitions without a stored group offset start. Event-loop confined.
 */
final class GroupConsumers {

    /** The link property naming a consumer's group. */
    static final String GROUP_PROPERTY = "wharf:consumer-group";
    private static final Symbol GROUP = Symbol.valueOf(GROUP_PROPERTY);
    private static final Symbol OFFSET_SPEC = Symbol.valueOf("rabbitmq:stream-offset-spec");

    private GroupConsumers() {
    }

    /** Whether a receiving link's source is a partitioned stream. */
    static boolean applies(AmqpConnectionHandler connection, Sender sender) {
        return target(connection, sender) != null;
    }

    /** The partitioned stream a receiving link's source names; null when it names none (or is dynamic). */
    private static PartitionedStream target(AmqpConnectionHandler connection, Sender sender) {
        if (!(sender.getRemoteSource() instanceof Source source) || source.getDynamic()
                || source.getAddress() == null) {
            return null;
        }
        Address address;
        try {
            address = Address.parse(source.getAddress());
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (address.kind() == Address.Kind.EXCHANGE) {
            return null;
        }
        return PartitionedStreams.find(connection.vhost().topology(), address.name());
    }

    /** Answers the attach with a member of the stream's group. */
    static ConsumerLink attach(AmqpConnectionHandler connection, Sender sender) {
        PartitionedStream stream = target(connection, sender);
        Source source = (Source) sender.getRemoteSource();
        StreamOffset spec = ConsumerLink.streamOffset(source.getFilter());
        String group = group(sender.getRemoteProperties());
        GroupMember member = connection.vhost().consumerGroups().member(stream, group,
                spec == null ? StreamOffset.NEXT : spec, connection.connectionId(), sender.getName());
        // ConsumerLink echoes the offset filter only for a stream queue; the member applies it, so keep it here.
        Source reply = ConsumerLink.copyOf(source);
        reply.setAddress(source.getAddress());
        ConsumerLink consumer = ConsumerLink.attach(connection, sender, reply, member, false, false);
        if (spec != null && source.getFilter() != null && source.getFilter().containsKey(OFFSET_SPEC)) {
            sender.setSource(reply);
        }
        return consumer;
    }

    private static String group(Map<Symbol, Object> properties) {
        Object value = properties == null ? null : properties.get(GROUP);
        return (value instanceof String || value instanceof Symbol) && !value.toString().isEmpty()
                ? value.toString() : null;
    }
}
