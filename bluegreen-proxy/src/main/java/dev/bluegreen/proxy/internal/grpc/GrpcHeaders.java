package dev.bluegreen.proxy.internal.grpc;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/**
 * The header fields of gRPC over HTTP/2 that the proxy reads or writes ("gRPC over HTTP2", the protocol's own
 * document): the content type that marks a call, and the status fields that end one. Stateless.
 */
public final class GrpcHeaders {

    /** The call's status code, 0-16, in the trailers (or in a "Trailers-Only" response's only HEADERS). */
    public static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    /** The status's message, percent-encoded UTF-8. */
    public static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
    /** The content type of every gRPC request and response, possibly with a suffix ({@code application/grpc+proto}). */
    public static final AsciiString APPLICATION_GRPC = AsciiString.cached("application/grpc");

    private GrpcHeaders() {
    }

    /** Whether a message with these headers is a gRPC call's: its content type is {@code application/grpc[+x][;…]}. */
    public static boolean isGrpc(HttpHeaders headers) {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null || !type.regionMatches(true, 0, APPLICATION_GRPC.toString(), 0, APPLICATION_GRPC.length())) {
            return false;
        }
        if (type.length() == APPLICATION_GRPC.length()) {
            return true;
        }
        char next = type.charAt(APPLICATION_GRPC.length());
        return next == '+' || next == ';';
    }

    /** Whether a response that ended with its head is gRPC's "Trailers-Only": a 200 that carries the call's status. */
    public static boolean isTrailersOnly(int httpStatus, HttpHeaders headers) {
        return httpStatus == 200 && headers.contains(GRPC_STATUS);
    }

    /**
     * The status code in {@code headers}, or {@code -1} if there is none. A value that is not a code (0-16) is
     * {@link GrpcStatus#UNKNOWN}, as the protocol says a client must take it.
     */
    public static int status(HttpHeaders headers) {
        String value = headers.get(GRPC_STATUS);
        if (value == null) {
            return -1;
        }
        return GrpcStatus.parse(value);
    }
}
