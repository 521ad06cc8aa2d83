package dev.bluegreen.proxy.internal.watch;

/**
 * The fixed log-scale buckets of the watch's latency histogram: each power of two from 2^16 ns (65.5 µs) to 2^36 ns
 * (68.7 s) split into four equal buckets, one bucket below and one above. A value's bucket is found with a leading
 * zero count and a shift, no loop and no table, so recording it costs next to nothing on an event loop; the upper
 * bound of a bucket is at most 25 % above any value in it.
 */
public final class LatencyBuckets {

    private static final int MIN_EXPONENT = 16;
    private static final int MAX_EXPONENT = 36;
    private static final int PER_POWER = 4;

    /** How many buckets there are. */
    static final int COUNT = 2 + (MAX_EXPONENT - MIN_EXPONENT) * PER_POWER;

    private LatencyBuckets() {
    }

    /** The bucket of {@code nanos} (a negative value counts as 0). */
    static int index(long nanos) {
        if (nanos < (1L << MIN_EXPONENT)) {
            return 0;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(nanos);
        if (exponent >= MAX_EXPONENT) {
            return COUNT - 1;
        }
        int quarter = (int) (nanos >>> (exponent - 2)) & (PER_POWER - 1);
        return 1 + (exponent - MIN_EXPONENT) * PER_POWER + quarter;
    }

    /** The largest value of bucket {@code index}, in nanoseconds; for the top bucket, its lower bound (68.7 s). */
    static long upperBound(int index) {
        if (index == 0) {
            return (1L << MIN_EXPONENT) - 1;
        }
        if (index >= COUNT - 1) {
            return 1L << MAX_EXPONENT;
        }
        int exponent = MIN_EXPONENT + (index - 1) / PER_POWER;
        int quarter = (index - 1) % PER_POWER;
        return (1L << exponent) + (quarter + 1) * (1L << (exponent - 2)) - 1;
    }

    /**
     * The 99th percentile of a histogram, as the upper bound of the bucket that holds it.
     *
     * @param counts per-bucket counts
     * @param total  their sum, greater than 0
     */
    static long p99(long[] counts, long total) {
        // The smallest value with at least 99 % of the values at or below it (nearest rank).
        long rank = (total * 99 + 99) / 100;
        long seen = 0;
        for (int i = 0; i < counts.length; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return upperBound(i);
            }
        }
        return upperBound(counts.length - 1);
    }
}
