package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import dev.bluegreen.proxy.internal.request.ClientAddress;
import dev.bluegreen.proxy.internal.request.RequestHead;

/**
 * What the metrics and the access log record of an exchange's request: when it began, its final status, whether the
 * proxy answered it rather than a backend, and the body bytes each way. Kept with its exchange and begun again for
 * each request.
 */
final class ExchangeTally {

    private long startNanos;
    private int status;
    private boolean answeredByProxy;
    /** The client went away (closed, reset its stream, stopped reading or sent a broken body) before the end. */
    private boolean clientGone;
    /** It went away while the backend had the whole request and had not begun to answer. */
    private boolean goneAwaitingBackend;
    private long requestBodyBytes;
    private long responseBodyBytes;
    private ClientAddress client;
    private RequestHead head;

    /**
     * Begins the tally of a new request, whose head arrived at {@code nowNanos}: everything else back to zero.
     *
     * @param from   the client's address, for the access log
     * @param header the request's head, for the access log
     */
    void begin(long nowNanos, ClientAddress from, RequestHead header) {
        startNanos = nowNanos;
        client = from;
        head = header;
        status = 0;
        answeredByProxy = false;
        clientGone = false;
        goneAwaitingBackend = false;
        requestBodyBytes = 0;
        responseBodyBytes = 0;
    }

    long startNanos() {
        return startNanos;
    }

    void requestBody(int bytes) {
        requestBodyBytes += bytes;
    }

    void responseBody(int bytes) {
        responseBodyBytes += bytes;
    }

    /** The response's status: a backend's, or the proxy's own if {@code byProxy}. */
    void status(int code, boolean byProxy) {
        status = code;
        answeredByProxy = byProxy;
    }

    /** The response was cut short: no status is recorded for it. */
    void cutShort() {
        status = 0;
    }

    /**
     * The client's doing ended the exchange, if it ends unanswered: it went away or stopped reading before the end of
     * the response, or its body failed. Counted as cut short, but not held against the colour by the automatic
     * rollback's watch (see {@link ProxyRecorder#exchangeAbandoned}).
     *
     * @param awaitingBackend whether the backend had the whole request and had not begun to answer: it was at least
     *                        as slow as the client was patient
     */
    void clientGone(boolean awaitingBackend) {
        clientGone = true;
        goneAwaitingBackend = awaitingBackend;
    }

    /**
     * Counts and records the request against {@code colour}; with no status unless it was {@code answered} (a
     * response end written, or a tunnel opened), and as abandoned when that was the client's doing. Writes its access
     * log line, when the log is on.
     *
     * @param backend the backend picked last, or {@code null} if none was, for the access log
     */
    void record(ExchangeServices services, Colour colour, boolean answered, Backend backend) {
        int recorded = answered ? status : 0;
        services.recordEnd(colour, recorded, answeredByProxy, startNanos, requestBodyBytes, responseBodyBytes,
                !answered && clientGone, goneAwaitingBackend);
        AccessLog access = services.accessLog();
        if (access.isOn()) {
            access.exchangeEnded(client, head, recorded, responseBodyBytes, System.nanoTime() - startNanos, colour,
                    backend);
        }
    }
}
