package dev.bluegreen.proxy.internal.watch;

import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import dev.bluegreen.core.Colour;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counts the {@code AutoRollback} watch judges by, per colour, since the proxy started: requests, errors and a
 * latency histogram ({@link LatencyBuckets}). A {@link ProxyRecorder} composed into the proxy's recorder, called on
 * event loops: each call is a few adder increments, with no lock, no clock read and no allocation. Figures over a
 * span of time are differences of two {@link #sample samples}, which the watch takes on its own thread.
 */
public final class WatchStatistics implements ProxyRecorder {

    private final LongAdder[] requests = adders(Colour.values().length);
    private final LongAdder[] errors = adders(Colour.values().length);
    private final LongAdder[][] latency = new LongAdder[Colour.values().length][];

    /** Counts nothing yet. */
    public WatchStatistics() {
        for (int c = 0; c < latency.length; c++) {
            latency[c] = adders(LatencyBuckets.COUNT);
        }
    }

    private static LongAdder[] adders(int count) {
        LongAdder[] adders = new LongAdder[count];
        for (int i = 0; i < count; i++) {
            adders[i] = new LongAdder();
        }
        return adders;
    }

    /**
     * Counts the exchange. An error is a 5xx (the backend's or the proxy's own) or an exchange cut short by the proxy
     * or the backend (status 0), as the proxy's failure counts have it. Only exchanges with a final status are timed:
     * an upgrade's duration is how long its tunnel stayed open, not how long the backend took.
     */
    @Override
    public void exchangeEnded(Colour colour, int status, boolean fromProxy, long durationNanos, long requestBytes,
                              long responseBytes) {
        int c = colour.ordinal();
        requests[c].increment();
        if (status == 0 || status >= 500) {
            errors[c].increment();
        }
        if (status >= 200) {
            latency[c][LatencyBuckets.index(durationNanos)].increment();
        }
    }

    /**
     * Never an error: a client that goes away tells nothing about the colour, and if it counted as an error any
     * client could have a good release rolled back by dropping its requests. But a client that went while the backend
     * had its whole request and had not begun to answer has measured the backend: it took at least that long, which
     * no client can make longer. That exchange is a request, timed at how long it waited; without it, a release that
     * hangs while its clients give up before the response timeout would never be judged. Any other abandoned
     * exchange is not counted at all.
     */
    @Override
    public void exchangeAbandoned(Colour colour, long durationNanos, boolean awaitingBackend, long requestBytes,
                                  long responseBytes) {
        if (awaitingBackend) {
            int c = colour.ordinal();
            requests[c].increment();
            latency[c][LatencyBuckets.index(durationNanos)].increment();
        }
    }

    /** A request that failed on {@code failedColour} and was moved to the other colour: an error of the first. */
    @Override
    public void safetyNetUsed(Colour failedColour) {
        int c = failedColour.ordinal();
        requests[c].increment();
        errors[c].increment();
    }

    /**
     * The counts now. Not atomic across counters (an exchange ending meanwhile may be in one and not another),
     * which shifts a figure by a request at most between two samples.
     *
     * @param atMillis the watch's time of the sample
     */
    public WatchSample sample(long atMillis) {
        int colours = requests.length;
        long[] requestCounts = new long[colours];
        long[] errorCounts = new long[colours];
        long[][] latencyCounts = new long[colours][LatencyBuckets.COUNT];
        for (int c = 0; c < colours; c++) {
            // Errors first: a request is counted before its error, so the sample never shows more errors than
            // requests.
            errorCounts[c] = errors[c].sum();
            requestCounts[c] = requests[c].sum();
            for (int b = 0; b < LatencyBuckets.COUNT; b++) {
                latencyCounts[c][b] = latency[c][b].sum();
            }
        }
        return new WatchSample(atMillis, requestCounts, errorCounts, latencyCounts);
    }
}
