package dev.bluegreen.proxy.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import org.junit.jupiter.api.Test;

/** The benchmark's two set-ups route as they say, outside JMH. */
class RouterBenchmarkTest {

    @Test
    void plain_routesEveryRequestToTheLiveColour() {
        RouterBenchmark benchmark = new RouterBenchmark();
        benchmark.steering = "plain";
        benchmark.setUp();
        try {
            for (int i = 0; i < 100; i++) {
                assertThat(benchmark.route().colour()).isEqualTo(Colour.BLUE);
            }
        } finally {
            benchmark.tearDown();
        }
    }

    @Test
    void shift_sendsSomeRequestsToTheIdleColour() {
        RouterBenchmark benchmark = new RouterBenchmark();
        benchmark.steering = "shift";
        benchmark.setUp();
        try {
            int green = 0;
            for (int i = 0; i < 2_000; i++) {
                if (benchmark.route().colour() == Colour.GREEN) {
                    green++;
                }
            }
            // 20 % of 2,000: mean 400, sigma ~18; a band of over 8 sigma either way.
            assertThat(green).isBetween(250, 550);
        } finally {
            benchmark.tearDown();
        }
    }
}
