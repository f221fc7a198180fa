package io.wharf.amqp.engine;

import io.wharf.store.queue.MessageHeader;
import io.wharf.store.queue.MessageQueue;
import io.wharf.store.queue.Outcome;
import io.wharf.store.queue.QueueConsumer;
import io.wharf.store.tx.JournalEntry;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.qpid.proton.amqp.Binary;

/**
 * One AMQP transaction (or the implicit one-message transaction of a publish that carries a duplicate-detection
 * id): its messages, stored in their queues as prepared records as they arrive; its consumer outcomes, held until
 * the discharge; its duplicate-detection ids, reserved. See io.wharf.store.tx for the commit protocol.
 *
 * <p>Built on its connection's event loop ({@link #prepare}, {@link #settled}, {@link #rollbackOnly} and the start
 * of {@link #commit} / {@link #rollback}); the rest of a commit runs on store threads and never touches proton-j.
 */
final class Transaction {

    /** Why a commit became a rollback; the discharge is answered with amqp:transaction:rollback. */
    static final class RolledBackException extends RuntimeException {
        RolledBackException(String message) {
            super(message);
        }
    }

    private record Prepared(MessageQueue queue, long offset) {
    }

    private record Settled(MessageQueue queue, QueueConsumer consumer, long messageId, Outcome outcome,
            Map<String, Object> annotations) {
    }

    /** A reserved duplicate-detection id. */
    record ReservedId(String queue, String id) {
    }

    private final TransactionSupport support;
    private final String vhost;
    /** The AMQP txn-id; null for an implicit transaction. */
    final Binary id;
    private final List<CompletableFuture<Prepared>> prepares = new ArrayList<>();
    private final List<Settled> settled = new ArrayList<>();
    private final List<ReservedId> ids = new ArrayList<>();
    private String rollbackOnly;
    private boolean discharged;

    Transaction(TransactionSupport support, String vhost, Binary id) {
        this.support = support;
        this.vhost = vhost;
        this.id = id;
    }

    /** Marks the transaction doomed: its commit will roll back with this reason (the first one given). */
    void rollbackOnly(String reason) {
        if (rollbackOnly == null) {
            rollbackOnly = reason;
        }
    }

    void reserved(List<ReservedId> reservedIds) {
        ids.addAll(reservedIds);
    }

    /** Stores the message, invisible, in each queue; completes when every queue has it on disk. */
    CompletableFuture<Void> prepare(List<MessageQueue> queues, MessageHeader header, ByteBuffer payload) {
        CompletableFuture<?>[] stores = new CompletableFuture<?>[queues.size()];
        for (int i = 0; i < stores.length; i++) {
            MessageQueue queue = queues.get(i);
            CompletableFuture<Prepared> prepared = queue.prepare(header, payload.duplicate())
                    .thenApply(offset -> new Prepared(queue, offset));
            prepares.add(prepared);
            stores[i] = prepared;
        }
        return CompletableFuture.allOf(stores);
    }

    /** A consumer's outcome for a message it holds, to be applied at commit. */
    void settled(MessageQueue queue, QueueConsumer consumer, long messageId, Outcome outcome,
            Map<String, Object> annotations) {
        settled.add(new Settled(queue, consumer, messageId, outcome, annotations));
    }

    /**
     * Commits: once every message is prepared, the commit record goes to the journal and is forced; then the
     * messages become visible and the outcomes are applied. The future completes when the commit record is on disk
     * (the transaction is then committed, crash or not), and fails with {@link RolledBackException} when the
     * transaction rolled back instead.
     */
    CompletableFuture<Void> commit() {
        discharged = true;
        if (rollbackOnly != null) {
            String reason = rollbackOnly;
            rollback();
            return CompletableFuture.failedFuture(new RolledBackException(reason));
        }
        List<CompletableFuture<Prepared>> myPrepares = List.copyOf(prepares);
        List<Settled> mySettled = List.copyOf(settled);
        List<ReservedId> myIds = List.copyOf(ids);
        return CompletableFuture.allOf(myPrepares.toArray(CompletableFuture[]::new))
                .handle((v, error) -> error)
                .thenCompose(error -> {
                    if (error != null) {
                        undo(myPrepares, mySettled, myIds);
                        return CompletableFuture.failedFuture(new RolledBackException(
                                "a message of the transaction could not be stored: " + cause(error).getMessage()));
                    }
                    List<Prepared> prepared = myPrepares.stream().map(CompletableFuture::join).toList();
                    List<JournalEntry> entries = new ArrayList<>();
                    for (Prepared p : prepared) {
                        entries.add(JournalEntry.enqueued(vhost, p.queue().name(), p.offset()));
                    }
                    for (Settled s : mySettled) {
                        if (s.outcome() == Outcome.ACCEPTED) {
                            entries.add(JournalEntry.acked(vhost, s.queue().name(), s.messageId()));
                        }
                    }
                    if (entries.isEmpty()) {
                        return apply(prepared, mySettled, myIds, 0);
                    }
                    for (ReservedId r : myIds) {
                        entries.add(JournalEntry.duplicateId(vhost, r.queue(), r.id()));
                    }
                    return support.journal().commit(entries).handle((txn, journalError) -> {
                        if (journalError != null) {
                            undo(myPrepares, mySettled, myIds);
                            throw new RolledBackException("the commit could not be recorded: "
                                    + cause(journalError).getMessage());
                        }
                        return txn;
                    }).thenCompose(txn -> apply(prepared, mySettled, myIds, txn));
                });
    }

    /** Rolls back: prepared messages dropped, outcomes undone (the messages go back), ids released. */
    void rollback() {
        discharged = true;
        undo(List.copyOf(prepares), List.copyOf(settled), List.copyOf(ids));
    }

    boolean discharged() {
        return discharged;
    }

    /** Makes the commit visible; completes when the messages are in their queues. */
    private CompletableFuture<Void> apply(List<Prepared> prepared, List<Settled> outcomes, List<ReservedId> reserved,
            long txn) {
        Map<MessageQueue, List<Long>> byQueue = new LinkedHashMap<>();
        for (Prepared p : prepared) {
            byQueue.computeIfAbsent(p.queue(), q -> new ArrayList<>()).add(p.offset());
        }
        Set<MessageQueue> touched = new LinkedHashSet<>(byQueue.keySet());
        List<CompletableFuture<Void>> visible = new ArrayList<>();
        byQueue.forEach((queue, offsets) -> visible.add(
                queue.commitPrepared(offsets.stream().mapToLong(Long::longValue).toArray())));
        for (Settled s : outcomes) {
            s.queue().settle(s.consumer(), s.messageId(), s.outcome(), s.annotations());
            touched.add(s.queue());
        }
        for (ReservedId r : reserved) {
            support.journal().dedup().stored(vhost, r.queue(), r.id());
        }
        if (txn != 0) {
            CompletableFuture.allOf(touched.stream().map(MessageQueue::sync).toArray(CompletableFuture[]::new))
                    .whenComplete((v, e) -> {
                        if (e == null) {
                            support.journal().confirm(txn);
                        }
                    });
        }
        return CompletableFuture.allOf(visible.toArray(CompletableFuture[]::new));
    }

    private void undo(List<CompletableFuture<Prepared>> prepared, List<Settled> outcomes, List<ReservedId> reserved) {
        for (CompletableFuture<Prepared> p : prepared) {
            p.thenAccept(done -> done.queue().abortPrepared(new long[] {done.offset()}));
        }
        for (Settled s : outcomes) {
            // A rolled-back consumption is a failed delivery (Artemis: the delivery count goes up), so Qpid JMS sees
            // JMSRedelivered; a release stays a release.
            Outcome back = s.outcome() == Outcome.RELEASED ? Outcome.RELEASED : Outcome.MODIFIED_FAILED;
            s.queue().settle(s.consumer(), s.messageId(), back, Map.of());
        }
        for (ReservedId r : reserved) {
            support.journal().dedup().release(vhost, r.queue(), r.id());
        }
    }

    private static Throwable cause(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }
}
