package dev.bluegreen.proxy.internal.http1;

import dev.bluegreen.proxy.internal.request.TrailerFields;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Trailer fields reach an HTTP/1.1 client only if it said it takes them, with {@code TE: trailers} (RFC 9110 §10.1.4):
 * a response's trailers (a gRPC backend's status, a checksum) go out in its last chunk to such a client, and are
 * dropped for any other, which may not expect them after the body. The codec sends trailers only with a chunked body.
 * Of the trailers a client takes, the fields that may not be trailers ({@link TrailerFields}) are dropped.
 *
 * <p>{@link Http1ClientConnection} tells it each request as the request's exchange starts, and passes each part of the
 * response through {@link #toClient}: the response written next is that request's, as the connection serves one
 * exchange at a time. (A handler in front of the queue of pipelined requests, as this was, saw a later request's
 * {@code TE} before the response to an earlier one had been written, and applied it to that response.)
 */
final class Http1Trailers {

    private boolean clientTakesTrailers;

    /** The head of the request whose response is written next. */
    void requestHead(HttpRequest request) {
        clientTakesTrailers = request.headers().containsValue(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS, true);
    }

    /**
     * {@code msg} as it goes to the client: a last piece of a body without its trailers, if the client did not ask;
     * else with only the trailer fields that {@link TrailerFields} lets pass.
     */
    HttpObject toClient(HttpObject msg) {
        if (!(msg instanceof LastHttpContent last) || last.trailingHeaders().isEmpty()) {
            return msg;
        }
        if (clientTakesTrailers) {
            TrailerFields.strip(last.trailingHeaders(), "a response to an HTTP/1.1 client");
        } else if (!(msg instanceof FullHttpMessage)) {
            // The same body bytes, passed on to the replacement: nothing to release, nothing copied.
            return new DefaultLastHttpContent(last.content());
        }
        return msg;
    }
}
