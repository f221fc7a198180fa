package io.wharf.amqp.filter;

/** A selector or SQL filter expression that does not parse; the message names the problem and where. */
public final class SelectorSyntaxException extends Exception {

    public SelectorSyntaxException(String message) {
        super(message);
    }
}
