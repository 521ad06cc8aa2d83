package dev.bluegreen.core;

import static dev.bluegreen.core.Fixtures.BLUE_1;
import static dev.bluegreen.core.Fixtures.GREEN_1;
import static dev.bluegreen.core.Fixtures.T0;
import static dev.bluegreen.core.Fixtures.assertRefusedAndUnchanged;
import static dev.bluegreen.core.Fixtures.bothPools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import dev.bluegreen.core.ChangeRefusedException.Refusal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** switchTo, promote and rollback: what they change, and every refusal leaving everything as it was. */
class BlueGreenSwitchTest {

    private final MutableClock clock = new MutableClock(T0);
    private final BlueGreen blueGreen = bothPools(clock).build();

    @AfterEach
    void close() {
        blueGreen.close();
    }

    @Test
    void switchTo_idleColour_makesItLiveAndRemembersTheOldOne() {
        RoutingSnapshot before = blueGreen.snapshot();
        clock.advance(Duration.ofSeconds(30));

        RoutingSnapshot after = blueGreen.switchTo(Colour.GREEN);

        assertThat(after.generation()).isEqualTo(before.generation() + 1);
        assertThat(after.live()).isEqualTo(Colour.GREEN);
        assertThat(after.rollbackTarget()).isEqualTo(Colour.BLUE);
        assertThat(after.lastChange()).isEqualTo(ChangeKind.SWITCH);
        assertThat(after.reason()).isEqualTo("switch BLUE -> GREEN");
        assertThat(after.actor()).isEqualTo("app");
        assertThat(after.changedAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(after.blue()).isSameAs(before.blue());
        assertThat(after.green()).isSameAs(before.green());
        assertThat(blueGreen.snapshot()).isSameAs(after);
    }

    @Test
    void switchTo_withCurrentGeneration_applies() {
        RoutingSnapshot after = blueGreen.switchTo(Colour.GREEN, 0);

        assertThat(after.generation()).isEqualTo(1);
        assertThat(after.live()).isEqualTo(Colour.GREEN);
    }

    @Test
    void switchTo_liveColour_isRefusedAndChangesNothing() {
        assertRefusedAndUnchanged(blueGreen, Refusal.ALREADY_LIVE, "switch to BLUE refused: BLUE is already live",
                () -> blueGreen.switchTo(Colour.BLUE));
    }

    @Test
    void switchTo_emptyPool_isRefusedAndChangesNothing() {
        try (BlueGreen onlyBlue = BlueGreen.builder().blue("v1", BLUE_1).build()) {
            assertRefusedAndUnchanged(onlyBlue, Refusal.EMPTY_POOL,
                    "switch to GREEN refused: the GREEN pool has no backends", () -> onlyBlue.switchTo(Colour.GREEN));
        }
    }

    @Test
    void switchTo_staleGeneration_isRefusedAndChangesNothing() {
        blueGreen.switchTo(Colour.GREEN);

        assertRefusedAndUnchanged(blueGreen, Refusal.STALE_GENERATION,
                "switch to BLUE refused: expected generation 0 but it is 1", () -> blueGreen.switchTo(Colour.BLUE, 0));
    }

    @Test
    void switchTo_futureGeneration_isRefusedAsStale() {
        assertRefusedAndUnchanged(blueGreen, Refusal.STALE_GENERATION, "expected generation 5 but it is 0",
                () -> blueGreen.switchTo(Colour.GREEN, 5));
    }

    @Test
    void switchTo_expectedGenerationBelowAny_isAnIllegalArgument() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> blueGreen.switchTo(Colour.GREEN, -2))
                .withMessage("expectedGeneration: -2 (expected: >= 0, or ANY_GENERATION (-1))");
    }

    @Test
    void promote_makesTheIdleColourLive() {
        RoutingSnapshot first = blueGreen.promote();
        RoutingSnapshot second = blueGreen.promote(1);

        assertThat(first.live()).isEqualTo(Colour.GREEN);
        assertThat(first.lastChange()).isEqualTo(ChangeKind.PROMOTE);
        assertThat(first.reason()).isEqualTo("promote BLUE -> GREEN");
        assertThat(first.rollbackTarget()).isEqualTo(Colour.BLUE);
        assertThat(second.generation()).isEqualTo(2);
        assertThat(second.live()).isEqualTo(Colour.BLUE);
        assertThat(second.rollbackTarget()).isEqualTo(Colour.GREEN);
        assertThat(second.reason()).isEqualTo("promote GREEN -> BLUE");
    }

    @Test
    void promote_emptyIdlePool_isRefusedAndChangesNothing() {
        try (BlueGreen onlyBlue = BlueGreen.builder().blue("v1", BLUE_1).build()) {
            assertRefusedAndUnchanged(onlyBlue, Refusal.EMPTY_POOL,
                    "promote to GREEN refused: the GREEN pool has no backends", onlyBlue::promote);
        }
    }

    @Test
    void promote_staleGeneration_isRefusedAndChangesNothing() {
        blueGreen.promote();

        assertRefusedAndUnchanged(blueGreen, Refusal.STALE_GENERATION,
                "promote refused: expected generation 0 but it is 1", () -> blueGreen.promote(0));
    }

    @Test
    void rollback_afterSwitch_bringsThePreviousColourBack() {
        blueGreen.switchTo(Colour.GREEN);
        clock.advance(Duration.ofMinutes(2));

        RoutingSnapshot after = blueGreen.rollback();

        assertThat(after.generation()).isEqualTo(2);
        assertThat(after.live()).isEqualTo(Colour.BLUE);
        assertThat(after.rollbackTarget()).isNull();
        assertThat(after.lastChange()).isEqualTo(ChangeKind.ROLLBACK);
        assertThat(after.reason()).isEqualTo("rollback GREEN -> BLUE");
        assertThat(after.changedAt()).isEqualTo(T0.plus(Duration.ofMinutes(2)));
    }

    @Test
    void rollback_atStart_isRefusedAndChangesNothing() {
        assertRefusedAndUnchanged(blueGreen, Refusal.NO_ROLLBACK_TARGET, "rollback refused: there is no previous",
                blueGreen::rollback);
    }

    @Test
    void rollback_afterRollback_isRefusedAndChangesNothing() {
        blueGreen.switchTo(Colour.GREEN);
        blueGreen.rollback();

        assertRefusedAndUnchanged(blueGreen, Refusal.NO_ROLLBACK_TARGET, "rollback refused",
                blueGreen::rollback);
    }

    @Test
    void rollback_afterRedeployingTheRollbackTarget_isRefusedAndChangesNothing() {
        blueGreen.switchTo(Colour.GREEN);
        RoutingSnapshot redeployed = blueGreen.deploy(Colour.BLUE, "v3", List.of(Fixtures.BLUE_2));
        assertThat(redeployed.rollbackTarget()).isNull();

        assertRefusedAndUnchanged(blueGreen, Refusal.NO_ROLLBACK_TARGET, "rollback refused",
                blueGreen::rollback);
    }

    @Test
    void rollback_toAnEmptyPool_isRefusedAndChangesNothing() {
        // Blue starts live but empty, so after a switch the rollback target has no backends.
        try (BlueGreen emptyBlue = BlueGreen.builder().green("v2", GREEN_1).build()) {
            emptyBlue.switchTo(Colour.GREEN);

            assertRefusedAndUnchanged(emptyBlue, Refusal.EMPTY_POOL,
                    "rollback to BLUE refused: the BLUE pool has no backends", emptyBlue::rollback);
        }
    }

    @Test
    void rollback_staleGeneration_isRefusedAndChangesNothing() {
        blueGreen.switchTo(Colour.GREEN);

        assertRefusedAndUnchanged(blueGreen, Refusal.STALE_GENERATION,
                "rollback refused: expected generation 0 but it is 1", () -> blueGreen.rollback(0));
    }

    @Test
    void switchAfterRollback_canBeRolledBackAgain() {
        blueGreen.switchTo(Colour.GREEN);
        blueGreen.rollback();

        RoutingSnapshot switched = blueGreen.switchTo(Colour.GREEN);
        RoutingSnapshot rolledBack = blueGreen.rollback(switched.generation());

        assertThat(rolledBack.generation()).isEqualTo(4);
        assertThat(rolledBack.live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void verbs_afterClose_areIllegalState() {
        blueGreen.close();

        assertThatIllegalStateException()
                .isThrownBy(() -> blueGreen.switchTo(Colour.GREEN))
                .withMessage("switch to GREEN refused: this BlueGreen is closed");
        assertThat(blueGreen.snapshot().generation()).isZero();
    }
}
