package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.proxy.Timeouts;

/**
 * When an exchange last made progress each way, and which timeout, if any, that puts it past: the backend silent for
 * the response timeout while the proxy waits on it, or the client taking none of the response for the send timeout
 * while the proxy waits on the client (RFC 9113 §6.9: an HTTP/2 client that keeps its window shut holds the stream,
 * and the backend's stream behind it, for as long as it likes). One per exchange, read by the loop's periodic sweep;
 * only ever touched on the exchange's event loop.
 */
final class Progress {

    /** What an exchange is overdue for, if anything. */
    enum Overdue {
        NONE,
        /** The backend was silent for the response timeout, while the proxy was not holding it back. */
        BACKEND_SILENT,
        /** The client took none of the response for the send timeout. */
        CLIENT_STALLED
    }

    private long upstreamActivityNanos;
    /** Since when the proxy waits for the client to take writes; 0 while it does not. */
    private long clientStalledSinceNanos;

    /** Forgets the last request's progress. */
    void clear() {
        upstreamActivityNanos = 0;
        clientStalledSinceNanos = 0;
    }

    /** Bytes moved to or from the backend now. */
    void upstreamActive() {
        upstreamActivityNanos = System.nanoTime();
    }

    /** The client side took no more writes: the proxy stops reading the response until it does. */
    void clientStalled() {
        if (clientStalledSinceNanos == 0) {
            clientStalledSinceNanos = System.nanoTime();
        }
    }

    /**
     * The client side takes writes again.
     *
     * @return whether the proxy was waiting for it (and so must read the response again)
     */
    boolean clientResumed() {
        if (clientStalledSinceNanos == 0) {
            return false;
        }
        clientStalledSinceNanos = 0;
        // The backend's silence counts from now: the proxy was not asking it for anything meanwhile.
        upstreamActivityNanos = System.nanoTime();
        return true;
    }

    /** What the exchange is overdue for at {@code nowNanos}, by {@code timeouts}. */
    Overdue overdue(long nowNanos, Timeouts timeouts) {
        if (clientStalledSinceNanos != 0) {
            // Silence in both directions counts against the backend, but not while the proxy itself holds back reads
            // because the client is slow to take the response: that is the client's time, not the backend's.
            return nowNanos - clientStalledSinceNanos >= timeouts.send().toNanos() ? Overdue.CLIENT_STALLED
                    : Overdue.NONE;
        }
        return nowNanos - upstreamActivityNanos >= timeouts.response().toNanos() ? Overdue.BACKEND_SILENT
                : Overdue.NONE;
    }
}
