package io.wharf.amqp.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.wharf.amqp.engine.AmqpConnectionHandler;
import io.wharf.amqp.engine.EngineContext;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AMQP listener: a Netty server whose pipeline is header check, then one proton-j connection handler.
 *
 * <p>On Linux it runs on Netty's native epoll transport when the native library loads (fewer copies and system
 * calls per read and write than the JDK selector), and on NIO everywhere else; the handlers see no difference.
 */
public final class AmqpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AmqpServer.class);
    private static final long SHUTDOWN_GRACE_MS = 5_000;

    private static final boolean EPOLL = Epoll.isAvailable();

    private final EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, ioHandlerFactory());
    private final EventLoopGroup loops;
    private final ChannelGroup connections = new DefaultChannelGroup("amqp-connections", GlobalEventExecutor.INSTANCE);
    private final Channel listener;
    /** The AMQPS listener; null without TLS. */
    private final Channel tlsListener;

    private AmqpServer(EngineContext context, String host, int port, int loopThreads, int tlsPort,
            SslContext tls) throws InterruptedException {
        loops = new MultiThreadIoEventLoopGroup(loopThreads, ioHandlerFactory());
        listener = bootstrap(context, null).bind(host, port).sync().channel();
        tlsListener = tls == null ? null : bootstrap(context, tls).bind(host, tlsPort).sync().channel();
        LOG.debug("AMQP transport: {}", transportName());
    }

    /** The pipeline: TLS (AMQPS only), the protocol header check, then the connection handler. */
    private ServerBootstrap bootstrap(EngineContext context, SslContext tls) {
        Class<? extends ServerChannel> channelType = EPOLL ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        return new ServerBootstrap()
                .group(acceptor, loops)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        if (tls != null) {
                            SslHandler ssl = tls.newHandler(channel.alloc());
                            ssl.setHandshakeTimeoutMillis(context.security().limits().handshakeTimeoutMs());
                            channel.pipeline().addLast("tls", ssl);
                        }
                        channel.pipeline().addLast("header", new ProtocolHeaderHandler(context));
                    }
                });
    }

    /** {@code epoll} or {@code nio}: the Netty transport this JVM runs connections on. */
    public static String transportName() {
        return EPOLL ? "epoll" : "nio";
    }

    private static IoHandlerFactory ioHandlerFactory() {
        return EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /** Binds and starts accepting. {@code port} 0 picks a free port ({@link #port()}). */
    public static AmqpServer start(EngineContext context, String host, int port) throws InterruptedException {
        return start(context, host, port, -1, null);
    }

    /**
     * Binds and starts accepting AMQP on {@code port} and, when {@code tls} is not null, AMQPS on {@code tlsPort}
     * (0 picks a free port, {@link #tlsPort()}): the same pipeline behind Netty's {@link SslHandler}.
     */
    public static AmqpServer start(EngineContext context, String host, int port, int tlsPort, SslContext tls)
            throws InterruptedException {
        int loopThreads = Math.max(1, Runtime.getRuntime().availableProcessors());
        return new AmqpServer(context, host, port, loopThreads, tlsPort, tls);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    /** The bound AMQPS port, or -1 without TLS. */
    public int tlsPort() {
        return tlsListener == null ? -1 : ((InetSocketAddress) tlsListener.localAddress()).getPort();
    }

    /**
     * Stops accepting, closes every connection with a close frame (amqp:connection:forced), waits for them to go
     * (bounded), then stops the event loops.
     */
    @Override
    public void close() {
        listener.close().syncUninterruptibly();
        if (tlsListener != null) {
            tlsListener.close().syncUninterruptibly();
        }
        for (Channel channel : connections) {
            AmqpConnectionHandler handler = channel.pipeline().get(AmqpConnectionHandler.class);
            if (handler != null) {
                handler.closeForShutdown();
            } else {
                channel.close();
            }
        }
        if (!connections.newCloseFuture().awaitUninterruptibly(SHUTDOWN_GRACE_MS)) {
            LOG.warn("Some connections did not close within {} ms; closing them hard", SHUTDOWN_GRACE_MS);
            connections.close().awaitUninterruptibly(1_000);
        }
        loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
