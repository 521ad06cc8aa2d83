package dev.bluegreen.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.ChaosBackend;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The drill end to end: two real backends on 127.0.0.1, the drill's proxy in front, switches under load. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SwitchDrillTest {

    @Test
    void twoHealthyVersions_hundredSwitches_noFailure_bothColoursServed() {
        try (TestBackend blue = TestBackend.start("blue"); TestBackend green = TestBackend.start("green")) {
            DrillReport report = SwitchDrill.builder()
                    .blue(blue.address())
                    .green("127.0.0.1:" + green.port())
                    .get("/", "/orders/42")
                    .request(DrillRequest.of("POST", "/orders").withBody("application/json", "{\"item\":\"tea\"}"))
                    .connections(4)
                    .switches(100)
                    .duration(Duration.ofSeconds(2))
                    .build()
                    .run();

            report.assertNoFailures();
            assertThat(report.switches()).isEqualTo(100);
            assertThat(report.refusedSwitches()).isEmpty();
            assertThat(report.requests(Colour.BLUE)).isPositive();
            assertThat(report.requests(Colour.GREEN)).isPositive();
            assertThat(report.latency().max()).isPositive();
            assertThat(report.summary()).contains("100 switches", ", 0 failed", "latency: p50");
            assertThat(blue.requests()).anySatisfy(seen -> assertThat(seen.uri()).isEqualTo("/orders"));
        }
    }

    @Test
    void greenAnswers503_theAssertionNamesGreen_theRequestAndAnExample() {
        try (TestBackend blue = TestBackend.start("blue"); TestBackend green = TestBackend.start("green")) {
            green.status(503, "down for maintenance");
            DrillReport report = SwitchDrill.builder()
                    .blue(blue.address())
                    .green(green.address())
                    .switches(10)
                    .connections(2)
                    .duration(Duration.ofMillis(1200))
                    .build()
                    .run();

            assertThat(report.passed()).isFalse();
            assertThat(report.failed(Colour.BLUE)).isZero();
            assertThat(report.failed(Colour.GREEN)).isPositive().isEqualTo(report.requests(Colour.GREEN));
            assertThat(report.failures()).singleElement().satisfies(group -> {
                assertThat(group.colour()).isEqualTo(Colour.GREEN);
                assertThat(group.request()).isEqualTo("GET /");
                assertThat(group.reason()).isEqualTo("status 503");
                assertThat(group.examples()).isNotEmpty().allSatisfy(example -> assertThat(example)
                        .matches("at \\d+\\.\\d{3} s on connection [12]: 503 \"down for maintenance\""));
            });
            assertThatThrownBy(report::assertNoFailures).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("green GET /: status 503")
                    .hasMessageContaining("FAILED: green failed");
        }
    }

    @Test
    void greenNeverAnswers_theProxys504NamesGreen_soTheFailuresAreGreensNotGuesses() {
        try (TestBackend blue = TestBackend.start("blue"); TestBackend green = TestBackend.start("green")) {
            green.neverRespond();
            DrillReport report = SwitchDrill.builder()
                    .blue(blue.address())
                    .green(green.address())
                    .switches(4)
                    .connections(2)
                    .requestTimeout(Duration.ofMillis(600))
                    .duration(Duration.ofMillis(2000))
                    .build()
                    .run();

            // Every request routed to green hangs past a switch back to blue: without the colour named in the
            // proxy's answer, each failure would be put, uncertain, on whichever colour was live when it was sent.
            assertThat(report.failed(Colour.BLUE)).isZero();
            assertThat(report.failed(Colour.GREEN)).isPositive().isEqualTo(report.requests(Colour.GREEN));
            assertThat(report.failures()).isNotEmpty().allSatisfy(group -> {
                assertThat(group.colour()).isEqualTo(Colour.GREEN);
                assertThat(group.reason()).isEqualTo("status 504");
            });
            assertThat(report.summary()).containsPattern("FAILED: green failed \\d+ of \\d+ requests$");
        }
    }

    @Test
    void greenClosesEveryConnection_the502sNameGreen_noFailureIsGuessed() {
        try (TestBackend blue = TestBackend.start("blue");
             ChaosBackend green = ChaosBackend.start(ChaosBackend.Fault.CLOSE_BEFORE_RESPONSE)) {
            DrillReport report = SwitchDrill.builder()
                    .blue(blue.address())
                    .green("127.0.0.1:" + green.port())
                    .switches(20)
                    .connections(4)
                    .duration(Duration.ofMillis(1000))
                    .build()
                    .run();

            assertThat(report.failed(Colour.BLUE)).isZero();
            assertThat(report.failures()).isNotEmpty().allSatisfy(group -> {
                assertThat(group.colour()).isEqualTo(Colour.GREEN);
                assertThat(group.reason()).doesNotContain("colour uncertain");
            });
        }
    }

    @Test
    void aHostTheRequestNames_reachesTheBackends_forAppsThatServeByName() {
        try (TestBackend blue = TestBackend.start("blue"); TestBackend green = TestBackend.start("green")) {
            DrillReport report = SwitchDrill.builder()
                    .blue(blue.address())
                    .green(green.address())
                    .request(DrillRequest.get("/named").withHeader("Host", "shop.example.com"))
                    .get("/plain")
                    .switches(2)
                    .connections(2)
                    .duration(Duration.ofMillis(600))
                    .build()
                    .run();

            report.assertNoFailures();
            assertThat(blue.requests()).filteredOn(seen -> seen.uri().equals("/named")).isNotEmpty()
                    .allSatisfy(seen -> assertThat(seen.header("Host")).isEqualTo("shop.example.com"));
            assertThat(blue.requests()).filteredOn(seen -> seen.uri().equals("/plain")).isNotEmpty()
                    .allSatisfy(seen -> assertThat(seen.header("Host")).startsWith("127.0.0.1:"));
        }
    }

    @Test
    void moreSwitchesThanFitInTheDuration_theDrillEndsOnTime_andSaysHowManyWereMade() {
        try (TestBackend blue = TestBackend.start("blue"); TestBackend green = TestBackend.start("green")) {
            DrillReport report = SwitchDrill.builder()
                    .blue(blue.address())
                    .green(green.address())
                    .switches(100_000)
                    .connections(1)
                    .duration(Duration.ofMillis(500))
                    .build()
                    .run();

            // A switch takes a good part of a millisecond: 100,000 of them took the drill half a minute, not 0.5 s.
            assertThat(report.elapsed()).isLessThan(Duration.ofSeconds(10));
            assertThat(report.switches()).isPositive().isLessThan(100_000);
            assertThat(report.passed()).isFalse();
            String headline = report.summary().lines().findFirst().orElseThrow();
            assertThat(headline).startsWith("bluegreen drill FAILED (").doesNotContain("0 failed");
            assertThat(report.summary()).containsPattern("FAILED: .*only [\\d,]+ of 100,000 switches fit"
                    + " in the 0.5 s duration \\(expected: fewer switches, or a longer duration\\)");
        }
    }

    @Test
    void builder_withoutGreen_saysWhatIsMissing() {
        assertThatThrownBy(() -> SwitchDrill.builder().blue("127.0.0.1:8081").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("green: not set");
    }

    @Test
    void builder_sameAddressTwice_isRefused() {
        assertThatThrownBy(() -> SwitchDrill.builder().blue("127.0.0.1:8081").green("127.0.0.1:8081").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("green: 127.0.0.1:8081, the same as blue");
    }

    @Test
    void builder_badValues_nameTheValueAndTheExpectation() {
        SwitchDrill.Builder builder = SwitchDrill.builder();
        assertThatThrownBy(() -> builder.blue("nonsense")).hasMessageContaining("nonsense");
        assertThatThrownBy(() -> builder.connections(0)).hasMessage("connections: 0 (expected: 1-256)");
        assertThatThrownBy(() -> builder.switches(0)).hasMessage("switches: 0 (expected: 1-100000)");
        assertThatThrownBy(() -> builder.duration(Duration.ofMillis(5)))
                .hasMessage("duration: 5ms (expected: 100 ms to 1 h)");
        assertThatThrownBy(() -> builder.get("orders")).hasMessageContaining("path: 'orders' (expected:");
    }
}
