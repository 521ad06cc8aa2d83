package dev.bluegreen.proxy.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RoundRobinTest {

    private static List<Backend> pool(int... weights) {
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < weights.length; i++) {
            backends.add(new Backend("10.0.0." + (i + 1), 80, "b" + i, weights[i]));
        }
        return backends;
    }

    /** How many of {@code picks} consecutive positions from {@code start} go to each backend. */
    private static int[] shares(List<Backend> backends, int start, int picks, long excluded) {
        int[] counts = new int[backends.size()];
        for (int position = start; position < start + picks; position++) {
            counts[RoundRobin.pick(backends, position, excluded)]++;
        }
        return counts;
    }

    @Test
    void equalWeights_takeTurnsInOrder() {
        List<Backend> backends = pool(1, 1, 1);

        assertThat(List.of(RoundRobin.pick(backends, 0, 0), RoundRobin.pick(backends, 1, 0),
                RoundRobin.pick(backends, 2, 0), RoundRobin.pick(backends, 3, 0))).containsExactly(0, 1, 2, 0);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, -13, Integer.MAX_VALUE - 2000})
    void everyRunOfTheWeightsSum_givesEachBackendExactlyItsWeight(int start) {
        List<Backend> backends = pool(5, 1, 2, 1000);

        assertThat(shares(backends, start, 1008, 0)).containsExactly(5, 1, 2, 1000);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 7, -13})
    void givenWeights_overrideTheBackendsOwn_asASlowStartsRampedOnesDo(int start) {
        List<Backend> backends = pool(1, 1, 3);
        int[] ramped = {100, 100, 12};
        int[] counts = new int[backends.size()];
        for (int position = start; position < start + 212; position++) {
            counts[RoundRobin.pick(backends, position, 0, null, ramped)]++;
        }

        assertThat(counts).containsExactly(100, 100, 12);
        assertThat(RoundRobin.pick(backends, start, 0b011, null, ramped)).as("alone, it takes every pick").isEqualTo(2);
    }

    @Test
    void rampedWeightsSummingToTheStride_stillGiveEachBackendItsShare() {
        // Eleven backends of weight 1000 in a slow start's hundredths: ten whole (100,000 each) and one just back (3)
        // sum to 1,000,003, the stride's own value: every position then gave the same slot, the first backend's.
        int[] thousands = new int[11];
        java.util.Arrays.fill(thousands, 1000);
        List<Backend> backends = pool(thousands);
        int[] ramped = new int[11];
        java.util.Arrays.fill(ramped, 100_000);
        ramped[10] = 3;
        int[] counts = new int[backends.size()];
        for (int position = 0; position < 1_000_003; position++) {
            counts[RoundRobin.pick(backends, position, 0, null, ramped)]++;
        }

        assertThat(counts).containsExactly(ramped);
    }

    @Test
    void aHeavyBackendsPicks_areInterleavedWithTheLightOnes() {
        List<Backend> backends = pool(3, 1);
        StringBuilder order = new StringBuilder();
        for (int position = 0; position < 16; position++) {
            order.append(RoundRobin.pick(backends, position, 0));
        }

        assertThat(order.toString()).doesNotContain("11").doesNotContain("0000");
    }

    @Test
    void anExcludedBackend_givesItsShareToTheOthersInProportion() {
        List<Backend> weighted = pool(1, 2, 2);
        List<Backend> equal = pool(1, 1, 1);
        long firstExcluded = RoundRobin.markTried(0, 0);

        assertThat(shares(weighted, 0, 400, firstExcluded)).containsExactly(0, 200, 200);
        assertThat(shares(equal, 0, 400, firstExcluded)).containsExactly(0, 200, 200);
    }

    @Test
    void noBackendLeft_isMinusOne() {
        List<Backend> backends = pool(1, 4);
        long both = RoundRobin.markTried(RoundRobin.markTried(0, 0), 1);

        assertThat(RoundRobin.pick(backends, 3, both)).isEqualTo(-1);
        assertThat(RoundRobin.pick(List.of(), 3, 0)).isEqualTo(-1);
    }

    @Test
    void backendsBeyondTheMask_areExcludedByTheirOwnTest() {
        int[] weights = new int[70];
        java.util.Arrays.fill(weights, 1);
        List<Backend> backends = pool(weights);

        for (int position = 0; position < 140; position++) {
            assertThat(RoundRobin.pick(backends, position, -1L, index -> index != 67)).isEqualTo(67);
        }
        assertThat(RoundRobin.pick(backends, 0, -1L, index -> true)).isEqualTo(-1);
    }

    @Test
    void backendsBeyondTheMask_areAlwaysEligible() {
        int[] weights = new int[70];
        java.util.Arrays.fill(weights, 1);
        List<Backend> backends = pool(weights);
        long allOfTheMask = -1L;

        assertThat(shares(backends, 0, 60, allOfTheMask)).containsOnly(0, 10);
        assertThat(RoundRobin.pick(backends, 0, allOfTheMask)).isEqualTo(64);
    }
}
