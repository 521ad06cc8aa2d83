package dev.bluegreen.testing;

import static io.netty.handler.codec.http.HttpVersion.HTTP_1_1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Writes the responses of a {@link TestBackend} connection for {@link BackendHandler}: it decides framing and
 * headers, the handler decides when. Each method that ends a response notifies {@code onDone} with the future of
 * its last write. Event loop only.
 */
final class BackendResponses {

    private final ChannelHandlerContext ctx;
    private final String name;

    BackendResponses(ChannelHandlerContext ctx, String name) {
        this.ctx = ctx;
        this.name = name;
    }

    /** {@code 100 Continue}, inviting the client to send the body (RFC 9110 section 10.1.1). */
    void interimContinue() {
        FullHttpResponse interim = new DefaultFullHttpResponse(HTTP_1_1, HttpResponseStatus.CONTINUE);
        interim.headers().set(TestBackend.X_BACKEND, name);
        ctx.writeAndFlush(interim).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /** A complete {@code text/plain} response; for HEAD, 204 and 304 without content. */
    void text(Exchange exchange, HttpResponseStatus status, String text, ChannelFutureListener onDone) {
        // RFC 9110 sections 15.3.5 and 15.4.5: 204 and 304 never have content.
        boolean bodiless = status.code() == 204 || status.code() == 304;
        ByteBuf content = bodiless || exchange.head ? Unpooled.EMPTY_BUFFER : ByteBufUtil.writeUtf8(ctx.alloc(), text);
        FullHttpResponse response = new DefaultFullHttpResponse(HTTP_1_1, status, content);
        HttpHeaders headers = response.headers();
        addCommonHeaders(exchange, headers);
        if (!bodiless) {
            headers.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=UTF-8");
            // For HEAD: the length the GET would have (RFC 9110 section 9.3.2).
            headers.setInt(HttpHeaderNames.CONTENT_LENGTH, ByteBufUtil.utf8Bytes(text));
        }
        ctx.writeAndFlush(response).addListener(onDone);
    }

    /**
     * Writes the head of a pattern download and returns the writer of its body, not started yet. Chunked falls
     * back to close-delimited for HTTP/1.0, which has no chunked coding (RFC 9112 section 7.1).
     */
    PatternBodyWriter download(Exchange exchange, ChannelFutureListener onDone) {
        Behaviour.Framing framing = exchange.behaviour.framing();
        if (framing == Behaviour.Framing.CHUNKED && !exchange.http11) {
            framing = Behaviour.Framing.CLOSE_DELIMITED;
        }
        if (framing == Behaviour.Framing.CLOSE_DELIMITED) {
            exchange.keepAlive = false;
        }
        HttpResponse head = new DefaultHttpResponse(HTTP_1_1, HttpResponseStatus.OK);
        addCommonHeaders(exchange, head.headers());
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        switch (framing) {
            case CONTENT_LENGTH -> HttpUtil.setContentLength(head, exchange.behaviour.bytes());
            case CHUNKED -> HttpUtil.setTransferEncodingChunked(head, true);
            case CLOSE_DELIMITED -> { }
        }
        ctx.write(head).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        return new PatternBodyWriter(ctx, exchange.head ? 0 : exchange.behaviour.bytes(), onDone);
    }

    /** The head of an echo response: chunked with trailers, or close-delimited for HTTP/1.0. */
    void echoHead(Exchange exchange) {
        HttpResponse head = new DefaultHttpResponse(HTTP_1_1, HttpResponseStatus.OK);
        if (exchange.http11) {
            HttpUtil.setTransferEncodingChunked(head, true);
            head.headers().set(HttpHeaderNames.TRAILER, TestBackend.X_RECEIVED_BYTES + ", " + TestBackend.X_RECEIVED_CRC32);
        } else {
            exchange.keepAlive = false;
        }
        addCommonHeaders(exchange, head.headers());
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
        ctx.writeAndFlush(head).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /** A piece of echoed body; takes ownership of {@code data}. */
    void echoContent(ByteBuf data) {
        ctx.writeAndFlush(new DefaultHttpContent(data)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }

    /** The end of an echo response, with the received-body trailers when chunked. */
    void echoEnd(Exchange exchange, ChannelFutureListener onDone) {
        LastHttpContent last = new DefaultLastHttpContent();
        if (exchange.http11) {
            last.trailingHeaders()
                    .set(TestBackend.X_RECEIVED_BYTES, Long.toString(exchange.bodyBytes))
                    .set(TestBackend.X_RECEIVED_CRC32, exchange.crc32Hex());
        }
        ctx.writeAndFlush(last).addListener(onDone);
    }

    /** {@code 400} and close, for a request the decoder rejected (RFC 9112 section 2.2). */
    void badRequestAndClose() {
        FullHttpResponse response = new DefaultFullHttpResponse(HTTP_1_1, HttpResponseStatus.BAD_REQUEST);
        response.headers().set(TestBackend.X_BACKEND, name)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }

    private void addCommonHeaders(Exchange exchange, HttpHeaders headers) {
        headers.set(TestBackend.X_BACKEND, name);
        if (exchange.requestComplete && exchange.hasBody) {
            headers.set(TestBackend.X_RECEIVED_BYTES, Long.toString(exchange.bodyBytes));
            headers.set(TestBackend.X_RECEIVED_CRC32, exchange.crc32Hex());
        }
        // RFC 9112 section 9.6: announce the close; an HTTP/1.0 client needs keep-alive confirmed.
        if (!exchange.keepAlive) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (!exchange.http11) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }
}
