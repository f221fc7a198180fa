package io.wharf.plugin;

/**
 * A veto over what a user may do with a queue or an exchange, consulted in addition to the broker's own permissions
 * (a request goes ahead only when both allow it). Register with {@link PluginContext#addAuthorizationProvider}.
 *
 * <p>What is checked, as in RabbitMQ: {@link Access#CONFIGURE} to declare or delete a queue or exchange;
 * {@link Access#WRITE} to publish to an exchange (the default exchange {@code ""} for a queue address) and to bind to
 * a queue or exchange; {@link Access#READ} to consume from a queue and to bind from an exchange. Links are checked
 * when they attach; on the anonymous relay each message is checked against its own address.
 *
 * <p>Called inline on network threads, like {@link MessageInterceptor}s: <b>must not block</b>; answer from memory
 * (refresh it on a thread of your own). A provider that throws is logged and counted as allowing (it is a veto, and a
 * broken plugin must not lock everyone out); it counts towards the same failure limit as interceptors.
 */
@FunctionalInterface
public interface AuthorizationProvider {

    /** @return true to allow, false to refuse (the client gets {@code amqp:unauthorized-access}) */
    boolean allowed(Request request);

    /** What is asked for. */
    enum Access {
        CONFIGURE, WRITE, READ
    }

    /** What it is asked for. */
    enum Resource {
        QUEUE, EXCHANGE
    }

    /**
     * @param user   the connection's user ({@code anonymous} for SASL ANONYMOUS)
     * @param vhost  the virtual host of the resource
     * @param access what the user wants to do
     * @param kind   a queue or an exchange
     * @param name   the queue or exchange name ({@code ""}: the default exchange)
     */
    record Request(String user, String vhost, Access access, Resource kind, String name) {
    }
}
