package dev.bluegreen.proxy.internal.metrics;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.DrainReport;
import dev.bluegreen.proxy.internal.grpc.GrpcCallSource;

/**
 * Where the data plane reports what metrics count: one call per exchange, one per drain. Called on event loops, so
 * an implementation must not lock, block or allocate per call. The default does nothing.
 */
public interface ProxyRecorder {

    /** Records nothing. */
    ProxyRecorder NONE = new ProxyRecorder() {
    };

    /** How a request's wait in the queue for a backend below its limit ended. */
    enum QueueOutcome {
        /** A backend of its pool took it. */
        SERVED,
        /** The queue timeout came first: it got 503. */
        TIMED_OUT,
        /** Its exchange ended while it waited: the client left, or a drain deadline or the proxy's stop came. */
        ABANDONED
    }

    /**
     * An exchange ended.
     *
     * @param colour        the colour it was pinned to
     * @param status        the status of its final response, or 0 if it was cut short (aborted by the proxy or the
     *                      backend; see {@link #exchangeAbandoned} for the client's doing)
     * @param fromProxy     whether the proxy answered itself (502, 503, 504) rather than the backend
     * @param durationNanos from its request head to its end
     * @param requestBytes  request body bytes relayed upstream
     * @param responseBytes response body bytes relayed to the client
     */
    default void exchangeEnded(Colour colour, int status, boolean fromProxy, long durationNanos, long requestBytes,
                               long responseBytes) {
    }

    /**
     * An exchange ended unanswered by its client's doing: the client closed its connection or reset its stream, took
     * none of the response for the send timeout, or sent a body that failed, before the end of the response. It tells
     * nothing about the colour's backends, and any client can do it at will. By default recorded as cut short, as
     * {@link #exchangeEnded} with status 0.
     *
     * @param colour          the colour it was pinned to
     * @param durationNanos   from its request head to its end
     * @param awaitingBackend whether the backend had the whole request and had not begun to answer when the client
     *                        went: then the backend took at least {@code durationNanos} (a client can't make a
     *                        backend slow, only leave early)
     * @param requestBytes    request body bytes relayed upstream
     * @param responseBytes   response body bytes relayed to the client
     */
    default void exchangeAbandoned(Colour colour, long durationNanos, boolean awaitingBackend, long requestBytes,
                                   long responseBytes) {
        exchangeEnded(colour, 0, false, durationNanos, requestBytes, responseBytes);
    }

    /** A drain ended. */
    default void drainEnded(DrainReport report) {
    }

    /**
     * The safety net sent a request that failed on {@code failedColour} before any of its bytes were sent (connect
     * refused, no healthy backend) to the other colour instead.
     *
     * @param failedColour the colour that could not take the request, the newly live one
     */
    default void safetyNetUsed(Colour failedColour) {
    }

    /**
     * A request whose connection failed before any byte of the response came was sent to another backend of its
     * pool ({@code withinBudget}), or was not because the loop's retry budget was spent (it got its 502).
     *
     * @param colour the colour of the pool
     */
    default void upstreamRetried(Colour colour, boolean withinBudget) {
    }

    /**
     * The proxy refused a request before any exchange began (a malformed or over-limit request, a client over the
     * connection limit): answered with {@code status} and closed; nothing reached a backend.
     *
     * @param status the status the proxy answered, such as 400, 408, 413, 414, 421, 431 or 503
     */
    default void requestRejected(int status) {
    }

    /**
     * A gRPC call ended.
     *
     * @param colour the colour of the exchange that served it
     * @param status its gRPC status code as the client sees it, 0-16
     * @param source who decided it
     */
    default void grpcCallEnded(Colour colour, int status, GrpcCallSource source) {
    }

    /**
     * A request's wait in the queue for a backend below its limit ended.
     *
     * @param colour      the colour of the pool it waited for
     * @param waitedNanos how long it waited
     */
    default void queueWaitEnded(Colour colour, QueueOutcome outcome, long waitedNanos) {
    }

    /** Both {@code first} and {@code second}, in that order. */
    static ProxyRecorder both(ProxyRecorder first, ProxyRecorder second) {
        if (first == NONE) {
            return second;
        }
        return new ProxyRecorder() {
            @Override
            public void exchangeEnded(Colour colour, int status, boolean fromProxy, long durationNanos,
                                      long requestBytes, long responseBytes) {
                first.exchangeEnded(colour, status, fromProxy, durationNanos, requestBytes, responseBytes);
                second.exchangeEnded(colour, status, fromProxy, durationNanos, requestBytes, responseBytes);
            }

            @Override
            public void exchangeAbandoned(Colour colour, long durationNanos, boolean awaitingBackend,
                                          long requestBytes, long responseBytes) {
                first.exchangeAbandoned(colour, durationNanos, awaitingBackend, requestBytes, responseBytes);
                second.exchangeAbandoned(colour, durationNanos, awaitingBackend, requestBytes, responseBytes);
            }

            @Override
            public void drainEnded(DrainReport report) {
                first.drainEnded(report);
                second.drainEnded(report);
            }

            @Override
            public void safetyNetUsed(Colour failedColour) {
                first.safetyNetUsed(failedColour);
                second.safetyNetUsed(failedColour);
            }

            @Override
            public void upstreamRetried(Colour colour, boolean withinBudget) {
                first.upstreamRetried(colour, withinBudget);
                second.upstreamRetried(colour, withinBudget);
            }

            @Override
            public void requestRejected(int status) {
                first.requestRejected(status);
                second.requestRejected(status);
            }

            @Override
            public void grpcCallEnded(Colour colour, int status, GrpcCallSource source) {
                first.grpcCallEnded(colour, status, source);
                second.grpcCallEnded(colour, status, source);
            }

            @Override
            public void queueWaitEnded(Colour colour, QueueOutcome outcome, long waitedNanos) {
                first.queueWaitEnded(colour, outcome, waitedNanos);
                second.queueWaitEnded(colour, outcome, waitedNanos);
            }
        };
    }
}
