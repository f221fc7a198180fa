package io.wharf.broker.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.wharf.plugin.UserAdmin;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management HTTP listener ({@code http.*}): one small Netty server whose requests go to the routes plugins
 * added ({@link HttpRouteTable}). Netty only parses and writes; authentication and the routes run on a small
 * worker pool ({@code wharf-http}), so neither a slow password hash nor a route ever holds an event loop.
 *
 * <p>Made before the plugins start (they add routes), bound after ({@link #bind}); it does not bind when no plugin
 * added a route. With {@code http.tls} the same port speaks HTTPS only (no plain-HTTP redirect: one port, one
 * protocol).
 */
public final class HttpServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HttpServer.class);
    /** Largest request body (definitions imports are the big ones). */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final HttpRouteTable routes = new HttpRouteTable();
    private final ExecutorService workers = Executors.newFixedThreadPool(4, r -> {
        Thread t = new Thread(r, "wharf-http");
        t.setDaemon(true);
        return t;
    });
    private final BasicAuth auth;
    private final UserAdmin users;
    private EventLoopGroup loops;
    private Channel listener;

    /** @param users the broker's users: basic auth checks against them */
    public HttpServer(UserAdmin users) {
        this.auth = new BasicAuth(users, workers);
        this.users = new InvalidatingUsers(users, auth::invalidate);
    }

    public HttpRouteTable routes() {
        return routes;
    }

    /** The users as plugins get them: changes made through this view also drop cached HTTP logins. */
    public UserAdmin users() {
        return users;
    }

    /**
     * Starts listening unless no route was added; returns whether it did.
     *
     * @param tls null for plain HTTP; else the port serves HTTPS only (TLS first in each channel's pipeline)
     */
    public synchronized boolean bind(String host, int port, SslContext tls) throws InterruptedException {
        if (routes.isEmpty()) {
            LOG.info("No plugin serves HTTP routes; the management HTTP listener is not started");
            return false;
        }
        loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loops)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (tls != null) {
                            channel.pipeline().addLast("tls", tls.newHandler(channel.alloc()));
                        }
                        channel.pipeline()
                                .addLast("codec", new HttpServerCodec())
                                .addLast("keep-alive", new HttpServerKeepAliveHandler())
                                .addLast("aggregator", new HttpObjectAggregator(MAX_BODY_BYTES))
                                .addLast("routes", new HttpRequestHandler(routes, auth, workers));
                    }
                });
        listener = bootstrap.bind(host, port).sync().channel();
        return true;
    }

    /** The bound port, or -1 when not listening. */
    public synchronized int port() {
        return listener == null ? -1 : ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public synchronized void close() {
        if (listener != null) {
            listener.close().syncUninterruptibly();
            loops.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            listener = null;
        }
        workers.shutdownNow();
    }
}
