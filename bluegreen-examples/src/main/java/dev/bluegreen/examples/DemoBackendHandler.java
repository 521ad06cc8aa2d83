package dev.bluegreen.examples;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers every aggregated request with {@code 200}, a plain-text body naming the backend and the header
 * {@code X-Backend}; while the backend is down, with {@code 503}. {@code GET /health} answers {@code 200 ok} or
 * {@code 503 down} for the proxy's health checks, and {@code POST /demo/up} and {@code POST /demo/down} bring the
 * backend up or down (a demo: they are not protected). Sits last in the pipeline:
 *
 * <pre>
 * HttpServerCodec → HttpServerKeepAliveHandler → HttpObjectAggregator → DemoBackendHandler
 * </pre>
 *
 * The keep-alive handler upstream sets {@code Connection} and closes after a response when the request asked for
 * it, which is why every response here has a {@code Content-Length}. The aggregator answers requests over its limit
 * with 413 itself and discards their bodies. {@link SimpleChannelInboundHandler} releases every request.
 */
@Sharable
final class DemoBackendHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger log = LoggerFactory.getLogger(DemoBackendHandler.class);

    private final String name;
    private final byte[] body;
    private final LongAdder served;
    private final AtomicBoolean up;

    DemoBackendHandler(String name, String body, LongAdder served, AtomicBoolean up) {
        this.name = name;
        this.body = body.getBytes(StandardCharsets.UTF_8);
        this.served = served;
        this.up = up;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            // The decoder can't find the next message boundary after a malformed head: answer and close.
            FullHttpResponse response = response(ctx, HttpResponseStatus.BAD_REQUEST,
                    "bad request\n".getBytes(StandardCharsets.UTF_8), true);
            HttpUtil.setKeepAlive(response, false);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        boolean head = HttpMethod.HEAD.equals(request.method());
        if (path.equals("/health")) {
            boolean healthy = up.get();
            reply(ctx, healthy ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    healthy ? "ok\n" : "down\n", !head);
            return;
        }
        if ((path.equals("/demo/up") || path.equals("/demo/down")) && HttpMethod.POST.equals(request.method())) {
            boolean nowUp = path.equals("/demo/up");
            if (up.getAndSet(nowUp) != nowUp) {
                log.info("demo backend {} is {}", name, nowUp ? "up" : "down");
            }
            reply(ctx, HttpResponseStatus.OK, name + " is " + (nowUp ? "up" : "down") + "\n", true);
            return;
        }
        if (!up.get()) {
            reply(ctx, HttpResponseStatus.SERVICE_UNAVAILABLE, name + " is down\n", !head);
            return;
        }
        served.increment();
        // A HEAD response has the headers of the GET response and no body (RFC 9110 section 9.3.2).
        ctx.writeAndFlush(response(ctx, HttpResponseStatus.OK, body, !head))
                .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    private void reply(ChannelHandlerContext ctx, HttpResponseStatus status, String text, boolean withBody) {
        ctx.writeAndFlush(response(ctx, status, text.getBytes(StandardCharsets.UTF_8), withBody))
                .addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    private FullHttpResponse response(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] text,
                                      boolean withBody) {
        ByteBuf content = withBody ? ctx.alloc().buffer(text.length).writeBytes(text) : ctx.alloc().buffer(0);
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN + "; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, text.length)
                .set("X-Backend", name);
        return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("demo backend {}: closing {} after an error", name, ctx.channel(), cause);
        ctx.close();
    }
}
