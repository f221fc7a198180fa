package io.wharf.exchange;

/**
 * A topology change or lookup that cannot be done, with a reason the front end maps to its own terms (a management
 * status code, an {@code amqp:} error condition) and a message a person can act on.
 */
public final class TopologyException extends RuntimeException {

    /** Why; each maps to one management status code. */
    public enum Reason {
        /** 400: malformed name, unknown type, argument of the wrong type. */
        BAD_REQUEST(400),
        /** 403: reserved names ({@code amq.}), the default exchange. */
        ACCESS_REFUSED(403),
        /** 404: the queue or exchange named does not exist. */
        NOT_FOUND(404),
        /** 409: exists with different properties (a redeclare that is not equivalent). */
        PRECONDITION_FAILED(409),
        /** 500: the metadata store failed. */
        INTERNAL(500);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        /** The HTTP-style status code of the management API. */
        public int status() {
            return status;
        }
    }

    private final Reason reason;

    public TopologyException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public TopologyException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    static TopologyException badRequest(String message) {
        return new TopologyException(Reason.BAD_REQUEST, message);
    }

    static TopologyException notFound(String message) {
        return new TopologyException(Reason.NOT_FOUND, message);
    }

    static TopologyException accessRefused(String message) {
        return new TopologyException(Reason.ACCESS_REFUSED, message);
    }

    static TopologyException conflict(String message) {
        return new TopologyException(Reason.PRECONDITION_FAILED, message);
    }
}
