/**
 * AMQP 1.0 messages as the bytes they arrived in.
 *
 * <p>The broker never converts a message into another model: {@link io.wharf.amqp.message.MessageView}
 * locates the sections of an encoded message and decodes, on demand, only the fields the broker
 * acts on (header, properties, annotations). On delivery only the header is re-encoded
 * ({@link io.wharf.amqp.message.MessageView#withDeliveryState}); everything after it goes out as
 * the original bytes. This package knows the AMQP type system and message format, nothing about
 * links, queues or the store.
 */
package io.wharf.amqp.message;
