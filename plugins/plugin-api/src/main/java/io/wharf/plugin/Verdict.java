package io.wharf.plugin;

import java.util.Objects;

/**
 * What {@link MessageInterceptor#onPublish} decides: let the message pass, or refuse it. A refused message is not
 * stored; the producer's transfer is settled {@code rejected} with the given error (nothing at all for a presettled
 * transfer, which has no outcome).
 */
public final class Verdict {

    /** Let the message go on (to the next interceptor, then routing). */
    public static final Verdict PASS = new Verdict(null, null);

    private final String condition;
    private final String description;

    private Verdict(String condition, String description) {
        this.condition = condition;
        this.description = description;
    }

    /**
     * Refuses the message.
     *
     * @param condition   an AMQP error condition, e.g. {@code amqp:unauthorized-access}, {@code amqp:precondition-failed}
     *                    or one of your own ({@code com.example:too-big})
     * @param description what a person reading the client's error needs to act on it
     */
    public static Verdict reject(String condition, String description) {
        return new Verdict(Objects.requireNonNull(condition, "condition"), Objects.requireNonNull(description,
                "description"));
    }

    public boolean rejected() {
        return condition != null;
    }

    /** The error condition of a rejection; null for {@link #PASS}. */
    public String condition() {
        return condition;
    }

    /** The description of a rejection; null for {@link #PASS}. */
    public String description() {
        return description;
    }

    @Override
    public String toString() {
        return condition == null ? "pass" : "reject(" + condition + ": " + description + ")";
    }
}
