package dev.bluegreen.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import org.junit.jupiter.api.Test;

/** Each benchmark method called a few times outside JMH: it measures the decision it says it does. */
class RoutingDecisionBenchmarkTest {

    @Test
    void routingDecision_picksEachLiveBackendInTurn() {
        RoutingDecisionBenchmark benchmark = new RoutingDecisionBenchmark();
        benchmark.backends = 4;
        benchmark.setUp();
        try {
            for (int i = 0; i < 8; i++) {
                RoutingDecisionBenchmark.Pin pin = benchmark.routingDecision();
                assertThat(pin.colour).isEqualTo(Colour.BLUE);
                assertThat(pin.generation).isZero();
                assertThat(pin.environment.version()).isEqualTo("v1");
                assertThat(pin.backend.port()).isEqualTo(9000 + i % 4);
            }
            assertThat(benchmark.snapshotRead()).isEqualTo(Colour.BLUE);
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void routingDecisionRetry_skipsTheTriedBackend() {
        RoutingDecisionBenchmark benchmark = new RoutingDecisionBenchmark();
        benchmark.backends = 4;
        benchmark.setUp();
        try {
            for (int i = 0; i < 8; i++) {
                assertThat(benchmark.routingDecisionRetry().backend.port()).isNotEqualTo(9000);
            }
        } finally {
            benchmark.tearDown();
        }
    }
}
