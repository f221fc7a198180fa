package io.wharf.amqp.engine;

import io.wharf.amqp.address.AddressResolver.Resolution;
import io.wharf.amqp.address.PublishTarget;
import io.wharf.amqp.filter.TagFilter;
import io.wharf.amqp.message.DeliveryTime;
import io.wharf.amqp.message.InterceptedView;
import io.wharf.amqp.message.MalformedMessageException;
import io.wharf.amqp.message.MessageView;
import io.wharf.amqp.stats.MessageCounters;
import io.wharf.broker.plugin.InterceptorChain;
import io.wharf.exchange.RoutedQueues;
import io.wharf.plugin.PublishedMessage;
import io.wharf.plugin.Verdict;
import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.QueueFullException;
import io.wharf.store.queue.TagHash;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.UnsignedLong;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.messaging.Released;
import org.apache.qpid.proton.amqp.messaging.Target;
import org.apache.qpid.proton.amqp.transaction.Coordinator;
import org.apache.qpid.proton.amqp.transaction.TransactionErrors;
import org.apache.qpid.proton.amqp.transaction.TransactionalState;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.LinkError;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;

/**
 * A client's sending link (our receiver): reassembles multi-frame transfers, routes each message to its queues and
 * settles it once every one of them has stored it ({@code accepted} only after the store says so; {@code released}
 * when it reached no queue). Credit is topped up as stores complete,
 * so a producer never has more than {@code amqp.link-credit-window} messages outstanding on a link.
 * Event-loop confined.
 */
final class ProducerLink {

    /** How soon a producer held back by backpressure is looked at again. */
    private static final long CREDIT_RECHECK_MS = 50;
    private static final byte[] EMPTY = new byte[0];
    private static final Symbol DELAYED_DELIVERY = Symbol.valueOf("DELAYED_DELIVERY");
    /** A multi-transfer gathering buffer up to this size stays for the link's next large message. */
    private static final int REUSED_PARTIAL_MAX_BYTES = 256 * 1024;

    private final AmqpConnectionHandler connection;
    private final Receiver receiver;
    /** Where messages go; null on the anonymous relay, where each message's {@code to} decides. */
    private final PublishTarget target;
    private final int creditWindow;
    private final long maxMessageSizeBytes;
    /** Set for a dynamic (temporary) target queue: deleted when this link goes. */
    private final boolean ownsQueue;

    /** Messages taken on this link (management rates). */
    private final MessageCounters counters;

    private byte[] partial = EMPTY;
    private int partialLength;
    private int pendingStores;
    private boolean closed;
    private boolean recheckScheduled;

    private ProducerLink(AmqpConnectionHandler connection, Receiver receiver, PublishTarget target,
            boolean ownsQueue) {
        this.connection = connection;
        this.ownsQueue = ownsQueue;
        this.receiver = receiver;
        this.target = target;
        this.creditWindow = connection.context().amqp().linkCreditWindow();
        this.maxMessageSizeBytes = connection.context().amqp().maxMessageSizeBytes();
        this.counters = connection.context().counters().register();
    }

    MessageCounters counters() {
        return counters;
    }

    /** Answers a client's attach of a sending link; returns null when the link was refused. */
    static ProducerLink open(AmqpConnectionHandler connection, Receiver receiver) {
        org.apache.qpid.proton.amqp.transport.Target remoteTarget = receiver.getRemoteTarget();
        if (remoteTarget instanceof Coordinator) {
            CoordinatorLink.open(connection, receiver);
            return null;
        }
        String address = remoteTarget instanceof Target target ? target.getAddress() : null;
        PublishTarget publishTarget = null;
        boolean dynamic = remoteTarget instanceof Target target && target.getDynamic();
        if (dynamic) {
            // A temporary queue (how Qpid JMS creates a TemporaryQueue): lives as long as this link.
            MessageQueue queue = connection.vhost().queues().createTemporary();
            connection.ownTemporaryQueue(queue.name());
            address = "/queues/" + queue.name();
            remoteTarget = withAddress((Target) remoteTarget, address);
            publishTarget = PublishTarget.queue(address, queue);
        } else if (address != null) {
            Resolution resolution = connection.vhost().addresses().forPublish(address,
                    ((Target) remoteTarget).getCapabilities());
            if (!resolution.ok()) {
                AmqpConnectionHandler.refuse(receiver, resolution.errorCondition(), resolution.error());
                return null;
            }
            publishTarget = resolution.target();
        }
        String denied = publishTarget == null ? null : Interception.publishRefusal(connection, publishTarget);
        if (denied != null) {
            AmqpConnectionHandler.refuse(receiver, AmqpError.UNAUTHORIZED_ACCESS, denied);
            return null;
        }
        receiver.setTarget(remoteTarget);
        receiver.setSource(receiver.getRemoteSource());
        receiver.setSenderSettleMode(receiver.getRemoteSenderSettleMode());
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        receiver.setMaxMessageSize(UnsignedLong.valueOf(connection.context().amqp().maxMessageSizeBytes()));
        // Qpid JMS refuses setDeliveryDelay unless the link it sends on offers this.
        receiver.setOfferedCapabilities(new Symbol[] {DELAYED_DELIVERY});
        ProducerLink producer = new ProducerLink(connection, receiver, publishTarget, dynamic);
        receiver.setContext(producer);
        receiver.open();
        producer.topUpCredit();
        return producer;
    }

    private static Target withAddress(Target target, String address) {
        Target copy = new Target();
        copy.setAddress(address);
        copy.setDurable(target.getDurable());
        copy.setExpiryPolicy(target.getExpiryPolicy());
        copy.setTimeout(target.getTimeout());
        copy.setDynamic(true);
        copy.setDynamicNodeProperties(target.getDynamicNodeProperties());
        copy.setCapabilities(target.getCapabilities());
        return copy;
    }

    Receiver link() {
        return receiver;
    }

    void onTransfer(Delivery delivery) {
        if (closed) {
            return;
        }
        if (delivery.isAborted()) {
            partialLength = 0;
            delivery.settle();
            return;
        }
        int pending = delivery.pending();
        if ((long) partialLength + pending > maxMessageSizeBytes) {
            closeWithError(LinkError.MESSAGE_SIZE_EXCEEDED, "message larger than the maximum of "
                    + maxMessageSizeBytes + " bytes (amqp.max-message-size-bytes)");
            return;
        }
        byte[] bytes;
        if (partialLength == 0 && !delivery.isPartial()) {
            // The whole message came in one transfer (the common case): its size is known, so receive it into
            // an array of exactly that size, which the store then keeps. One copy, out of proton's buffer.
            bytes = new byte[pending];
            if (pending > 0) {
                receiver.recv(bytes, 0, pending);
            }
            receiver.advance();
        } else {
            // Several transfers: gather them, then hand over an exact-size copy.
            if (pending > 0) {
                if (partial.length < partialLength + pending) {
                    partial = Arrays.copyOf(partial, Math.max(partialLength + pending, partial.length * 2));
                }
                partialLength += receiver.recv(partial, partialLength, pending);
            }
            if (delivery.isPartial()) {
                return;
            }
            receiver.advance();
            bytes = partial.length == partialLength ? partial : Arrays.copyOf(partial, partialLength);
            // The gathering buffer is kept for the next large message unless it would pin much memory.
            if (bytes == partial || partial.length > REUSED_PARTIAL_MAX_BYTES) {
                partial = EMPTY;
            }
            partialLength = 0;
        }
        boolean presettled = delivery.remotelySettled();
        if (presettled) {
            delivery.settle();
        }
        publish(delivery, ByteBuffer.wrap(bytes), presettled);
    }

    private void publish(Delivery delivery, ByteBuffer message, boolean presettled) {
        TransactionalState transactional = TransactionCoordinator.transactional(delivery);
        Transaction txn = transactional == null ? null : connection.transactions().find(transactional.getTxnId());
        if (transactional != null && txn == null) {
            settleRejected(delivery, presettled, TransactionErrors.UNKNOWN_ID, "transaction "
                    + transactional.getTxnId() + " is not open on this connection");
            return;
        }
        MessageView view;
        try {
            view = MessageView.parse(message);
        } catch (MalformedMessageException e) {
            settleRejected(delivery, presettled, AmqpError.DECODE_ERROR, "malformed message: " + e.getMessage());
            return;
        }
        message = asFirstDelivery(view, message);
        PublishTarget to = target;
        if (to == null) {
            String denied = LinkPermissions.relay(connection, view);
            if (denied != null) {
                settleRejected(delivery, presettled, AmqpError.UNAUTHORIZED_ACCESS, denied);
                return;
            }
            Resolution resolution = connection.vhost().addresses().forMessage(view);
            if (!resolution.ok()) {
                settleRejected(delivery, presettled, resolution.errorCondition(), resolution.error());
                return;
            }
            to = resolution.target();
            String vetoed = Interception.publishRefusal(connection, to);
            if (vetoed != null) {
                settleRejected(delivery, presettled, AmqpError.UNAUTHORIZED_ACCESS, vetoed);
                return;
            }
        }
        InterceptorChain interceptors = Interception.interceptors(connection);
        InterceptedView intercepted = null;
        if (interceptors.active()) {
            intercepted = new InterceptedView(view);
            Verdict verdict = Interception.published(interceptors, connection, to, intercepted, presettled);
            if (verdict.rejected()) {
                settleRejected(delivery, presettled, Symbol.valueOf(verdict.condition()), verdict.description());
                return;
            }
        }
        RoutedQueues routed = new RoutedQueues();
        PublishTarget.Refusal refusal = to.route(view, routed);
        if (refusal != null) {
            settleRejected(delivery, presettled, refusal.condition(), refusal.description());
            return;
        }
        RoutedQueues queues = connection.noLocalQueues().isEmpty() ? routed
                : NoLocal.without(routed, connection.noLocalQueues());
        if (intercepted != null) {
            Interception.routed(interceptors, connection, to, queues, intercepted);
        }
        if (queues.isEmpty()) {
            // Unroutable: nothing took it, nothing was stored.
            // Routed only to no-local subscriptions of this connection: taken, as JMS expects.
            settleUnroutable(delivery, presettled, to.acceptsUnroutable() || !routed.isEmpty());
            return;
        }
        Backpressure backpressure = connection.context().backpressure();
        String refused = backpressure.refuseReason();
        if (refused != null) {
            settleRejected(delivery, presettled, AmqpError.RESOURCE_LIMIT_EXCEEDED, refused);
            return;
        }
        long deliveryTimeMs;
        try {
            deliveryTimeMs = DeliveryTime.of(view, System.currentTimeMillis());
        } catch (DeliveryTime.InvalidDelayException | MalformedMessageException e) {
            settleRejected(delivery, presettled, AmqpError.INVALID_FIELD, e.getMessage());
            return;
        }
        MessageHeader header = new MessageHeader(expiryTimeMs(view), deliveryTimeMs, view.priority(), tagHash(view),
                view.durable());
        int sizeBytes = message.remaining();
        String publishedTo = to.address();
        String publishedThrough = to.exchangeName();
        pendingStores++;
        backpressure.received(sizeBytes);
        connection.transactions().store(txn, view, queues.toList(), header, message)
                .whenComplete((ok, error) -> connection.runOnLoop(() -> {
            pendingStores--;
            backpressure.stored(sizeBytes);
            if (error == null) {
                connection.context().counters().published(counters, connection.counters(),
                        connection.vhost().name(), publishedThrough, queues);
            }
            if (error == null && connection.context().events().hasListeners()) {
                for (int i = 0; i < queues.size(); i++) {
                    connection.context().events().messagePublished(new PublishedMessage(
                            connection.connectionId(), publishedTo, queues.get(i).name(), sizeBytes, presettled));
                }
            }
            if (!presettled && !closed && receiver.getLocalState() == EndpointState.ACTIVE) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException ? error.getCause() : error;
                if (error == null) {
                    delivery.disposition(TransactionCoordinator.accepted(delivery));
                } else if (cause instanceof QueueFullException) {
                    delivery.disposition(TransactionCoordinator.outcome(delivery,
                            rejected(AmqpError.RESOURCE_LIMIT_EXCEEDED, cause.getMessage())));
                } else if (cause instanceof UnsupportedOperationException) {
                    // A queue that cannot take this kind of message (a stream, inside a transaction).
                    delivery.disposition(TransactionCoordinator.outcome(delivery,
                            rejected(AmqpError.NOT_IMPLEMENTED, cause.getMessage())));
                } else {
                    delivery.disposition(TransactionCoordinator.outcome(delivery,
                            rejected(AmqpError.INTERNAL_ERROR, "not stored: " + cause.getMessage())));
                }
                delivery.settle();
            }
            topUpCredit();
        }));
        topUpCredit();
    }

    /**
     * The message as stored, so that a first delivery can go out as stored: its header says delivery-count 0 and
     * first-acquirer true whatever the producer wrote there (a producer's header rarely sets first-acquirer, whose
     * default is false). Re-encodes only the header, in one copy, when it differs.
     */
    private static ByteBuffer asFirstDelivery(MessageView view, ByteBuffer message) {
        if (view.firstAcquirer() && view.deliveryCount() == 0) {
            return message;
        }
        ByteBuffer[] parts = view.withDeliveryState(0, true);
        ByteBuffer joined = ByteBuffer.allocate(parts[0].remaining() + parts[1].remaining());
        joined.put(parts[0]).put(parts[1]);
        return joined.flip();
    }

    /** The hash of the message's filter tag ({@code x-stream-filter-value}), kept in the queue index. */
    private static int tagHash(MessageView view) {
        String tag = TagFilter.tagOf(view);
        return tag == null ? TagHash.NONE : TagHash.of(tag);
    }

    private static long expiryTimeMs(MessageView view) {
        long absolute = view.absoluteExpiryTimeMs();
        long ttl = view.ttlMs();
        long fromTtl = ttl > 0 ? System.currentTimeMillis() + ttl : 0;
        if (absolute > 0 && fromTtl > 0) {
            return Math.min(absolute, fromTtl);
        }
        return Math.max(absolute, fromTtl);
    }

    private void settleRejected(Delivery delivery, boolean presettled, Symbol condition, String description) {
        if (!presettled) {
            delivery.disposition(TransactionCoordinator.outcome(delivery, rejected(condition, description)));
            delivery.settle();
        }
        topUpCredit();
    }

    private void settleUnroutable(Delivery delivery, boolean presettled, boolean accept) {
        if (!presettled) {
            delivery.disposition(TransactionCoordinator.outcome(delivery,
                    accept ? Accepted.getInstance() : Released.getInstance()));
            delivery.settle();
        }
        topUpCredit();
    }

    private static Rejected rejected(Symbol condition, String description) {
        Rejected rejected = new Rejected();
        rejected.setError(new ErrorCondition(condition, description));
        return rejected;
    }

    /**
     * Keeps credit + stores in flight near the window, topping up when half of it is used; grants nothing while
     * the broker is under pressure or the target queue is full, and looks again shortly.
     */
    private void topUpCredit() {
        if (closed || receiver.getLocalState() != EndpointState.ACTIVE) {
            return;
        }
        Backpressure backpressure = connection.context().backpressure();
        boolean diskLow = backpressure.refuseReason() != null;
        if (diskLow || backpressure.withholdCredit() || (target != null && target.queue() != null && target.queue().full())) {
            if (diskLow && receiver.getCredit() + pendingStores == 0) {
                // One credit at a time: each publish gets an explicit refusal instead of a silent wait.
                receiver.flow(1);
            }
            if (!recheckScheduled) {
                recheckScheduled = true;
                connection.schedule(() -> {
                    recheckScheduled = false;
                    topUpCredit();
                }, CREDIT_RECHECK_MS);
            }
            return;
        }
        int outstanding = receiver.getCredit() + pendingStores;
        if (outstanding <= creditWindow / 2) {
            receiver.flow(creditWindow - outstanding);
        }
    }

    private void closeWithError(Symbol condition, String description) {
        close();
        partial = EMPTY;
        partialLength = 0;
        receiver.setCondition(new ErrorCondition(condition, description));
        receiver.close();
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        connection.context().counters().release(counters);
        if (ownsQueue) {
            connection.vhost().queues().delete(target.queue().name());
        }
    }
}
