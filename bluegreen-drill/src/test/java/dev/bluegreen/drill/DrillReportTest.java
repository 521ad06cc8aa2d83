package dev.bluegreen.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Colour;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DrillReportTest {

    private static final Map<Colour, String> TARGETS = Map.of(Colour.BLUE, "127.0.0.1:1", Colour.GREEN,
            "127.0.0.1:2");

    @Test
    void summary_withoutFailures_saysZeroFailed_andHasNoVerdict() {
        DrillReport report = new DrillReport(TARGETS, Duration.ofMillis(2000), 4,
                Map.of(Colour.BLUE, 1200L, Colour.GREEN, 1300L), Map.of(), List.of(), 100, List.of(),
                Latency.of(new long[] {3_000_000, 1_000_000, 2_000_000}));

        assertThat(report.passed()).isTrue();
        assertThat(report.summary()).isEqualTo(String.join(System.lineSeparator(),
                "bluegreen drill: 2,500 requests in 2.0 s on 4 connections, 100 switches, 0 failed",
                "  blue  127.0.0.1:1: 1,200 requests, 0 failed",
                "  green 127.0.0.1:2: 1,300 requests, 0 failed",
                "  latency: p50 2.00 ms, p90 3.00 ms, p99 3.00 ms, max 3.00 ms"));
        report.assertNoFailures();
    }

    @Test
    void summary_withFailures_listsTheGroups_andEndsWithTheColoursThatFailed() {
        FailureGroup group = new FailureGroup(Colour.GREEN, "GET /", "status 503", 7,
                List.of("at 0.100 s on connection 1: 503 \"down\""));
        DrillReport report = new DrillReport(TARGETS, Duration.ofMillis(1000), 1,
                Map.of(Colour.BLUE, 10L, Colour.GREEN, 7L), Map.of(Colour.GREEN, 7L), List.of(group), 2, List.of(),
                Latency.NONE);

        assertThat(report.summary()).startsWith("bluegreen drill FAILED (1 reason): 17 requests in 1.0 s on 1"
                + " connections, 2 switches, 7 requests failed" + System.lineSeparator())
                .contains("  failures:", "    green GET /: status 503, 7 times, e.g.",
                        "      at 0.100 s on connection 1: 503 \"down\"")
                .endsWith("FAILED: green failed 7 of 7 requests");
        assertThatThrownBy(report::assertNoFailures).isInstanceOf(AssertionError.class)
                .hasMessage(report.summary());
    }

    @Test
    void failureOfUncertainColour_isCountedApart_andDoesNotBlameTheColourItWasPutOn() {
        FailureGroup guessed = new FailureGroup(Colour.BLUE, "GET /", "status 502" + FailureGroup.COLOUR_UNCERTAIN,
                1, List.of("at 1.211 s on connection 2: 502 \"no backend of the green pool accepted a connection\""));
        FailureGroup green = new FailureGroup(Colour.GREEN, "GET /", "status 502", 1895,
                List.of("at 1.300 s on connection 1: 502 \"no backend of the green pool accepted a connection\""));
        DrillReport report = new DrillReport(TARGETS, Duration.ofMillis(3000), 4,
                Map.of(Colour.BLUE, 5542L, Colour.GREEN, 1895L), Map.of(Colour.BLUE, 1L, Colour.GREEN, 1895L),
                List.of(green, guessed), 10, List.of(), Latency.NONE);

        assertThat(guessed.colourUncertain()).isTrue();
        assertThat(green.colourUncertain()).isFalse();
        assertThat(report.passed()).isFalse();
        assertThat(report.summary())
                .contains("    blue GET /: status 502 (colour uncertain: a switch happened while it was under way),"
                        + " once, e.g.")
                .endsWith("FAILED: green failed 1,895 of 1,895 requests; 1 failed while a switch was under way,"
                        + " colour uncertain");
    }

    @Test
    void noRequestAtAll_orARefusedSwitch_fails() {
        DrillReport empty = new DrillReport(TARGETS, Duration.ofMillis(1000), 1, Map.of(), Map.of(), List.of(), 1,
                List.of("refused by guard healthy-target: no healthy backend"), Latency.NONE);

        assertThat(empty.passed()).isFalse();
        assertThat(empty.summary()).startsWith("bluegreen drill FAILED (2 reasons): 0 requests in 1.0 s on 1"
                        + " connections, 1 switches, 0 requests failed" + System.lineSeparator())
                .endsWith("FAILED: 1 switches refused; no request was sent")
                .contains("refused switches: 1, first: refused by guard healthy-target");
    }

    @Test
    void aColourThatServedNothingAcrossSwitches_fails_butWithoutSwitchesOneColourIsEnough() {
        DrillReport oneSided = new DrillReport(TARGETS, Duration.ofMillis(1300), 4, Map.of(Colour.BLUE, 4L),
                Map.of(), List.of(), 4, List.of(), Latency.NONE);

        assertThat(oneSided.passed()).isFalse();
        assertThat(firstLine(oneSided)).isEqualTo("bluegreen drill FAILED (1 reason): 4 requests in 1.3 s on 4"
                + " connections, 4 switches, 0 requests failed").doesNotContain("0 failed");
        assertThat(oneSided.summary()).endsWith("FAILED: green served no request across 4 switches (expected: both;"
                + " a longer drill, or more connections)");

        DrillReport noSwitch = new DrillReport(TARGETS, Duration.ofMillis(1300), 4, Map.of(Colour.BLUE, 400L),
                Map.of(), List.of(), 0, List.of(), Latency.NONE);
        assertThat(noSwitch.passed()).isTrue();
    }

    @Test
    void switchesThatDidNotFitInTheDuration_fail_sayingHowManyWereTried() {
        DrillReport report = new DrillReport(TARGETS, Duration.ofMillis(2100), 4,
                Map.of(Colour.BLUE, 900L, Colour.GREEN, 800L), Map.of(), List.of(), 3_999, List.of("refused once"),
                Latency.NONE, 10_000, Duration.ofSeconds(2));

        assertThat(report.passed()).isFalse();
        assertThat(firstLine(report)).startsWith("bluegreen drill FAILED (2 reasons): ").doesNotContain("0 failed");
        assertThat(report.summary()).endsWith("FAILED: 1 switches refused; only 4,000 of 10,000 switches fit"
                + " in the 2.0 s duration (expected: fewer switches, or a longer duration)");
    }

    @Test
    void headline_ofAFailedDrill_neverHoldsZeroFailed_evenWhenTheFailedCountEndsInZero() {
        FailureGroup group = new FailureGroup(Colour.GREEN, "GET /", "status 503", 10, List.of("at 0.1 s: 503"));
        DrillReport report = new DrillReport(TARGETS, Duration.ofMillis(1000), 1,
                Map.of(Colour.BLUE, 10L, Colour.GREEN, 10L), Map.of(Colour.GREEN, 10L), List.of(group), 2, List.of(),
                Latency.NONE);

        assertThat(firstLine(report)).isEqualTo("bluegreen drill FAILED (1 reason): 20 requests in 1.0 s on 1"
                + " connections, 2 switches, 10 requests failed").doesNotContain("0 failed");
    }

    private static String firstLine(DrillReport report) {
        return report.summary().lines().findFirst().orElseThrow();
    }
}
