package dev.bluegreen.proxy.internal.request;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/** The proxy's own answers: a status and a short plain-text body that says what went wrong. */
public final class ErrorResponses {

    private static final String RETRY_AFTER_SECONDS = "1";

    private ErrorResponses() {
    }

    /**
     * A complete response with a {@code text/plain} body of {@code message} plus a newline.
     *
     * @param close whether the response announces that the connection closes after it
     */
    public static FullHttpResponse of(ByteBufAllocator alloc, HttpResponseStatus status, String message, boolean close) {
        FullHttpResponse response = new ProxyAnswer(status, ByteBufUtil.writeUtf8(alloc, message + "\n"));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (close) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        if (status.code() == HttpResponseStatus.SERVICE_UNAVAILABLE.code()) {
            // RFC 9110 §10.2.3, §15.6.4: a 503 from the proxy is temporary (no backend now); say when to try again.
            response.headers().set(HttpHeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        }
        return response;
    }

    /** Whether {@code response} is one of the proxy's own answers, made by {@link #of}, rather than a backend's. */
    public static boolean isProxyAnswer(HttpResponse response) {
        return response instanceof ProxyAnswer;
    }

    /** The type that tells the proxy's own answers apart (shadow traffic does not compare them). */
    private static final class ProxyAnswer extends DefaultFullHttpResponse {

        ProxyAnswer(HttpResponseStatus status, ByteBuf content) {
            super(HttpVersion.HTTP_1_1, status, content);
        }
    }
}
