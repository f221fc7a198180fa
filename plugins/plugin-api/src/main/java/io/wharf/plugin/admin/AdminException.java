package io.wharf.plugin.admin;

/**
 * A {@link BrokerAdmin} operation refused: the message names the problem (the vhost, queue or field) and nothing
 * was changed. Futures fail with it too (possibly wrapped in a {@link java.util.concurrent.CompletionException}).
 */
public final class AdminException extends RuntimeException {

    /** Why; each maps to an HTTP status. */
    public enum Reason {
        BAD_REQUEST(400), FORBIDDEN(403), NOT_FOUND(404), CONFLICT(409), NOT_IMPLEMENTED(501), INTERNAL(500);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Reason reason;

    public AdminException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The AdminException behind {@code e} (unwrapping completion wrappers), or null. */
    public static AdminException of(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AdminException a) {
                return a;
            }
        }
        return null;
    }
}
