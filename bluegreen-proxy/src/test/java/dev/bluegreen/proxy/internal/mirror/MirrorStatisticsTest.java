package dev.bluegreen.proxy.internal.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Deployment;
import dev.bluegreen.core.GuardContext;
import dev.bluegreen.core.GuardVerdict;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.MirrorReport;
import dev.bluegreen.proxy.MirrorSettings;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The counts, the samples, the agreement windows, and the guard that judges by them. */
class MirrorStatisticsTest {

    private final BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", 1))
            .green("v2", Backend.of("127.0.0.1", 2)).build();

    @AfterEach
    void close() {
        admin.close();
    }

    private void compare(MirrorStatistics statistics, RoutingSnapshot snapshot, String target, boolean matched) {
        MirrorStatistics.RouteCounts route = statistics.route("GET", target);
        statistics.mirrored(route);
        statistics.compared(route, snapshot.idle(), snapshot.environment(snapshot.live()),
                snapshot.environment(snapshot.idle()), admin.snapshot(), matched ? null : () -> sample(target));
    }

    private static MirrorReport.Sample sample(String target) {
        MirrorReport.Side side = new MirrorReport.Side(200, Map.of(), 1, "x");
        return new MirrorReport.Sample(Instant.EPOCH, "GET", target, "/", Colour.GREEN, List.of("body"), side, side);
    }

    private static GuardVerdict judge(MirrorAgreementGuard guard, RoutingSnapshot snapshot) {
        return guard.check(new GuardContext(snapshot, ChangeKind.SWITCH, snapshot.idle(),
                snapshot.environment(snapshot.idle()))).toCompletableFuture().join();
    }

    @Test
    void routesBeyondTheBound_areCountedTogetherPerMethod() {
        MirrorStatistics statistics = new MirrorStatistics(MirrorSettings.percent(100).withMaxRoutes(2));
        RoutingSnapshot snapshot = admin.snapshot();
        compare(statistics, snapshot, "/a", true);
        compare(statistics, snapshot, "/b", true);
        compare(statistics, snapshot, "/c", false);
        compare(statistics, snapshot, "/d", true);
        statistics.dropped(statistics.route("GET", "/a"), DropReason.IDLE_SLOW);

        MirrorReport report = statistics.report(snapshot, 0, 0, Colour.GREEN, null);

        assertThat(report.routes()).extracting(MirrorReport.Route::route, MirrorReport.Route::mirrored,
                MirrorReport.Route::mismatched, MirrorReport.Route::dropped).containsExactly(
                org.assertj.core.groups.Tuple.tuple("(other)", 2L, 1L, 0L),
                org.assertj.core.groups.Tuple.tuple("/a", 1L, 0L, 1L),
                org.assertj.core.groups.Tuple.tuple("/b", 1L, 0L, 0L));
        assertThat(report.mirrored()).isEqualTo(4);
        assertThat(report.matched()).isEqualTo(3);
        assertThat(report.mismatched()).isEqualTo(1);
        assertThat(report.dropped()).isEqualTo(1);
        assertThat(report.droppedBy()).containsEntry("idle-slow", 1L).containsEntry("over-bound", 0L);
        assertThat(report.droppedBy().keySet()).containsExactlyElementsOf(MirrorReport.DROP_REASONS);
    }

    @Test
    void samples_areTheLatestMismatches_newestFirst_atMostTheBound() {
        MirrorStatistics statistics = new MirrorStatistics(MirrorSettings.percent(100).withMaxSamples(3));
        RoutingSnapshot snapshot = admin.snapshot();
        for (int i = 1; i <= 5; i++) {
            compare(statistics, snapshot, "/" + i, false);
        }

        assertThat(statistics.report(snapshot, 0, 0, Colour.GREEN, null).samples())
                .extracting(MirrorReport.Sample::target).containsExactly("/5", "/4", "/3");
    }

    @Test
    void theAgreementWindow_keepsTheLastPairs_andStartsAfreshWhenTheIdlePoolIsDeployed() {
        MirrorStatistics statistics = new MirrorStatistics(MirrorSettings.percent(100).withAgreementWindow(4));
        RoutingSnapshot snapshot = admin.snapshot();
        compare(statistics, snapshot, "/", false);
        compare(statistics, snapshot, "/", false);
        for (int i = 0; i < 3; i++) {
            compare(statistics, snapshot, "/", true);
        }

        assertThat(statistics.agreement(Colour.GREEN, snapshot)).isEqualTo(new MirrorReport.Agreement(4, 3));
        assertThat(statistics.agreement(Colour.BLUE, snapshot)).isEqualTo(new MirrorReport.Agreement(0, 0));

        RoutingSnapshot deployed = admin.deploy(Deployment.of(Colour.GREEN, "v3", List.of(Backend.of("127.0.0.1", 3))));
        assertThat(statistics.agreement(Colour.GREEN, deployed)).isEqualTo(new MirrorReport.Agreement(0, 0));
        compare(statistics, deployed, "/", true);
        assertThat(statistics.agreement(Colour.GREEN, deployed)).isEqualTo(new MirrorReport.Agreement(1, 1));
        assertThat(statistics.agreement(Colour.GREEN, snapshot)).as("the old pool's pairs are gone")
                .isEqualTo(new MirrorReport.Agreement(0, 0));
    }

    @Test
    void aLatePairOfAPoolDeployedAway_isCounted_butLeavesTheNewPoolsAgreementAlone() {
        MirrorStatistics statistics = new MirrorStatistics(MirrorSettings.percent(100));
        RoutingSnapshot before = admin.snapshot();
        RoutingSnapshot deployed = admin.deploy(Deployment.of(Colour.GREEN, "v3", List.of(Backend.of("127.0.0.1", 3))));
        compare(statistics, deployed, "/", true);
        compare(statistics, deployed, "/", true);

        // The answer to a mirror that went to v2 before the deploy comes last.
        compare(statistics, before, "/", false);

        assertThat(statistics.agreement(Colour.GREEN, deployed)).isEqualTo(new MirrorReport.Agreement(2, 2));
        MirrorReport report = statistics.report(deployed, 0, 0, Colour.GREEN, null);
        assertThat(report.matched()).isEqualTo(2);
        assertThat(report.mismatched()).isOne();
    }

    @Test
    void theGuard_refusesWithTooFewPairs_sayingHowMany_thenJudgesTheRatio() {
        MirrorStatistics statistics = new MirrorStatistics(MirrorSettings.percent(100));
        MirrorAgreementGuard guard = new MirrorAgreementGuard(statistics, 0.9, 10);
        RoutingSnapshot snapshot = admin.snapshot();
        compare(statistics, snapshot, "/", true);

        assertThat(judge(guard, snapshot)).isEqualTo(GuardVerdict.fail(
                "green has 1 compared pair of shadow traffic (need at least 10)"));

        for (int i = 0; i < 8; i++) {
            compare(statistics, snapshot, "/", true);
        }
        compare(statistics, snapshot, "/", false);
        GuardVerdict passed = judge(guard, snapshot);
        assertThat(passed.passed()).isTrue();
        assertThat(passed.reason()).isEqualTo("green agreed on 9 of its last 10 compared pairs (0.9000; need 0.9)");

        compare(statistics, snapshot, "/", false);
        assertThat(judge(guard, snapshot)).isEqualTo(GuardVerdict.fail(
                "green agreed on 9 of its last 11 compared pairs (0.8182; need 0.9)"));
        assertThat(guard.name()).isEqualTo("mirror-agreement");
    }
}
