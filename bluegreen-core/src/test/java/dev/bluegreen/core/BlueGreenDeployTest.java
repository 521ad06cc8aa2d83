package dev.bluegreen.core;

import static dev.bluegreen.core.Fixtures.BLUE_1;
import static dev.bluegreen.core.Fixtures.BLUE_2;
import static dev.bluegreen.core.Fixtures.GREEN_1;
import static dev.bluegreen.core.Fixtures.GREEN_2;
import static dev.bluegreen.core.Fixtures.T0;
import static dev.bluegreen.core.Fixtures.assertRefusedAndUnchanged;
import static dev.bluegreen.core.Fixtures.bothPools;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.ChangeRefusedException.Refusal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BlueGreenDeployTest {

    private final MutableClock clock = new MutableClock(T0);
    private final BlueGreen blueGreen = bothPools(clock).build();

    @AfterEach
    void close() {
        blueGreen.close();
    }

    @Test
    void deploy_idleColour_replacesItsPoolAndKeepsTheLiveColour() {
        RoutingSnapshot before = blueGreen.snapshot();
        Backend third = Backend.of("10.0.1.3", 8080);
        clock.advance(Duration.ofSeconds(1));

        RoutingSnapshot after = blueGreen.deploy(Colour.GREEN, "v3", List.of(GREEN_1, GREEN_2, third));

        assertThat(after.generation()).isEqualTo(1);
        assertThat(after.live()).isEqualTo(Colour.BLUE);
        assertThat(after.lastChange()).isEqualTo(ChangeKind.DEPLOY);
        assertThat(after.reason()).isEqualTo("deploy GREEN v3 (3 backends)");
        assertThat(after.changedAt()).isEqualTo(T0.plusSeconds(1));
        assertThat(after.green().version()).isEqualTo("v3");
        assertThat(after.green().backends()).containsExactly(GREEN_1, GREEN_2, third);
        assertThat(after.blue()).isSameAs(before.blue());
    }

    @Test
    void deploy_emptyListToIdleColour_clearsThePool() {
        RoutingSnapshot after = blueGreen.deploy(Colour.GREEN, "retired", List.of());

        assertThat(after.green().isEmpty()).isTrue();
        assertThat(after.reason()).isEqualTo("deploy GREEN retired (0 backends)");
    }

    @Test
    void deploy_liveColourForced_keepsTheRollbackTarget() {
        blueGreen.switchTo(Colour.GREEN);
        blueGreen.rollback();
        blueGreen.switchTo(Colour.GREEN);
        // Live GREEN, rollback target BLUE; a forced deployment to GREEN leaves BLUE as the target.
        RoutingSnapshot after = blueGreen.deploy(Deployment.of(Colour.GREEN, "v2.1", List.of(GREEN_2)).forced());

        assertThat(after.rollbackTarget()).isEqualTo(Colour.BLUE);
    }

    @Test
    void deploy_rollbackTarget_clearsIt() {
        blueGreen.switchTo(Colour.GREEN);

        RoutingSnapshot after = blueGreen.deploy(Colour.BLUE, "v3", List.of(BLUE_2));

        assertThat(after.live()).isEqualTo(Colour.GREEN);
        assertThat(after.rollbackTarget()).isNull();
        assertThat(after.rollbackColour()).isEmpty();
    }

    @Test
    void deploy_liveColourNotForced_isRefusedAndChangesNothing() {
        assertRefusedAndUnchanged(blueGreen, Refusal.LIVE_POOL_NOT_FORCED, "deploy to BLUE refused: BLUE is live",
                () -> blueGreen.deploy(Colour.BLUE, "v1.1", List.of(BLUE_1)));
    }

    @Test
    void deploy_liveColourForced_replacesTheLivePool() {
        RoutingSnapshot after = blueGreen.deploy(Deployment.of(Colour.BLUE, "v1.1", List.of(BLUE_2)).forced());

        assertThat(after.live()).isEqualTo(Colour.BLUE);
        assertThat(after.blue().version()).isEqualTo("v1.1");
        assertThat(after.blue().backends()).containsExactly(BLUE_2);
        assertThat(after.reason()).isEqualTo("deploy BLUE v1.1 (1 backend, live pool)");
    }

    @Test
    void deploy_forcedEmptyListToLiveColour_isRefusedAndChangesNothing() {
        assertRefusedAndUnchanged(blueGreen, Refusal.EMPTY_POOL,
                "deploy to BLUE refused: it would leave the live BLUE pool with no backends",
                () -> blueGreen.deploy(Deployment.of(Colour.BLUE, "v0", List.of()).forced()));
    }

    @Test
    void deploy_staleGeneration_isRefusedAndChangesNothing() {
        blueGreen.switchTo(Colour.GREEN);

        assertRefusedAndUnchanged(blueGreen, Refusal.STALE_GENERATION,
                "deploy to BLUE refused: expected generation 0 but it is 1",
                () -> blueGreen.deploy(Deployment.of(Colour.BLUE, "v3", List.of(BLUE_2)).expectingGeneration(0)));
    }

    @Test
    void deploy_thenPromote_sendsTrafficToTheNewVersion() {
        RoutingSnapshot deployed = blueGreen.deploy(
                Deployment.of(Colour.GREEN, "v3", List.of(GREEN_2)).expectingGeneration(0));
        RoutingSnapshot promoted = blueGreen.promote(deployed.generation());

        assertThat(promoted.generation()).isEqualTo(2);
        assertThat(promoted.liveEnvironment().version()).isEqualTo("v3");
        assertThat(promoted.rollbackTarget()).isEqualTo(Colour.BLUE);
    }
}
