package io.wharf.store.log;

import java.io.IOException;

/**
 * A write to a log failed earlier; the log takes no more writes until it is reopened (after the operator fixed
 * the disk). The cause is the original failure.
 */
public final class LogReadOnlyException extends IOException {

    public LogReadOnlyException(String message, Throwable cause) {
        super(message, cause);
    }
}
