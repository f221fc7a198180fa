/**
 * SASL for the AMQP listener: the mechanisms the broker offers and how it checks credentials.
 *
 * <p>Passwords never appear in configuration: users carry a salted {@link io.wharf.amqp.sasl.PasswordHash}.
 * Checking a password is deliberately slow, so it belongs on a worker thread, never on a connection's
 * event loop.
 */
package io.wharf.amqp.sasl;
