package io.wharf.amqp.engine;

import io.wharf.amqp.address.AddressResolver.Resolution;
import io.wharf.amqp.filter.SourceFilters;
import io.wharf.amqp.message.MalformedMessageException;
import io.wharf.amqp.message.MessageView;
import io.wharf.amqp.stats.MessageCounters;
import io.wharf.plugin.AuthorizationProvider.Access;
import io.wharf.plugin.AuthorizationProvider.Resource;
import io.wharf.store.queue.ConsumerOptions;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.Outcome;
import io.wharf.store.queue.QueueConsumer;
import io.wharf.store.queue.QueueDelivery;
import io.wharf.store.stream.StreamOffset;
import io.wharf.store.stream.StreamQueue;
import java.nio.ByteBuffer;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Modified;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.messaging.Source;
import org.apache.qpid.proton.amqp.transaction.TransactionalState;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.amqp.transport.SenderSettleMode;
import org.apache.qpid.proton.codec.ReadableBuffer;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Sender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's receiving link (our sender) on a queue. The link's credit is mirrored to the queue as grants;
 * messages come back from the queue thread and are sent on the loop. {@code requested} counts grants the queue
 * may still use, so a credit update asks only for the difference. Event-loop confined except
 * {@link #deliver} and {@link #drained}, which the queue calls and which only post to the loop.
 */
final class ConsumerLink implements QueueConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLink.class);
    private static final Symbol PRIORITY = Symbol.valueOf("rabbitmq:priority");
    private static final Symbol COPY = Symbol.valueOf("copy");
    private static final Symbol CONSUMER_NAME = Symbol.valueOf("wharf:consumer-name");
    private static final Symbol OFFSET_SPEC = Symbol.valueOf("rabbitmq:stream-offset-spec");

    private final AmqpConnectionHandler connection;
    private final Sender sender;
    private final MessageQueue queue;
    private final boolean presettled;
    /** Set for a dynamic (temporary) queue: deleted when this link goes. */
    private final boolean ownsQueue;
    /** Set when this link's no-local filter keeps the connection's own messages out of its subscription queue. */
    private boolean noLocal;

    /** Messages sent on this link, and those of its queue (management rates). */
    private final MessageCounters counters;
    private final MessageCounters queueCounters;

    private int requested;
    private boolean draining;
    private boolean closed;

    private ConsumerLink(AmqpConnectionHandler connection, Sender sender, MessageQueue queue, boolean presettled,
            boolean ownsQueue) {
        this.connection = connection;
        this.sender = sender;
        this.queue = queue;
        this.presettled = presettled;
        this.ownsQueue = ownsQueue;
        this.counters = connection.context().counters().register();
        this.queueCounters = connection.context().counters().queue(queue);
    }

    MessageCounters counters() {
        return counters;
    }

    /** Answers a client's attach of a receiving link; returns null when the link was refused. */
    static ConsumerLink open(AmqpConnectionHandler connection, Sender sender) {
        if (!(sender.getRemoteSource() instanceof Source source)) {
            AmqpConnectionHandler.refuse(sender, AmqpError.INVALID_FIELD, "a receiving link needs a source");
            return null;
        }
        MessageQueue queue;
        boolean dynamic = source.getDynamic();
        if (dynamic) {
            queue = connection.vhost().queues().createTemporary();
            connection.ownTemporaryQueue(queue.name());
            Source reply = copyOf(source);
            reply.setAddress("/queues/" + queue.name());
            source = reply;
        } else {
            String address = source.getAddress();
            if (address == null) {
                AmqpConnectionHandler.refuse(sender, AmqpError.INVALID_FIELD, "the source has no address");
                return null;
            }
            Resolution resolution = connection.vhost().addresses().forConsume(address);
            if (!resolution.ok()) {
                AmqpConnectionHandler.refuse(sender, resolution.errorCondition(), resolution.error());
                return null;
            }
            queue = resolution.queue();
            if (queue.definition().exclusive() && !connection.owns(queue.name())) {
                AmqpConnectionHandler.refuse(sender, AmqpError.RESOURCE_LOCKED, "queue '" + queue.name()
                        + "' is exclusive to the connection that declared it");
                return null;
            }
            String denied = Interception.refusal(connection, Access.READ, Resource.QUEUE, queue.name());
            if (denied != null) {
                AmqpConnectionHandler.refuse(sender, AmqpError.UNAUTHORIZED_ACCESS, denied);
                return null;
            }
        }
        // On a queue, distribution-mode copy is a browser (JMS QueueBrowser). Topic subscriptions also say copy
        // (the topic semantic), but they attach through attach() directly and consume their own queue.
        boolean browse = COPY.equals(source.getDistributionMode());
        return attach(connection, sender, source, queue, dynamic, browse);
    }

    /**
     * Answers a client's attach with a consumer of {@code queue} (resolved by the caller, e.g. a topic
     * subscription's queue), replying with {@code source}.
     *
     * @param ownsQueue whether the queue is deleted when this link goes
     * @param browse    see the messages without taking them (distribution-mode copy on a queue)
     */
    static ConsumerLink attach(AmqpConnectionHandler connection, Sender sender, Source source, MessageQueue queue,
            boolean ownsQueue, boolean browse) {
        return attach(connection, sender, source, queue, ownsQueue, browse, false);
    }

    /**
     * As above; {@code subscription} says the queue is this consumer's topic subscription, where a no-local filter
     * can be applied (the connection's own publications are not routed to it).
     */
    static ConsumerLink attach(AmqpConnectionHandler connection, Sender sender, Source source, MessageQueue queue,
            boolean ownsQueue, boolean browse, boolean subscription) {
        boolean presettled = sender.getRemoteSenderSettleMode() == SenderSettleMode.SETTLED;
        boolean stream = queue instanceof StreamQueue;
        StreamOffset offset = stream ? streamOffset(source.getFilter()) : null;
        SourceFilters filters = SourceFilters.read(source.getFilter());
        boolean noLocal = subscription && filters.noLocalKey() != null;
        ConsumerOptions options = new ConsumerOptions(priority(sender.getRemoteProperties()), browse,
                offset == null ? StreamOffset.NEXT : offset,
                stream ? consumerName(sender.getRemoteProperties()) : null)
                .withFilter(filters.isEmpty() ? null : filters);
        java.util.Set<Symbol> applied = new java.util.HashSet<>(filters.appliedKeys());
        if (offset != null) {
            applied.add(OFFSET_SPEC);
        }
        if (noLocal) {
            applied.add(filters.noLocalKey());
            connection.noLocalQueues().add(queue.name());
        }
        source = withEcho(source, applied);
        sender.setSource(source);
        sender.setTarget(sender.getRemoteTarget());
        sender.setSenderSettleMode(presettled ? SenderSettleMode.SETTLED : SenderSettleMode.UNSETTLED);
        sender.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        ConsumerLink consumer = new ConsumerLink(connection, sender, queue, presettled, ownsQueue);
        consumer.noLocal = noLocal;
        sender.setContext(consumer);
        sender.open();
        queue.addConsumer(consumer, options);
        Interception.consumer(connection, queue.name(), sender.getName(), true);
        return consumer;
    }

    /** The {@code wharf:consumer-name} link property (string or symbol); null when absent or empty. */
    private static String consumerName(Map<Symbol, Object> properties) {
        Object value = properties == null ? null : properties.get(CONSUMER_NAME);
        return (value instanceof String || value instanceof Symbol) && !value.toString().isEmpty()
                ? value.toString() : null;
    }

    /** The {@code rabbitmq:priority} link property (consumer priority); 0 when absent or not an integer. */
    private static int priority(Map<Symbol, Object> properties) {
        Object value = properties == null ? null : properties.get(PRIORITY);
        return value instanceof Number n ? n.intValue() : 0;
    }

    /**
     * The {@code rabbitmq:stream-offset-spec} filter (a described value whose descriptor is that symbol, or that
     * string as protonj2's {@code addFilter} sends it; a bare value is taken too): {@code first}/{@code last}/{@code next} or an interval such as {@code 10m} as string or
     * symbol, an integer offset, or an AMQP timestamp. Null when absent or not understood (then not applied).
     */
    static StreamOffset streamOffset(Map<Symbol, Object> filters) {
        Object value = filters == null ? null : filters.get(OFFSET_SPEC);
        if (value instanceof DescribedType described) {
            if (!OFFSET_SPEC.toString().equals(String.valueOf(described.getDescriptor()))) {
                return null;
            }
            value = described.getDescribed();
        }
        try {
            if (value instanceof String || value instanceof Symbol) {
                return StreamOffset.parse(value.toString(), System.currentTimeMillis());
            }
            if (value instanceof Date date) {
                return StreamOffset.timestamp(date.getTime());
            }
            if (value instanceof UnsignedLong n) {
                return StreamOffset.offset(n.longValue());
            }
            if (value instanceof Number n && !(value instanceof Float) && !(value instanceof Double)) {
                return StreamOffset.offset(n.longValue());
            }
        } catch (IllegalArgumentException e) {
            LOG.debug("Ignoring the stream offset filter {}: {}", value, e.getMessage());
        }
        return null;
    }

    /** The source to answer with: only the filters applied are echoed (WIRE.md, Filters). */
    private static Source withEcho(Source source, java.util.Set<Symbol> applied) {
        Map<Symbol, Object> filters = source.getFilter();
        if (filters == null || applied.containsAll(filters.keySet())) {
            return source;
        }
        Source reply = copyOf(source);
        reply.setAddress(source.getAddress());
        Map<Symbol, Object> kept = new LinkedHashMap<>(filters);
        kept.keySet().retainAll(applied);
        reply.setFilter(kept.isEmpty() ? null : kept);
        return reply;
    }

    static Source copyOf(Source source) {
        Source copy = new Source();
        copy.setDurable(source.getDurable());
        copy.setExpiryPolicy(source.getExpiryPolicy());
        copy.setTimeout(source.getTimeout());
        copy.setDynamic(source.getDynamic());
        copy.setDynamicNodeProperties(source.getDynamicNodeProperties());
        copy.setDistributionMode(source.getDistributionMode());
        copy.setFilter(source.getFilter());
        copy.setDefaultOutcome(source.getDefaultOutcome());
        copy.setOutcomes(source.getOutcomes());
        copy.setCapabilities(source.getCapabilities());
        return copy;
    }

    Sender link() {
        return sender;
    }

    // ---- called by the queue, on its thread ----

    @Override
    public void deliver(QueueDelivery delivery) {
        connection.runOnLoop(() -> send(delivery));
    }

    @Override
    public void drained(int unusedCredit) {
        connection.runOnLoop(() -> finishDrain(unusedCredit));
    }

    // ---- event loop ----

    /** The peer changed the link's credit or drain flag. */
    void onFlow() {
        if (closed) {
            return;
        }
        int want = sender.getCredit() - requested;
        if (want > 0) {
            requested += want;
            queue.addCredit(this, want);
        }
        if (sender.getDrain() && !draining) {
            draining = true;
            queue.drain(this);
        }
    }

    private void send(QueueDelivery delivery) {
        requested--;
        if (closed) {
            // The queue took the message back when this consumer was removed.
            return;
        }
        if (sender.getCredit() <= 0 || sender.getLocalState() != EndpointState.ACTIVE) {
            // The peer lowered its credit while this message was on its way.
            queue.settle(this, delivery.messageId(), Outcome.UNSENT);
            return;
        }
        Delivery out = sender.delivery(tag(delivery.messageId()));
        sender.sendNoCopy(ReadableBuffer.ByteBufferReader.wrap(encoded(delivery)));
        sender.advance();
        boolean redelivered = !delivery.firstAcquirer() || delivery.deliveryCount() > 0;
        counters.delivered(redelivered);
        queueCounters.delivered(redelivered);
        connection.counters().delivered(redelivered);
        if (presettled) {
            out.settle();
            queue.settle(this, delivery.messageId(), Outcome.ACCEPTED);
        }
        Interception.delivered(connection, queue.name(), sender.getName(), delivery, presettled);
    }

    /** The stored bytes, with a rewritten header when the delivery state differs from a first delivery. */
    private static ByteBuffer encoded(QueueDelivery delivery) {
        ByteBuffer payload = delivery.payload();
        if (delivery.deliveryCount() == 0 && delivery.firstAcquirer() && delivery.annotations().isEmpty()) {
            return payload;
        }
        try {
            ByteBuffer[] parts = MessageView.parse(payload).withDeliveryState(delivery.deliveryCount(),
                    delivery.firstAcquirer(), delivery.annotations());
            int size = 0;
            for (ByteBuffer part : parts) {
                size += part.remaining();
            }
            ByteBuffer joined = ByteBuffer.allocate(size);
            for (ByteBuffer part : parts) {
                joined.put(part.duplicate());
            }
            return joined.flip();
        } catch (MalformedMessageException e) {
            // Stored messages were validated on the way in; send what we have rather than lose it.
            LOG.warn("Stored message {} could not be re-read to update its header: {}", delivery.messageId(),
                    e.getMessage());
            return payload;
        }
    }

    private void finishDrain(int unusedCredit) {
        requested -= unusedCredit;
        draining = false;
        if (!closed && sender.getLocalState() == EndpointState.ACTIVE) {
            sender.drained();
        }
    }

    /** The peer updated a delivery's state (its outcome) or settled it. */
    void onDisposition(Delivery delivery) {
        DeliveryState state = delivery.getRemoteState();
        if (state instanceof TransactionalState transactional) {
            // Held by the transaction until its discharge; an unknown transaction counts as a release.
            DeliveryState inner = (DeliveryState) transactional.getOutcome();
            if (!connection.transactions().settled(transactional, queue, this, messageId(delivery.getTag()),
                    outcome(inner), annotations(inner))) {
                queue.settle(this, messageId(delivery.getTag()), Outcome.RELEASED);
            }
            delivery.settle();
            return;
        }
        if (!delivery.remotelySettled() && !(state instanceof org.apache.qpid.proton.amqp.messaging.Outcome)) {
            return;
        }
        Outcome outcome = outcome(state);
        if (outcome == Outcome.ACCEPTED) {
            counters.acked();
            queueCounters.acked();
            connection.counters().acked();
        }
        queue.settle(this, messageId(delivery.getTag()), outcome, annotations(state));
        delivery.settle();
        Interception.settled(connection, queue.name(), sender.getName(), messageId(delivery.getTag()), outcome);
    }

    /** The message annotations a {@code modified} outcome carries, keyed by string. */
    private static Map<String, Object> annotations(DeliveryState state) {
        if (!(state instanceof Modified modified) || modified.getMessageAnnotations() == null) {
            return Map.of();
        }
        Map<String, Object> annotations = new LinkedHashMap<>();
        Map<?, ?> raw = modified.getMessageAnnotations();
        for (Map.Entry<?, ?> e : raw.entrySet()) {
            annotations.put(String.valueOf(e.getKey()), e.getValue());
        }
        return annotations;
    }

    private static Outcome outcome(DeliveryState state) {
        if (state instanceof Accepted || state == null) {
            // Settled without an outcome: the client is done with it, as with accepted.
            return Outcome.ACCEPTED;
        }
        if (state instanceof Released) {
            return Outcome.RELEASED;
        }
        if (state instanceof Rejected) {
            return Outcome.REJECTED;
        }
        if (state instanceof Modified modified) {
            if (Boolean.TRUE.equals(modified.getUndeliverableHere())) {
                return Outcome.MODIFIED_UNDELIVERABLE;
            }
            return Boolean.TRUE.equals(modified.getDeliveryFailed()) ? Outcome.MODIFIED_FAILED : Outcome.RELEASED;
        }
        return Outcome.RELEASED;
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (noLocal) {
            connection.noLocalQueues().remove(queue.name());
        }
        connection.context().counters().release(counters);
        queue.removeConsumer(this);
        Interception.consumer(connection, queue.name(), sender.getName(), false);
        if (ownsQueue) {
            connection.vhost().queues().delete(queue.name());
        }
    }

    private static byte[] tag(long messageId) {
        byte[] tag = new byte[8];
        for (int i = 7; i >= 0; i--) {
            tag[i] = (byte) messageId;
            messageId >>>= 8;
        }
        return tag;
    }

    private static long messageId(byte[] tag) {
        long id = 0;
        for (byte b : tag) {
            id = id << 8 | (b & 0xff);
        }
        return id;
    }
}
