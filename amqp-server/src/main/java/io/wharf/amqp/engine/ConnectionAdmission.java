package io.wharf.amqp.engine;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.SslHandler;
import io.wharf.broker.security.Security;
import io.wharf.broker.security.TlsContexts;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.qpid.proton.amqp.transport.AmqpError;
import org.apache.qpid.proton.amqp.transport.ErrorCondition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who may open a connection, and how long they may take: vhost access (a user without any permission in the vhost
 * is refused with {@code amqp:unauthorized-access}, as RabbitMQ refuses it), the connection limits
 * ({@code amqp:resource-limit-exceeded}), the handshake deadline, and the TLS client certificate's name for SASL
 * EXTERNAL.
 */
final class ConnectionAdmission {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionAdmission.class);

    private ConnectionAdmission() {
    }

    /** Null when {@code user} may open a connection to {@code vhost} (and it is counted); else the refusal. */
    static ErrorCondition admit(EngineContext context, String user, String vhost) {
        Security security = context.security();
        if (!security.access().mayOpen(user, vhost)) {
            return new ErrorCondition(AmqpError.UNAUTHORIZED_ACCESS, "user '" + user
                    + "' has no permissions in vhost '" + vhost + "'");
        }
        String limit = security.connections().tryOpen(user, vhost);
        return limit == null ? null : new ErrorCondition(AmqpError.RESOURCE_LIMIT_EXCEEDED, limit);
    }

    /**
     * Closes the connection when it has not finished SASL and its open {@code limits.handshake-timeout-ms} after
     * the protocol header ({@code pending} says whether it still has not).
     */
    static void handshakeDeadline(ChannelHandlerContext ctx, EngineContext context, BooleanSupplier pending) {
        int timeoutMs = context.security().limits().handshakeTimeoutMs();
        ctx.executor().schedule(() -> {
            if (pending.getAsBoolean() && ctx.channel().isActive()) {
                LOG.info("Connection from {} did not finish its handshake (SASL and open) within {} ms "
                        + "(limits.handshake-timeout-ms); closing it", ctx.channel().remoteAddress(), timeoutMs);
                ctx.close();
            }
        }, timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** The CN of the connection's verified TLS client certificate; null without TLS or a certificate. */
    static String certificateName(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null || !tls.handshakeFuture().isSuccess()) {
            return null;
        }
        return TlsContexts.peerCommonName(tls.engine().getSession());
    }
}
