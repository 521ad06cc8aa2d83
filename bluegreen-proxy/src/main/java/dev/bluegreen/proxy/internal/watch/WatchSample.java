package dev.bluegreen.proxy.internal.watch;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.watch.WatchFigures;
import java.time.Duration;

/**
 * The cumulative counts of {@link WatchStatistics} at one moment. The figures over a span are the difference between
 * the samples at its ends. Immutable once built (the arrays are never handed out).
 */
public final class WatchSample {

    private final long atMillis;
    private final long[] requests;
    private final long[] errors;
    private final long[][] latency;

    WatchSample(long atMillis, long[] requests, long[] errors, long[][] latency) {
        this.atMillis = atMillis;
        this.requests = requests;
        this.errors = errors;
        this.latency = latency;
    }

    /** When it was taken, by the watch's clock. */
    long atMillis() {
        return atMillis;
    }

    /** {@code colour}'s figures from {@code earlier} to this sample. */
    WatchFigures since(WatchSample earlier, Colour colour) {
        int c = colour.ordinal();
        long requestCount = requests[c] - earlier.requests[c];
        long errorCount = Math.min(requestCount, errors[c] - earlier.errors[c]);
        long[] counts = new long[LatencyBuckets.COUNT];
        long timed = 0;
        for (int b = 0; b < counts.length; b++) {
            counts[b] = latency[c][b] - earlier.latency[c][b];
            timed += counts[b];
        }
        Duration p99 = timed == 0 ? Duration.ZERO : Duration.ofNanos(LatencyBuckets.p99(counts, timed));
        return new WatchFigures(requestCount, errorCount, timed, p99,
                Duration.ofMillis(Math.max(0, atMillis - earlier.atMillis)));
    }
}
