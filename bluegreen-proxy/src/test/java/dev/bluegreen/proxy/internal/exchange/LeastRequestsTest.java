package dev.bluegreen.proxy.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The least-requests pick: fewest requests under way for the weight, level backends in turn, exclusions kept. */
class LeastRequestsTest {

    private final BackendLoads loads = new BackendLoads(true, 0);
    private final Backend x = Backend.of("10.0.0.1", 8080);
    private final Backend y = Backend.of("10.0.0.2", 8080);
    private final Backend z = Backend.of("10.0.0.3", 8080);

    private void underWay(Backend backend, int requests) {
        for (int i = 0; i < requests; i++) {
            assertThat(loads.tryAcquire(backend)).isNotNull();
        }
    }

    private List<Integer> picks(List<Backend> pool, long excluded, int count) {
        List<Integer> picks = new ArrayList<>();
        for (int position = 0; position < count; position++) {
            picks.add(LeastRequests.pick(pool, position, excluded, null, loads, null));
        }
        return picks;
    }

    @Test
    void duringASlowStart_theRampedWeightsDivideTheLoad_andShareTheTurns() {
        List<Backend> pool = List.of(x, y);
        int[] ramped = {100, 10};
        underWay(x, 5);
        underWay(y, 1);

        assertThat(LeastRequests.pick(pool, 0, 0, null, loads, ramped)).as("5 ÷ 100 is less than 1 ÷ 10").isZero();
        assertThat(LeastRequests.pick(pool, 0, 0, null, loads, null)).as("by their own weights").isEqualTo(1);

        underWay(y, 1);
        underWay(x, 15);
        List<Integer> turns = new ArrayList<>();
        for (int position = 0; position < 110; position++) {
            turns.add(LeastRequests.pick(pool, position, 0, null, loads, ramped));
        }
        assertThat(turns).as("level at 20 ÷ 100 and 2 ÷ 10: turns by the ramped weights")
                .filteredOn(index -> index == 1).hasSize(10);
    }

    @Test
    void picksTheBackendWithTheFewestRequestsUnderWay_fromAnyPosition() {
        underWay(x, 2);
        underWay(y, 1);
        underWay(z, 3);

        assertThat(picks(List.of(x, y, z), 0, 5)).containsOnly(1);
    }

    @Test
    void backendsLevelOnRequests_takeTurns() {
        underWay(x, 1);
        underWay(y, 1);
        underWay(z, 2);

        assertThat(picks(List.of(x, y, z), 0, 4)).containsExactly(0, 1, 0, 1);
        assertThat(picks(List.of(x, y, z), 0b011, 2)).as("only z left").containsExactly(2, 2);
    }

    @Test
    void withEveryCountZero_theWeightsShareOutTheRequests() {
        Backend heavy = new Backend("10.0.0.4", 8080, "heavy", 3);
        List<Integer> picks = picks(List.of(heavy, y), 0, 400);

        assertThat(picks.stream().filter(index -> index == 0).count()).isEqualTo(300);
        assertThat(picks.stream().filter(index -> index == 1).count()).isEqualTo(100);
    }

    @Test
    void requestsAreWeighed_againstTheWeight() {
        Backend heavy = new Backend("10.0.0.4", 8080, "heavy", 3);
        underWay(heavy, 2);
        underWay(y, 1);

        assertThat(picks(List.of(heavy, y), 0, 3)).as("2/3 < 1/1").containsOnly(0);

        underWay(heavy, 1);
        assertThat(picks(List.of(heavy, y), 0, 4)).as("3/3 = 1/1: in turn, by weight")
                .containsExactlyInAnyOrder(0, 0, 0, 1);
    }

    @Test
    void excludedBackends_areNeverPicked_andNoneLeftIsMinusOne() {
        underWay(y, 5);

        assertThat(picks(List.of(x, y, z), 0b101, 3)).as("x and z excluded: the busy y").containsOnly(1);
        assertThat(LeastRequests.pick(List.of(x, y, z), 0, 0b111, null, loads, null)).isEqualTo(-1);
        assertThat(LeastRequests.pick(List.of(), 0, 0, null, loads, null)).isEqualTo(-1);
    }

    @Test
    void aPoolOfMoreThan64Backends_picksTheLeastLoadedBeyondTheMask() {
        List<Backend> pool = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            Backend backend = Backend.of("10.0.1." + i, 8080);
            pool.add(backend);
            underWay(backend, i == 66 ? 0 : 1);
        }

        assertThat(picks(pool, 0, 3)).containsOnly(66);
    }

    @Test
    void aPoolOfMoreThan64Backends_levelOnRequests_takesTurns_byWeight() {
        List<Backend> pool = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            pool.add(new Backend("10.0.2." + i, 8080, "b" + i, i == 67 ? 3 : 1));
        }
        underWay(pool.get(1), 1);

        List<Integer> picks = picks(pool, 0b1, 70 * 5);

        // Every count 0 but b1's, b0 excluded: the 68 others (weights summing to 70) share the picks out, b67 by 3.
        assertThat(picks).doesNotContain(0, 1);
        for (int i = 2; i < 70; i++) {
            int index = i;
            assertThat(picks.stream().filter(pick -> pick == index).count()).as("b%d", i)
                    .isEqualTo(index == 67 ? 15 : 5);
        }
    }

    @Test
    void pastThe64th_theBackendsTheCallerExcludes_areNeverPicked() {
        List<Backend> pool = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            Backend backend = Backend.of("10.0.3." + i, 8080);
            pool.add(backend);
            underWay(backend, i == 66 || i == 68 ? 0 : 1);
        }

        assertThat(LeastRequests.pick(pool, 0, 0, index -> index == 66, loads, null)).isEqualTo(68);
        assertThat(picks(pool, 0, 3)).as("none excluded: 66 and 68 in turn").containsExactly(66, 68, 66);
        assertThat(LeastRequests.pick(pool, 0, -1L, index -> true, loads, null)).isEqualTo(-1);
    }
}
