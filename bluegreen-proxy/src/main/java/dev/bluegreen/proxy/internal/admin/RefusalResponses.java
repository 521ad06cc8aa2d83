package dev.bluegreen.proxy.internal.admin;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The answer of a check that refuses a request before the admin handler sees it: a short JSON error
 * ({@code {"error":"..."}}, as every admin error) and the end of the connection, since a refused client has nothing
 * more to say on it.
 */
final class RefusalResponses {

    private RefusalResponses() {
    }

    /** A refusal with {@code message} as its error, {@code Connection: close}; add headers, then {@link #send}. */
    static FullHttpResponse refusal(ChannelHandlerContext ctx, HttpResponseStatus status, String message) {
        return refusal(ctx.alloc(), status, message);
    }

    /** As {@link #refusal(ChannelHandlerContext, HttpResponseStatus, String)}, its body from {@code alloc}. */
    static FullHttpResponse refusal(ByteBufAllocator alloc, HttpResponseStatus status, String message) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(alloc, StatusDocument.error(message) + "\n"));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON + "; charset=utf-8")
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("X-Content-Type-Options", "nosniff")
                // As every admin answer: no page may frame it (see AdminHttpHandler.response).
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, StatusPage.DOCUMENT_POLICY)
                .set("X-Frame-Options", "DENY")
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        return response;
    }

    /** Writes the refusal, then closes the connection. */
    static void send(ChannelHandlerContext ctx, FullHttpResponse response) {
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}
