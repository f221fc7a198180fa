package io.wharf.store.tx;

/**
 * One thing a committed transaction did to one queue, as the journal records it.
 *
 * @param kind   what happened
 * @param vhost  the queue's virtual host
 * @param queue  the queue's name
 * @param offset the record's offset in the queue's log ({@link Kind#ENQUEUED}, {@link Kind#ACKED}); 0 otherwise
 * @param id     the duplicate-detection id ({@link Kind#DUPLICATE_ID}); null otherwise
 */
public record JournalEntry(Kind kind, String vhost, String queue, long offset, String id) {

    public enum Kind {
        /** A prepared message of the transaction: it joins the queue. */
        ENQUEUED(1),
        /** A message the transaction consumed: it leaves the queue. */
        ACKED(2),
        /** A duplicate-detection id that enters the queue's window with the transaction's messages. */
        DUPLICATE_ID(3);

        final int code;

        Kind(int code) {
            this.code = code;
        }

        static Kind of(int code) {
            for (Kind kind : values()) {
                if (kind.code == code) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown journal entry kind " + code);
        }
    }

    public static JournalEntry enqueued(String vhost, String queue, long offset) {
        return new JournalEntry(Kind.ENQUEUED, vhost, queue, offset, null);
    }

    public static JournalEntry acked(String vhost, String queue, long offset) {
        return new JournalEntry(Kind.ACKED, vhost, queue, offset, null);
    }

    public static JournalEntry duplicateId(String vhost, String queue, String id) {
        return new JournalEntry(Kind.DUPLICATE_ID, vhost, queue, 0, id);
    }
}
