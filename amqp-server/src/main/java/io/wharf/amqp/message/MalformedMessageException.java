package io.wharf.amqp.message;

/**
 * The bytes of a message are not a well-formed AMQP 1.0 message: an unknown constructor, a size
 * that runs past the end, a section in the wrong place, a header field of the wrong type.
 *
 * <p>Unchecked on purpose. {@link MessageView} decodes lazily, so a malformed field can surface
 * from an accessor long after {@link MessageView#parse} succeeded (a filter reading a property, the
 * router reading {@code to}); a checked exception would sit on every getter and be wrapped by every
 * caller. It is still its own type so the connection edge can catch exactly this and answer with
 * {@code amqp:decode-error}, and tests can assert nothing else ever escapes the parser.
 *
 * <p>{@link #position()} is the offset, relative to the start of the message, where the problem
 * was found, so a log line can point at the byte.
 */
public final class MalformedMessageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int position;

    public MalformedMessageException(int position, String reason) {
        super(reason + " (at byte " + position + ")");
        this.position = position;
    }

    public MalformedMessageException(int position, String reason, Throwable cause) {
        super(reason + " (at byte " + position + ")", cause);
        this.position = position;
    }

    /** Offset from the start of the message where the problem was found. */
    public int position() {
        return position;
    }
}
