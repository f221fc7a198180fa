package io.wharf.amqp.engine;

import io.wharf.amqp.message.MessageView;
import io.wharf.exchange.RoutedQueues;
import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.Outcome;
import io.wharf.store.queue.QueueConsumer;
import io.wharf.store.tx.DedupWindows;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.transaction.TransactionalState;
import org.apache.qpid.proton.amqp.transport.DeliveryState;
import org.apache.qpid.proton.engine.Delivery;

/**
 * A connection's transactions: the ones declared on its coordinator links (several per session and per
 * connection), by txn-id, and the store step of every publish, which goes through a transaction when the message
 * is transactional or carries a duplicate-detection id. Event-loop confined.
 */
final class TransactionCoordinator {

    private final AmqpConnectionHandler connection;
    private final TransactionSupport support;
    private final Map<Binary, Transaction> open = new HashMap<>();
    private final Map<Transaction, CoordinatorLink> declaredOn = new HashMap<>();

    TransactionCoordinator(AmqpConnectionHandler connection) {
        this.connection = connection;
        this.support = connection.context().transactions();
    }

    /** A new transaction, declared on {@code link}; its txn-id is unique in the broker's lifetime. */
    Transaction declare(CoordinatorLink link) {
        long n = support.txnIds().incrementAndGet();
        byte[] id = new byte[8];
        for (int i = 7; i >= 0; i--) {
            id[i] = (byte) n;
            n >>>= 8;
        }
        Transaction txn = new Transaction(support, connection.vhost().name(), new Binary(id));
        open.put(txn.id, txn);
        declaredOn.put(txn, link);
        return txn;
    }

    /** The open transaction with that txn-id, or null. */
    Transaction find(Binary txnId) {
        return txnId == null ? null : open.get(txnId);
    }

    /** The transaction leaves the open set (it is being committed or rolled back). */
    void discharged(Transaction txn) {
        open.remove(txn.id);
        declaredOn.remove(txn);
    }

    /** A coordinator link went: its open transactions roll back (AMQP 1.0, 4.4.1). */
    void coordinatorClosed(CoordinatorLink link) {
        for (Transaction txn : new ArrayList<>(declaredOn.keySet())) {
            if (declaredOn.get(txn) == link) {
                discharged(txn);
                txn.rollback();
            }
        }
    }

    /** A session ended (its coordinator links with it): their open transactions roll back. */
    void sessionClosed(org.apache.qpid.proton.engine.Session session) {
        for (Transaction txn : new ArrayList<>(declaredOn.keySet())) {
            CoordinatorLink link = declaredOn.get(txn);
            if (link.session() == session) {
                link.close();
            }
        }
    }

    /** The connection went: every open transaction rolls back. */
    void connectionClosed() {
        for (Transaction txn : new ArrayList<>(open.values())) {
            discharged(txn);
            txn.rollback();
        }
    }

    /**
     * Stores a published message in {@code queues}: within {@code txn} when it is transactional; as an implicit
     * one-message transaction when it carries a duplicate-detection id for any of them (so that the id and the
     * message become durable together); else as a plain publish. A queue whose window already holds the id is
     * left out (a duplicate is accepted and dropped); inside a transaction a duplicate dooms the transaction.
     */
    CompletableFuture<Void> store(Transaction txn, MessageView view, List<MessageQueue> queues, MessageHeader header,
            ByteBuffer payload) {
        String vhost = connection.vhost().name();
        DedupWindows windows = support.journal().dedup();
        List<MessageQueue> targets = new ArrayList<>(queues.size());
        List<Transaction.ReservedId> reserved = new ArrayList<>();
        long now = System.currentTimeMillis();
        String artemisId = DuplicateIds.artemisId(view);
        for (MessageQueue queue : queues) {
            String id = DuplicateIds.idFor(artemisId, view, queue.definition());
            if (id != null) {
                if (!windows.reserve(vhost, queue.name(), id, DuplicateIds.limitsFor(queue.definition(),
                        support.defaultLimits()), now)) {
                    if (txn != null) {
                        txn.rollbackOnly("duplicate message: id " + id.substring(id.indexOf(':') + 1)
                                + " was already stored in queue '" + queue.name() + "'");
                    }
                    continue;
                }
                reserved.add(new Transaction.ReservedId(queue.name(), id));
            }
            targets.add(queue);
        }
        if (txn != null) {
            txn.reserved(reserved);
            return txn.prepare(targets, header, payload);
        }
        if (reserved.isEmpty()) {
            return plainStore(targets, header, payload);
        }
        Transaction implicit = new Transaction(support, vhost, null);
        implicit.reserved(reserved);
        return implicit.prepare(targets, header, payload).handle((v, e) -> e).thenCompose(error -> {
            if (error != null) {
                implicit.rollback();
                return CompletableFuture.failedFuture(error);
            }
            return implicit.commit();
        });
    }

    private static CompletableFuture<Void> plainStore(List<MessageQueue> queues, MessageHeader header,
            ByteBuffer payload) {
        RoutedQueues routed = new RoutedQueues();
        queues.forEach(routed::add);
        return Publication.storeAll(routed, header, payload);
    }

    /**
     * A consumer's disposition inside a transaction: held until the discharge. False when the transaction is not
     * open here (the caller then treats the disposition as a release).
     */
    boolean settled(TransactionalState state, MessageQueue queue, QueueConsumer consumer, long messageId,
            Outcome outcome, Map<String, Object> annotations) {
        Transaction txn = find(state.getTxnId());
        if (txn == null) {
            return false;
        }
        txn.settled(queue, consumer, messageId, outcome, annotations);
        return true;
    }

    /** The outcome to send for a delivery: wrapped in a transactional-state when the transfer was transactional. */
    static DeliveryState outcome(Delivery delivery, DeliveryState outcome) {
        if (delivery.getRemoteState() instanceof TransactionalState ts) {
            TransactionalState state = new TransactionalState();
            state.setTxnId(ts.getTxnId());
            state.setOutcome((org.apache.qpid.proton.amqp.messaging.Outcome) outcome);
            return state;
        }
        return outcome;
    }

    /** The transactional-state of a transfer, or null for a plain one. */
    static TransactionalState transactional(Delivery delivery) {
        return delivery.getRemoteState() instanceof TransactionalState ts ? ts : null;
    }

    static DeliveryState accepted(Delivery delivery) {
        return outcome(delivery, Accepted.getInstance());
    }
}
