package dev.bluegreen.proxy.internal;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Why the proxy refuses a request, and the status that says so. Set as the failed {@code decoderResult()} of the
 * message it refuses, so that the connection handler answers it like any message the codec could not decode.
 */
final class RequestRejectedException extends RuntimeException {

    private final transient HttpResponseStatus status;

    RequestRejectedException(HttpResponseStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    HttpResponseStatus status() {
        return status;
    }
}
