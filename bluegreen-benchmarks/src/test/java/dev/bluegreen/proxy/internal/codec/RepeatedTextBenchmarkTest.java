package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The two ways the benchmark compares find every value the same as last time, and give the same string. */
class RepeatedTextBenchmarkTest {

    @Test
    void bothWays_shareEveryValue() {
        String[] out = new RepeatedTextBenchmark().bothWays();
        int values = RepeatedTextBenchmark.VALUES.length;
        for (int i = 0; i < values; i++) {
            assertThat(out[i]).isEqualTo(RepeatedTextBenchmark.VALUES[i]);
            assertThat(out[values + i]).isSameAs(out[i]);
        }
    }
}
