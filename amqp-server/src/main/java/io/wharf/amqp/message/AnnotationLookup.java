package io.wharf.amqp.message;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Finds one message annotation in an encoded message without building a {@link MessageView}: for a check made on
 * every stored message a consumer's filter looks at (the tag of {@code x-stream-filter-value}), where the view, the
 * decoded value and the string cost more than the check itself.
 *
 * <p>The answer is the one {@code MessageView.parse(message).messageAnnotation(key)} gives, in another form: the
 * message is walked and proven well-formed section by section exactly as {@link MessageView#parse} does (with the
 * same {@link AmqpTypeScanner} scan and the same section checks), and the key is looked up as
 * {@link MessageView#messageAnnotation} looks it up; where either of those would throw, this says
 * {@link #MALFORMED}. Allocates nothing (for a message in big-endian order, as every sliced or duplicated buffer is).
 */
public final class AnnotationLookup {

    /** The message has no such annotation (or no message-annotations section). */
    public static final int ABSENT = -1;
    /** The message is not well-formed: {@link MessageView#parse} or the lookup would throw. */
    public static final int MALFORMED = -2;

    private final String key;
    private final byte[] utf8;

    private AnnotationLookup(String key) {
        this.key = key;
        this.utf8 = MapSectionReader.utf8OrNull(key);
    }

    /** A lookup of message annotation {@code key} (a symbol key). */
    public static AnnotationLookup of(String key) {
        return new AnnotationLookup(key);
    }

    /**
     * Where the value of this message annotation starts (the position of its constructor in {@code message},
     * counted like {@code message.position()}), or {@link #ABSENT} or {@link #MALFORMED}. Looks at the bytes
     * between the message's position and limit and changes neither. The value itself is not checked beyond being a
     * well-formed AMQP value: what type it is remains the caller's question.
     */
    public int valuePosition(ByteBuffer message) {
        if (message.order() != ByteOrder.BIG_ENDIAN) {
            int found = valuePosition(message.slice());
            return found < 0 ? found : found + message.position();
        }
        int limit = message.limit();
        int pos = message.position();
        if (pos >= limit) {
            return MALFORMED; // empty message
        }
        try {
            MessageSection previous = null;
            int annotationsValue = -1;
            int annotationsEnd = -1;
            while (pos < limit) {
                if (message.get(pos) != AmqpTypeScanner.DESCRIBED) {
                    return MALFORMED;
                }
                int valuePos = AmqpTypeScanner.endOf(message, pos + 1, limit);
                MessageSection section = MessageSection.ofDescriptor(message, pos + 1);
                if (!inOrder(previous, section)) {
                    return MALFORMED;
                }
                int end = AmqpTypeScanner.endOf(message, pos, limit);
                section.checkValue(message, valuePos);
                if (section == MessageSection.MESSAGE_ANNOTATIONS) {
                    annotationsValue = valuePos;
                    annotationsEnd = end;
                }
                previous = section;
                pos = end;
            }
            if (annotationsValue < 0) {
                return ABSENT;
            }
            int found = MapSectionReader.valuePosition(message, annotationsValue, annotationsEnd,
                    MapSectionReader.Keys.ANNOTATION, key, utf8);
            return found < 0 ? ABSENT : found;
        } catch (RuntimeException malformed) {
            return MALFORMED;
        }
    }

    /** The order rule of {@link MessageView}: ranks rise; only data or only amqp-sequence sections repeat. */
    private static boolean inOrder(MessageSection previous, MessageSection section) {
        if (previous == null || section.rank() > previous.rank()) {
            return true;
        }
        return section == previous && (section == MessageSection.DATA || section == MessageSection.AMQP_SEQUENCE);
    }
}
