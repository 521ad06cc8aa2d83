package dev.bluegreen.proxy.internal.request;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Why the proxy refuses a request, and the status that says so. Set as the failed {@code decoderResult()} of the
 * message it refuses, so that the client side answers it like any message the codec could not decode.
 *
 * <p>A <em>malformed</em> request breaks the protocol's own rules (a bad target, a bad field, conflicting framing):
 * on HTTP/2 its stream is reset with {@code PROTOCOL_ERROR} (RFC 9113 §8.1.1); any other refusal (a limit, a host not
 * served here, an expectation not met) is answered with its status on both protocols.
 */
public final class RequestRejectedException extends RuntimeException {

    private final transient HttpResponseStatus status;
    private final boolean malformed;

    /** A refusal by policy (not a malformed request), answered with {@code status}. */
    public RequestRejectedException(HttpResponseStatus status, String message) {
        this(status, message, false);
    }

    public RequestRejectedException(HttpResponseStatus status, String message, boolean malformed) {
        super(message, null, false, false);
        this.status = status;
        this.malformed = malformed;
    }

    /** The status that answers the request. */
    public HttpResponseStatus status() {
        return status;
    }

    /** Whether the request breaks the protocol's rules, rather than the proxy's policy. */
    public boolean malformed() {
        return malformed;
    }
}
