package dev.bluegreen.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class HttpLoadTest {

    @Test
    void load_countsResponsesPerBackendAndFailures() {
        try (TestBackend blue = TestBackend.start("blue-1")) {
            HttpLoad.Summary ok;
            try (HttpLoad load = HttpLoad.start(blue.port(), 4, "/")) {
                load.awaitResponses(500, Duration.ofSeconds(10));
                blue.status(503, "down");
                load.awaitResponses(load.responses() + 50, Duration.ofSeconds(10));
                ok = load.stop();
            }

            assertThat(ok.responses()).isGreaterThanOrEqualTo(550);
            assertThat(ok.byBackend()).containsOnlyKeys("blue-1");
            assertThat(ok.byBackend().get("blue-1")).isEqualTo(ok.responses());
            assertThat(ok.byStatus()).containsKeys(200, 503);
            assertThat(ok.failures()).isEqualTo(ok.byStatus().get(503));
            assertThat(ok.connectionsOpened()).isEqualTo(4);
            assertThat(ok.failureSamples()).isNotEmpty().allMatch(s -> s.contains("status 503"));
            assertThat(blue.connectionsAccepted()).isEqualTo(4);
        }
    }

    @Test
    void load_reconnectsAfterTheServerClosesAndCountsTheFailure() {
        try (TestBackend blue = TestBackend.start("blue-1");
             HttpLoad load = HttpLoad.start(blue.port(), 2, "/")) {
            load.awaitResponses(100, Duration.ofSeconds(10));
            blue.closeOnRequest();
            blue.closeConnections();
            blue.reply();
            load.awaitResponses(load.responses() + 100, Duration.ofSeconds(10));

            HttpLoad.Summary summary = load.stop();

            assertThat(summary.connectionsOpened()).isGreaterThan(2);
            assertThat(summary.failures()).isGreaterThanOrEqualTo(1);
        }
    }
}
