package io.wharf.amqp.engine;

import java.util.concurrent.CompletionException;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Accepted;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Rejected;
import org.apache.qpid.proton.amqp.transaction.Declare;
import org.apache.qpid.proton.amqp.transaction.Declared;
import org.apache.qpid.proton.amqp.transaction.Discharge;
import org.apache.qpid.proton.amqp.transaction.TransactionErrors;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.apache.qpid.proton.amqp.transport.ReceiverSettleMode;
import org.apache.qpid.proton.engine.Delivery;
import org.apache.qpid.proton.engine.EndpointState;
import org.apache.qpid.proton.engine.Receiver;
import org.apache.qpid.proton.message.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client's transaction controller link (our receiver; its target is a {@code coordinator}): each message holds
 * one {@code declare} (answered {@code declared{txn-id}}) or {@code discharge{txn-id, fail}} (answered
 * {@code accepted} once a commit is on disk or the rollback done; {@code rejected} with
 * {@code amqp:transaction:rollback} when a commit had to roll back, {@code amqp:transaction:unknown-id} for an
 * unknown id). Event-loop confined.
 */
final class CoordinatorLink {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorLink.class);
    private static final int CREDIT = 100;
    private static final Symbol LOCAL_TRANSACTIONS = Symbol.valueOf("amqp:local-transactions");
    private static final Symbol MULTI_TXNS_PER_SESSION = Symbol.valueOf("amqp:multi-txns-per-ssn");

    private final AmqpConnectionHandler connection;
    private final Receiver receiver;
    private byte[] partial = new byte[0];
    private boolean closed;

    private CoordinatorLink(AmqpConnectionHandler connection, Receiver receiver) {
        this.connection = connection;
        this.receiver = receiver;
    }

    static void open(AmqpConnectionHandler connection, Receiver receiver) {
        org.apache.qpid.proton.amqp.transaction.Coordinator remote =
                (org.apache.qpid.proton.amqp.transaction.Coordinator) receiver.getRemoteTarget();
        org.apache.qpid.proton.amqp.transaction.Coordinator target =
                new org.apache.qpid.proton.amqp.transaction.Coordinator();
        target.setCapabilities(LOCAL_TRANSACTIONS, MULTI_TXNS_PER_SESSION);
        receiver.setTarget(target);
        receiver.setSource(receiver.getRemoteSource());
        receiver.setSenderSettleMode(receiver.getRemoteSenderSettleMode());
        receiver.setReceiverSettleMode(ReceiverSettleMode.FIRST);
        CoordinatorLink link = new CoordinatorLink(connection, receiver);
        receiver.setContext(link);
        receiver.open();
        receiver.flow(CREDIT);
        LOG.debug("Connection {}: transaction coordinator attached (asked for {})", connection.connectionId(),
                remote.getCapabilities() == null ? "nothing" : java.util.Arrays.toString(remote.getCapabilities()));
    }

    void onTransfer(Delivery delivery) {
        if (closed) {
            return;
        }
        int pending = delivery.pending();
        int had = partial.length;
        partial = java.util.Arrays.copyOf(partial, had + Math.max(0, pending));
        if (pending > 0) {
            receiver.recv(partial, had, pending);
        }
        if (delivery.isPartial()) {
            return;
        }
        receiver.advance();
        byte[] bytes = partial;
        partial = new byte[0];
        if (receiver.getCredit() < CREDIT / 2) {
            receiver.flow(CREDIT - receiver.getCredit());
        }
        Object body;
        try {
            Message message = Message.Factory.create();
            message.decode(bytes, 0, bytes.length);
            body = message.getBody() instanceof AmqpValue value ? value.getValue() : null;
        } catch (RuntimeException e) {
            answer(delivery, rejected(AmqpError.DECODE_ERROR, "the coordinator message cannot be decoded: " + e));
            return;
        }
        TransactionCoordinator transactions = connection.transactions();
        if (body instanceof Declare declare) {
            if (declare.getGlobalId() != null) {
                answer(delivery, rejected(AmqpError.NOT_IMPLEMENTED, "distributed transactions (global-id) are not "
                        + "supported; declare a local transaction"));
                return;
            }
            Declared declared = new Declared();
            declared.setTxnId(transactions.declare(this).id);
            answer(delivery, declared);
        } else if (body instanceof Discharge discharge) {
            Transaction txn = transactions.find(discharge.getTxnId());
            if (txn == null) {
                answer(delivery, rejected(TransactionErrors.UNKNOWN_ID, "transaction " + discharge.getTxnId()
                        + " is not open on this connection"));
                return;
            }
            transactions.discharged(txn);
            if (Boolean.TRUE.equals(discharge.getFail())) {
                txn.rollback();
                answer(delivery, Accepted.getInstance());
                return;
            }
            txn.commit().whenComplete((v, error) -> connection.runOnLoop(() -> {
                if (error == null) {
                    answer(delivery, Accepted.getInstance());
                } else {
                    Throwable cause = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    LOG.debug("Connection {}: a commit rolled back: {}", connection.connectionId(), cause.getMessage());
                    answer(delivery, rejected(TransactionErrors.TRANSACTION_ROLLBACK, cause.getMessage()));
                }
            }));
        } else {
            answer(delivery, rejected(AmqpError.DECODE_ERROR, "a coordinator message holds an amqp-value with a "
                    + "declare or a discharge, not " + (body == null ? "nothing" : body.getClass().getSimpleName())));
        }
    }

    private void answer(Delivery delivery, org.apache.qpid.proton.amqp.transport.DeliveryState state) {
        if (closed || receiver.getLocalState() != EndpointState.ACTIVE) {
            return;
        }
        if (!delivery.remotelySettled()) {
            delivery.disposition(state);
        }
        delivery.settle();
    }

    private static Rejected rejected(Symbol condition, String description) {
        Rejected rejected = new Rejected();
        rejected.setError(new ErrorCondition(condition, description));
        return rejected;
    }

    org.apache.qpid.proton.engine.Session session() {
        return receiver.getSession();
    }

    void close() {
        if (!closed) {
            closed = true;
            connection.transactions().coordinatorClosed(this);
        }
    }
}
