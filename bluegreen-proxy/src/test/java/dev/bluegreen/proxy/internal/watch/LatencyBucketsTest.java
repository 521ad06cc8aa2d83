package dev.bluegreen.proxy.internal.watch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LatencyBucketsTest {

    @Test
    void everyValue_fallsInABucketWhoseUpperBoundIsAtMostAQuarterAbove() {
        for (long nanos = 1L << 16; nanos < 1L << 36; nanos += nanos / 7 + 1) {
            int index = LatencyBuckets.index(nanos);
            long upper = LatencyBuckets.upperBound(index);
            assertThat(upper).as("upper bound of %d ns", nanos).isGreaterThanOrEqualTo(nanos);
            assertThat((double) upper).as("upper bound of %d ns", nanos).isLessThanOrEqualTo(nanos * 1.25);
            assertThat(index == 0 || LatencyBuckets.upperBound(index - 1) < nanos).isTrue();
        }
    }

    @Test
    void extremes_goToTheFirstAndLastBucket() {
        assertThat(LatencyBuckets.index(-5)).isZero();
        assertThat(LatencyBuckets.index(0)).isZero();
        assertThat(LatencyBuckets.index(65_535)).isZero();
        assertThat(LatencyBuckets.index(65_536)).isEqualTo(1);
        assertThat(LatencyBuckets.index(Long.MAX_VALUE)).isEqualTo(LatencyBuckets.COUNT - 1);
        assertThat(LatencyBuckets.index(TimeUnit.SECONDS.toNanos(100))).isEqualTo(LatencyBuckets.COUNT - 1);
        assertThat(LatencyBuckets.index((1L << 36) - 1)).isEqualTo(LatencyBuckets.COUNT - 2);
    }

    @Test
    void p99_isTheBucketOfTheValueAtTheNinetyNinthRank() {
        long[] counts = new long[LatencyBuckets.COUNT];
        long fast = TimeUnit.MILLISECONDS.toNanos(1);
        long slow = TimeUnit.MILLISECONDS.toNanos(500);
        counts[LatencyBuckets.index(fast)] = 990;
        counts[LatencyBuckets.index(slow)] = 10;
        // 990 of 1000 are fast: the 990th value is fast, the 991st slow; the 99th percentile is the 990th.
        assertThat(LatencyBuckets.p99(counts, 1000)).isEqualTo(LatencyBuckets.upperBound(LatencyBuckets.index(fast)));
        counts[LatencyBuckets.index(fast)] = 989;
        assertThat(LatencyBuckets.p99(counts, 999)).isEqualTo(LatencyBuckets.upperBound(LatencyBuckets.index(slow)));
    }
}
