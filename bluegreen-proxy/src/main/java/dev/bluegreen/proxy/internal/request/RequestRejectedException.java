package dev.bluegreen.proxy.internal.request;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Why the proxy refuses a request, and the status that says so. Set as the failed {@code decoderResult()} of the
 * message it refuses, so that the connection handler answers it like any message the codec could not decode.
 */
public final class RequestRejectedException extends RuntimeException {

    private final transient HttpResponseStatus status;

    public RequestRejectedException(HttpResponseStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public HttpResponseStatus status() {
        return status;
    }
}
