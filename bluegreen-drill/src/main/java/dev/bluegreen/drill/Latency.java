package dev.bluegreen.drill;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * Latency percentiles of the drill's completed requests, as the client saw them (through the proxy). Immutable.
 *
 * @param p50 the median
 * @param p90 the 90th percentile
 * @param p99 the 99th percentile
 * @param max the slowest
 */
public record Latency(Duration p50, Duration p90, Duration p99, Duration max) {

    /** No requests completed. */
    public static final Latency NONE = new Latency(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    /**
     * Validates the parts.
     *
     * @throws NullPointerException if any part is {@code null}
     */
    public Latency {
        requireNonNull(p50, "p50");
        requireNonNull(p90, "p90");
        requireNonNull(p99, "p99");
        requireNonNull(max, "max");
    }

    /**
     * The percentiles of some latencies (nearest rank).
     *
     * @param nanos latencies in nanoseconds; sorted in place
     * @return the percentiles, or {@link #NONE} for none
     */
    static Latency of(long[] nanos) {
        if (nanos.length == 0) {
            return NONE;
        }
        Arrays.sort(nanos);
        return new Latency(rank(nanos, 0.50), rank(nanos, 0.90), rank(nanos, 0.99),
                Duration.ofNanos(nanos[nanos.length - 1]));
    }

    private static Duration rank(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return Duration.ofNanos(sorted[Math.max(0, index)]);
    }

    /** As the report prints it: {@code p50 0.41 ms, p90 0.90 ms, p99 2.10 ms, max 15.02 ms}. */
    @Override
    public String toString() {
        return "p50 " + millis(p50) + ", p90 " + millis(p90) + ", p99 " + millis(p99) + ", max " + millis(max);
    }

    private static String millis(Duration duration) {
        return String.format(Locale.ROOT, "%.2f ms", duration.toNanos() / 1e6);
    }
}
