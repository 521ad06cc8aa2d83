package dev.bluegreen.proxy.internal.http1;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Trailer fields reach an HTTP/1.1 client only if it said it takes them, with {@code TE: trailers} (RFC 9110 §10.1.4):
 * a response's trailers (a gRPC backend's status, a checksum) go out in its last chunk to such a client, and are
 * dropped for any other, which may not expect them after the body. The codec sends trailers only with a chunked body.
 *
 * <pre>
 * client connection:  ... → http: Http1ServerCodec → trailers: Http1Trailers → validate: RequestValidator → ...
 * </pre>
 *
 * The client's {@code TE} is read from each request head as it passes; the response written after it is that
 * request's, as the connection serves one exchange at a time.
 */
public final class Http1Trailers extends ChannelDuplexHandler {

    private boolean clientTakesTrailers;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            clientTakesTrailers = request.headers().containsValue(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS,
                    true);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!clientTakesTrailers && msg instanceof LastHttpContent last && !(msg instanceof FullHttpMessage)
                && !last.trailingHeaders().isEmpty()) {
            // The same body bytes, passed on to the replacement: nothing to release, nothing copied.
            ctx.write(new DefaultLastHttpContent(last.content()), promise);
            return;
        }
        ctx.write(msg, promise);
    }
}
