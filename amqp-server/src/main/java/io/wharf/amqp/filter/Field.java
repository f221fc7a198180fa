package io.wharf.amqp.filter;

import java.util.Locale;

/**
 * A value an expression reads from a message: a header or properties field, an application property, or (JMS) a
 * header field under its JMS name.
 *
 * @param section where the value lives
 * @param name    the field's AMQP name ({@code message-id}, {@code priority}, ...), the application property's
 *                name, or the JMS header name for {@link Section#JMS}
 */
record Field(Section section, String name) {

    enum Section { HEADER, PROPERTIES, APPLICATION, JMS }

    static final java.util.Set<String> HEADER_FIELDS = java.util.Set.of("durable", "priority", "ttl",
            "first-acquirer", "delivery-count");
    static final java.util.Set<String> PROPERTY_FIELDS = java.util.Set.of("message-id", "user-id", "to", "subject",
            "reply-to", "correlation-id", "content-type", "content-encoding", "absolute-expiry-time",
            "creation-time", "group-id", "group-sequence", "reply-to-group-id");
    /** The JMS header names a selector may use (JMS 2.0, 3.8.1.1 and the JMSX properties Qpid JMS maps). */
    static final java.util.Set<String> JMS_FIELDS = java.util.Set.of("JMSDeliveryMode", "JMSPriority",
            "JMSMessageID", "JMSTimestamp", "JMSCorrelationID", "JMSType", "JMSExpiration", "JMSDestination",
            "JMSReplyTo", "JMSXUserID", "JMSXGroupID", "JMSXGroupSeq", "JMSXDeliveryCount");

    /**
     * The field a prefixed SQL name denotes ({@code h.}/{@code header.}, {@code p.}/{@code properties.},
     * {@code a.}/{@code application_properties.}); underscores in header and property names stand for hyphens.
     *
     * @throws IllegalArgumentException for an unknown header or properties field
     */
    static Field prefixed(String prefix, String name) {
        String lower = prefix.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "h", "header" -> known(Section.HEADER, name, HEADER_FIELDS);
            case "p", "properties" -> known(Section.PROPERTIES, name, PROPERTY_FIELDS);
            case "a", "application_properties" -> new Field(Section.APPLICATION, name);
            default -> throw new IllegalArgumentException("unknown field prefix '" + prefix + ".'");
        };
    }

    private static Field known(Section section, String name, java.util.Set<String> names) {
        String normal = name.toLowerCase(Locale.ROOT).replace('_', '-');
        if (!names.contains(normal)) {
            throw new IllegalArgumentException("unknown " + section.name().toLowerCase(Locale.ROOT) + " field '"
                    + name + "'");
        }
        return new Field(section, normal);
    }

    static boolean isPrefix(String word) {
        return switch (word.toLowerCase(Locale.ROOT)) {
            case "h", "header", "p", "properties", "a", "application_properties" -> true;
            default -> false;
        };
    }
}
