package io.wharf.amqp.message;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A message as the bytes it arrived in (AMQP 1.0 part 3, 3.2), with its sections located and the
 * few fields the broker acts on decoded on demand.
 *
 * <p>{@link #parse} copies nothing: it keeps a read-only slice of the caller's buffer, walks the
 * top-level sections once with {@link AmqpTypeScanner} (which also proves every section
 * well-formed and nested at most {@link AmqpTypeScanner#MAX_DEPTH} deep) and records where each one
 * starts and ends, allocating nothing but this object and its slice. Accessors decode only the section they need,
 * the first time they are called, and keep the result. A field of the wrong type surfaces there, as
 * a {@link MalformedMessageException}, not at parse.
 *
 * <pre>
 * [header] [delivery-annotations] [message-annotations] [properties] [application-properties]
 *  [data+ | amqp-sequence+ | amqp-value] [footer]
 *  each: 00 descriptor value      descriptor: 53 nn | 80 00000000000000nn | a3/b3 "amqp:...:..."
 *                                 nn: 0x70 header .. 0x78 footer (see MessageSection)
 * bare message = properties .. body, the part the sender made immutable
 * </pre>
 *
 * <p>Not thread-safe: the lazy caches are plain fields. A view is confined to one thread at a time
 * and handed between threads only across a happens-before edge (a future, a queue).
 */
public final class MessageView {

    private static final int ABSENT = -1;

    /** The message alone: index 0 is its first byte, limit its end. Read-only, big-endian. */
    private final ByteBuffer buffer;

    private int headerStart = ABSENT;
    private int headerEnd;
    private int deliveryAnnotationsStart = ABSENT;
    private int deliveryAnnotationsEnd;
    private int messageAnnotationsStart = ABSENT;
    private int messageAnnotationsEnd;
    private int propertiesStart = ABSENT;
    private int propertiesEnd;
    private int applicationPropertiesStart = ABSENT;
    private int applicationPropertiesEnd;
    /** From the first body section to the end of the last (data and amqp-sequence may repeat). */
    private int bodyStart = ABSENT;
    private int bodyEnd;
    private int footerStart = ABSENT;
    private int footerEnd;
    private MessageSection bodyType;

    private boolean headerDecoded;
    private boolean durable;
    private int priority = HeaderRewriter.DEFAULT_PRIORITY;
    private long ttlMs = ABSENT;
    private boolean firstAcquirer;
    private long deliveryCount;

    private MessageProperties properties;
    private Map<String, Object> messageAnnotations;
    private Map<String, Object> applicationProperties;

    private MessageView(ByteBuffer buffer) {
        this.buffer = buffer;
        int limit = buffer.limit();
        if (limit == 0) {
            throw new MalformedMessageException(0, "empty message");
        }
        MessageSection previous = null;
        int pos = 0;
        while (pos < limit) {
            if (buffer.get(pos) != AmqpTypeScanner.DESCRIBED) {
                throw new MalformedMessageException(pos, String.format(
                        "expected a section (described type), found constructor 0x%02x", buffer.get(pos)));
            }
            int valuePos = AmqpTypeScanner.endOf(buffer, pos + 1, limit);
            MessageSection section = MessageSection.ofDescriptor(buffer, pos + 1);
            checkOrder(previous, section, pos);
            int end = AmqpTypeScanner.endOf(buffer, pos, limit);
            section.checkValue(buffer, valuePos);
            record(section, pos, end);
            previous = section;
            pos = end;
        }
    }

    /**
     * Locates the sections of the message between {@code message}'s position and limit. The view
     * shares the bytes (nothing is copied) and leaves the caller's position and limit alone; the
     * caller must not change those bytes while the view is in use.
     *
     * @throws MalformedMessageException empty, not a sequence of known sections in order, or any
     *     section not well-formed
     */
    public static MessageView parse(ByteBuffer message) {
        return new MessageView(message.slice().asReadOnlyBuffer());
    }

    /** Sections come in rank order; only data or only amqp-sequence sections may repeat. */
    private static void checkOrder(MessageSection previous, MessageSection section, int pos) {
        if (previous == null || section.rank() > previous.rank()) {
            return;
        }
        String problem = section.rank() < previous.rank() ? "out of order"
                : section != previous ? "mixed with another body type"
                : section == MessageSection.DATA || section == MessageSection.AMQP_SEQUENCE ? null
                : "repeated";
        if (problem != null) {
            throw new MalformedMessageException(pos, section + " section after " + previous + ": " + problem);
        }
    }

    private void record(MessageSection section, int start, int end) {
        switch (section) {
            case HEADER -> { headerStart = start; headerEnd = end; }
            case DELIVERY_ANNOTATIONS -> { deliveryAnnotationsStart = start; deliveryAnnotationsEnd = end; }
            case MESSAGE_ANNOTATIONS -> { messageAnnotationsStart = start; messageAnnotationsEnd = end; }
            case PROPERTIES -> { propertiesStart = start; propertiesEnd = end; }
            case APPLICATION_PROPERTIES -> { applicationPropertiesStart = start; applicationPropertiesEnd = end; }
            case FOOTER -> { footerStart = start; footerEnd = end; }
            default -> {
                if (bodyStart == ABSENT) {
                    bodyStart = start;
                    bodyType = section;
                }
                bodyEnd = end;
            }
        }
    }

    // ---- layout ----------------------------------------------------------------------------

    /** Size of the whole encoded message. */
    public int sizeBytes() {
        return buffer.limit();
    }

    /** The whole message, read-only, sharing the bytes. */
    public ByteBuffer encoded() {
        return buffer.duplicate();
    }

    public boolean has(MessageSection section) {
        return start(section) != ABSENT;
    }

    /**
     * The bytes of one section (read-only, shared), or null when absent. For DATA or
     * AMQP_SEQUENCE this is every consecutive body section of that type.
     */
    public ByteBuffer section(MessageSection section) {
        int start = start(section);
        return start == ABSENT ? null : buffer.slice(start, end(section) - start);
    }

    /** DATA, AMQP_SEQUENCE or AMQP_VALUE; null for a message without a body. */
    public MessageSection bodyType() {
        return bodyType;
    }

    /** The body section(s) as sent, or null. */
    public ByteBuffer body() {
        return bodyType == null ? null : section(bodyType);
    }

    /**
     * The bare message (part 3, 3.2): properties, application-properties and body, the part a
     * sender may sign and intermediaries must not change. It starts after header, delivery- and
     * message-annotations and stops before the footer (the footer is an annotation on the bare
     * message, not part of it; read it with {@code section(FOOTER)}).
     */
    public ByteBuffer bareMessage() {
        int start = Math.max(headerEnd(), Math.max(
                deliveryAnnotationsStart == ABSENT ? 0 : deliveryAnnotationsEnd,
                messageAnnotationsStart == ABSENT ? 0 : messageAnnotationsEnd));
        int end = footerStart == ABSENT ? buffer.limit() : footerStart;
        return buffer.slice(start, end - start);
    }

    /** Everything after the header (all of the message when it has none), shared, read-only. */
    public ByteBuffer afterHeader() {
        int start = headerEnd();
        return buffer.slice(start, buffer.limit() - start);
    }

    private int headerEnd() {
        return headerStart == ABSENT ? 0 : headerEnd;
    }

    private int start(MessageSection section) {
        return switch (section) {
            case HEADER -> headerStart;
            case DELIVERY_ANNOTATIONS -> deliveryAnnotationsStart;
            case MESSAGE_ANNOTATIONS -> messageAnnotationsStart;
            case PROPERTIES -> propertiesStart;
            case APPLICATION_PROPERTIES -> applicationPropertiesStart;
            case FOOTER -> footerStart;
            default -> section == bodyType ? bodyStart : ABSENT;
        };
    }

    private int end(MessageSection section) {
        return switch (section) {
            case HEADER -> headerEnd;
            case DELIVERY_ANNOTATIONS -> deliveryAnnotationsEnd;
            case MESSAGE_ANNOTATIONS -> messageAnnotationsEnd;
            case PROPERTIES -> propertiesEnd;
            case APPLICATION_PROPERTIES -> applicationPropertiesEnd;
            case FOOTER -> footerEnd;
            default -> bodyEnd;
        };
    }

    /** Where the value of the section starting at start begins (past 00 and the descriptor). */
    private int valuePos(int start) {
        return AmqpTypeScanner.endOf(buffer, start + 1);
    }

    // ---- header (3.2.1) --------------------------------------------------------------------

    public boolean durable() {
        decodeHeader();
        return durable;
    }

    /** 0..255; 4 when not given. */
    public int priority() {
        decodeHeader();
        return priority;
    }

    /** Time to live in milliseconds; 0 means none. */
    public long ttlMs() {
        decodeHeader();
        return Math.max(ttlMs, 0);
    }

    public boolean firstAcquirer() {
        decodeHeader();
        return firstAcquirer;
    }

    /** Failed earlier deliveries (a uint, 0..2^32-1). */
    public long deliveryCount() {
        decodeHeader();
        return deliveryCount;
    }

    /**
     * The header is a list of up to five fields (durable, priority, ttl, first-acquirer,
     * delivery-count); missing trailing fields and nulls take their defaults, extra fields are
     * ignored. Decoded by hand into primitives: it is read for every message and small.
     */
    private void decodeHeader() {
        if (headerDecoded || headerStart == ABSENT) {
            return;
        }
        int list = valuePos(headerStart);
        int count = Math.min(PrimitiveReader.count(buffer, list), 5);
        int p = PrimitiveReader.firstElement(buffer, list);
        for (int i = 0; i < count; i++) {
            switch (i) {
                case 0 -> durable = PrimitiveReader.bool(buffer, p, false, "header.durable");
                case 1 -> priority = PrimitiveReader.ubyte(buffer, p, HeaderRewriter.DEFAULT_PRIORITY, "header.priority");
                case 2 -> ttlMs = PrimitiveReader.uint(buffer, p, ABSENT, "header.ttl");
                case 3 -> firstAcquirer = PrimitiveReader.bool(buffer, p, false, "header.first-acquirer");
                default -> deliveryCount = PrimitiveReader.uint(buffer, p, 0, "header.delivery-count");
            }
            p = AmqpTypeScanner.endOf(buffer, p, headerEnd);
        }
        headerDecoded = true;
    }

    // ---- properties (3.2.4) ----------------------------------------------------------------

    /** All thirteen properties; {@link MessageProperties#NONE} without a properties section. */
    public MessageProperties properties() {
        if (properties == null) {
            properties = propertiesStart == ABSENT ? MessageProperties.NONE
                    : MessageProperties.decode(buffer, valuePos(propertiesStart), propertiesEnd);
        }
        return properties;
    }

    /** The address the message is for (the anonymous relay routes on it), or null. */
    public String to() {
        return properties().to();
    }

    /** String, UUID, Long (ulong) or byte[] (binary), or null. */
    public Object messageId() {
        return properties().messageId();
    }

    public String subject() {
        return properties().subject();
    }

    public String replyTo() {
        return properties().replyTo();
    }

    /** Epoch milliseconds after which the message is expired; 0 when not given. */
    public long absoluteExpiryTimeMs() {
        return properties().absoluteExpiryTimeMs();
    }

    // ---- annotations and application properties (3.2.3, 3.2.5) -----------------------------

    /** Message annotations by key (symbol keys as text, ulong keys in decimal); empty when absent. */
    public Map<String, Object> messageAnnotations() {
        if (messageAnnotations == null) {
            messageAnnotations = readAll(messageAnnotationsStart, messageAnnotationsEnd, MapSectionReader.Keys.ANNOTATION);
        }
        return messageAnnotations;
    }

    /** One message annotation, decoding only its value; null when absent. */
    public Object messageAnnotation(String key) {
        if (messageAnnotations != null) {
            return messageAnnotations.get(key);
        }
        return find(messageAnnotationsStart, messageAnnotationsEnd, MapSectionReader.Keys.ANNOTATION, key);
    }

    /** Application properties by name; empty when absent. */
    public Map<String, Object> applicationProperties() {
        if (applicationProperties == null) {
            applicationProperties = readAll(applicationPropertiesStart, applicationPropertiesEnd, MapSectionReader.Keys.STRING);
        }
        return applicationProperties;
    }

    /** One application property, decoding only its value; null when absent. */
    public Object applicationProperty(String name) {
        if (applicationProperties != null) {
            return applicationProperties.get(name);
        }
        return find(applicationPropertiesStart, applicationPropertiesEnd, MapSectionReader.Keys.STRING, name);
    }

    private Map<String, Object> readAll(int start, int end, MapSectionReader.Keys keys) {
        return start == ABSENT ? Map.of() : MapSectionReader.readAll(buffer, valuePos(start), end, keys);
    }

    private Object find(int start, int end, MapSectionReader.Keys keys, String key) {
        return start == ABSENT ? null : MapSectionReader.find(buffer, valuePos(start), end, keys, key);
    }

    // ---- delivery --------------------------------------------------------------------------

    /**
     * The message as it goes to a consumer: a new header (durable, priority and ttl as received,
     * the given delivery-count and first-acquirer) followed by the original bytes after the
     * original header, shared, not copied. Delivery annotations, if any, are passed on unchanged.
     *
     * @param deliveryCount 0..2^32-1
     */
    public ByteBuffer[] withDeliveryState(long deliveryCount, boolean firstAcquirer) {
        ByteBuffer header = ByteBuffer.allocate(HeaderRewriter.MAX_HEADER_BYTES);
        writeHeader(header, deliveryCount, firstAcquirer);
        return new ByteBuffer[] {header.flip(), afterHeader()};
    }

    /**
     * As {@link #withDeliveryState} but writes the header into dst (at its position, advancing
     * it), for a caller with a pooled buffer; follow it with {@link #afterHeader()}.
     *
     * @return bytes written, at most 20
     */
    public int writeHeader(ByteBuffer dst, long deliveryCount, boolean firstAcquirer) {
        decodeHeader();
        return HeaderRewriter.write(dst, durable, priority, ttlMs, firstAcquirer, deliveryCount);
    }

    /**
     * The message to send with a new delivery state and extra message annotations merged over its own (a key
     * given here replaces the message's). Buffers in order: header, delivery annotations (as they were), the
     * re-encoded message annotations, then the bare message and footer as they were (shared, not copied).
     */
    public ByteBuffer[] withDeliveryState(long deliveryCount, boolean firstAcquirer, Map<String, Object> extra) {
        if (extra.isEmpty()) {
            return withDeliveryState(deliveryCount, firstAcquirer);
        }
        ByteBuffer header = ByteBuffer.allocate(HeaderRewriter.MAX_HEADER_BYTES);
        writeHeader(header, deliveryCount, firstAcquirer);
        Map<String, Object> merged = new java.util.LinkedHashMap<>(messageAnnotations());
        merged.putAll(extra);
        ByteBuffer annotations = AnnotationsEncoder.encode(merged);
        ByteBuffer deliveryAnnotations = deliveryAnnotationsStart == ABSENT ? ByteBuffer.allocate(0)
                : buffer.slice(deliveryAnnotationsStart, deliveryAnnotationsEnd - deliveryAnnotationsStart);
        int restStart = Math.max(headerEnd(), Math.max(
                deliveryAnnotationsStart == ABSENT ? 0 : deliveryAnnotationsEnd,
                messageAnnotationsStart == ABSENT ? 0 : messageAnnotationsEnd));
        ByteBuffer rest = buffer.slice(restStart, buffer.limit() - restStart);
        return new ByteBuffer[] {header.flip(), deliveryAnnotations, annotations, rest};
    }

    @Override
    public String toString() {
        return "MessageView[" + sizeBytes() + " bytes, header=" + has(MessageSection.HEADER)
                + ", body=" + bodyType + "]";
    }
}
