package io.wharf.plugin;

import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A message as interceptors see it: a read-only view over its encoded AMQP 1.0 bytes, decoded lazily (asking for
 * nothing costs nothing). Valid only during the interceptor call that received it: keep what you need, not the
 * view. Values are plain Java types: strings, numbers, booleans, {@code byte[]} for binary, {@code java.util.Date}
 * for timestamps; AMQP symbols and unsigned numbers arrive as proton-j's types' {@code toString} / {@code Number}.
 */
public interface InterceptedMessage {

    /** The encoded message (header to footer) as received or stored; a read-only buffer of its own. */
    ByteBuffer encoded();

    int sizeBytes();

    boolean durable();

    /** 0..255, 4 when the message has no priority. */
    int priority();

    /** {@code properties.message-id}, or null. */
    Object messageId();

    /** {@code properties.correlation-id}, or null. */
    Object correlationId();

    /** {@code properties.subject}, or null. */
    String subject();

    /** {@code properties.to}, or null. */
    String to();

    /** {@code properties.reply-to}, or null. */
    String replyTo();

    /** The application properties (empty when none). */
    Map<String, Object> applicationProperties();

    /** One application property, or null. */
    Object applicationProperty(String name);

    /** The message annotations, keys as strings (empty when none). */
    Map<String, Object> messageAnnotations();

    /** One message annotation, or null. */
    Object messageAnnotation(String key);
}
