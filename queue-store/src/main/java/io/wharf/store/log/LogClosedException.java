package io.wharf.store.log;

import java.io.IOException;

/** The log, or the broker's log writer, is closed. */
public final class LogClosedException extends IOException {

    public LogClosedException(String message) {
        super(message);
    }
}
