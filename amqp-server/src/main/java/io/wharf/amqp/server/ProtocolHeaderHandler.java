package io.wharf.amqp.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.wharf.amqp.engine.AmqpConnectionHandler;
import io.wharf.amqp.engine.EngineContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks at the first 8 bytes of a connection before proton-j sees them. {@code AMQP 3 1 0 0} starts the SASL
 * layer; {@code AMQP 0 1 0 0} (no SASL) is allowed only while anonymous access is on. Anything else (an HTTP
 * request, random bytes, another AMQP version) gets the header we speak back, as the AMQP spec asks, and is
 * disconnected. Then this handler steps aside and the connection handler takes the same bytes.
 */
public final class ProtocolHeaderHandler extends ByteToMessageDecoder {

    private static final Logger LOG = LoggerFactory.getLogger(ProtocolHeaderHandler.class);
    private static final int HEADER_SIZE = 8;
    private static final byte SASL_PROTOCOL_ID = 3;
    private static final byte AMQP_PROTOCOL_ID = 0;
    private static final byte[] SASL_HEADER = {'A', 'M', 'Q', 'P', SASL_PROTOCOL_ID, 1, 0, 0};

    private final EngineContext context;
    private ScheduledFuture<?> headerDeadline;

    public ProtocolHeaderHandler(EngineContext context) {
        this.context = context;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // No proton-j transport watches the connection until the header is in: without a deadline here a peer
        // that connects and stays silent would hold its socket for good.
        // The header is the first step of the handshake, so limits.handshake-timeout-ms bounds it too.
        int idleTimeoutMs = context.amqp().idleTimeoutMs();
        int handshakeTimeoutMs = context.security().limits().handshakeTimeoutMs();
        int timeoutMs = idleTimeoutMs > 0 ? Math.min(idleTimeoutMs, handshakeTimeoutMs) : handshakeTimeoutMs;
        headerDeadline = ctx.executor().schedule(() -> {
            LOG.info("Connection from {} sent no protocol header within {} ms (amqp.idle-timeout-ms, "
                    + "limits.handshake-timeout-ms); closing", ctx.channel().remoteAddress(), timeoutMs);
            ctx.close();
        }, timeoutMs, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (headerDeadline != null) {
            headerDeadline.cancel(false);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < HEADER_SIZE) {
            return;
        }
        int at = in.readerIndex();
        boolean amqp = in.getByte(at) == 'A' && in.getByte(at + 1) == 'M' && in.getByte(at + 2) == 'Q'
                && in.getByte(at + 3) == 'P' && in.getByte(at + 5) == 1 && in.getByte(at + 6) == 0
                && in.getByte(at + 7) == 0;
        byte protocolId = in.getByte(at + 4);
        boolean sasl = amqp && protocolId == SASL_PROTOCOL_ID;
        boolean bare = amqp && protocolId == AMQP_PROTOCOL_ID && context.authenticator().anonymousEnabled();
        if (!sasl && !bare) {
            LOG.info("Connection from {} did not start with a supported AMQP header; answering with ours and "
                    + "closing", ctx.channel().remoteAddress());
            in.skipBytes(in.readableBytes());
            ctx.writeAndFlush(Unpooled.wrappedBuffer(SASL_HEADER)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        // Replacing this decoder hands the bytes it holds (header included) to the connection handler.
        ctx.pipeline().replace(this, "amqp", new AmqpConnectionHandler(context, sasl));
    }
}
