package io.wharf.broker.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.wharf.plugin.UserAdmin;
import io.wharf.plugin.admin.AdminException;
import io.wharf.plugin.http.HttpRequest;
import io.wharf.plugin.http.HttpResponse;
import io.wharf.plugin.http.HttpRoutes;
import io.wharf.plugin.http.Json;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP connection: a complete request is copied out of Netty's buffers, checked (route, credentials) and handed
 * to its route on the worker pool; the answer is written back from there (Netty moves the write to the loop).
 */
final class HttpRequestHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(HttpRequestHandler.class);

    private final HttpRouteTable routes;
    private final BasicAuth auth;
    private final Executor workers;

    HttpRequestHandler(HttpRouteTable routes, BasicAuth auth, Executor workers) {
        this.routes = routes;
        this.auth = auth;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        boolean keepAlive = HttpUtil.isKeepAlive(msg);
        if (!msg.decoderResult().isSuccess()) {
            write(ctx, HttpResponse.error(400, "malformed HTTP request"), false);
            return;
        }
        String uri = msg.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        Map<String, String> query = new HashMap<>();
        new QueryStringDecoder(uri).parameters().forEach((name, values) -> query.put(name, values.get(0)));
        Map<String, String> headers = new HashMap<>();
        msg.headers().forEach(h -> headers.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
        byte[] body = ByteBufUtil.getBytes(msg.content());
        String method = msg.method().name();
        InetAddress remote = ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;

        HttpRouteTable.Route route = routes.find(path);
        if (route == null) {
            write(ctx, HttpResponse.error(404, "nothing is served at '" + path + "'"), keepAlive);
            return;
        }
        CompletableFuture<Optional<UserAdmin.User>> user = route.access() == HttpRoutes.Access.PUBLIC
                ? CompletableFuture.completedFuture(Optional.empty())
                : auth.authenticate(headers.get("authorization"), remote);
        user.thenComposeAsync(authenticated -> {
            if (route.access() == HttpRoutes.Access.AUTHENTICATED && authenticated.isEmpty()) {
                HttpResponse refused = HttpResponse.error(401, headers.containsKey("authorization")
                        ? "wrong user name or password" : "this resource needs HTTP basic authentication");
                if (!headers.containsKey("authorization")) {
                    refused = new HttpResponse(401, refused.contentType(), refused.body(),
                            Map.of("WWW-Authenticate", "Basic realm=\"Wharf\""));
                }
                return CompletableFuture.completedFuture(refused);
            }
            HttpRequest request = new HttpRequest(method, path, Map.copyOf(query), Map.copyOf(headers), body,
                    authenticated.orElse(null), remote);
            try {
                CompletableFuture<HttpResponse> response = route.handler().handle(request);
                return response != null ? response : CompletableFuture.completedFuture(HttpResponse.empty(204));
            } catch (Exception | LinkageError e) {
                return CompletableFuture.failedFuture(e);
            }
        }, workers).handle((response, error) -> error == null ? response : failure(method, path, error))
                .thenAccept(response -> write(ctx, response, keepAlive));
    }

    private static HttpResponse failure(String method, String path, Throwable error) {
        AdminException refused = AdminException.of(error);
        if (refused != null) {
            return HttpResponse.error(refused.reason().status(), refused.getMessage());
        }
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof Json.SyntaxException) {
                return HttpResponse.error(400, t.getMessage());
            }
        }
        LOG.error("HTTP {} {} failed", method, path, error);
        return HttpResponse.error(500, "internal error: " + error);
    }

    private static void write(ChannelHandlerContext ctx, HttpResponse response, boolean keepAlive) {
        FullHttpResponse out = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(response.body()));
        if (response.contentType() != null) {
            out.headers().set(HttpHeaderNames.CONTENT_TYPE, response.contentType());
        }
        out.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.body().length);
        out.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        response.headers().forEach((name, value) -> out.headers().set(name, value));
        HttpUtil.setKeepAlive(out, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(out);
        } else {
            ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("HTTP connection from {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

}
