package dev.bluegreen.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class GateTest {

    private final Gate gate = new Gate();
    private final List<String> released = new ArrayList<>();

    @Test
    void releaseCount_letsHeldRequestsGoInArrivalOrderThenLaterOnes() {
        assertThat(gate.arrive(() -> released.add("a"))).isFalse();
        assertThat(gate.arrive(() -> released.add("b"))).isFalse();

        gate.release(1);
        assertThat(released).containsExactly("a");

        gate.release(2);
        assertThat(released).containsExactly("a", "b");
        assertThat(gate.arrive(() -> released.add("c"))).as("the spare permit").isTrue();
        assertThat(gate.arrive(() -> released.add("d"))).isFalse();
        assertThat(gate.arrived()).isEqualTo(4);
        assertThat(gate.waiting()).isEqualTo(1);
    }

    @Test
    void release_opensForGood() {
        gate.arrive(() -> released.add("a"));

        gate.release();

        assertThat(released).containsExactly("a");
        assertThat(gate.arrive(() -> released.add("b"))).isTrue();
    }

    @Test
    void cancel_forgetsAHeldRequestWithoutUsingAPermit() {
        Runnable closed = () -> released.add("closed");
        gate.arrive(closed);
        gate.arrive(() -> released.add("b"));

        gate.cancel(closed);
        gate.release(1);

        assertThat(released).containsExactly("b");
    }

    @Test
    void awaitArrived_failsClearlyOnTimeout() {
        gate.arrive(() -> { });

        assertThatThrownBy(() -> gate.awaitArrived(2, Duration.ofMillis(20)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("requests arrived at the gate: 1 (expected: at least 2");
    }

    @Test
    void release_rejectsNegativeCounts() {
        assertThatThrownBy(() -> gate.release(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("count: -1 (expected: >= 0)");
    }
}
