package dev.bluegreen.core;

import static dev.bluegreen.core.Fixtures.T0;
import static dev.bluegreen.core.Fixtures.assertRefusedAndUnchanged;
import static dev.bluegreen.core.Fixtures.bothPools;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.bluegreen.core.ChangeRefusedException.Refusal;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** shift(colour, percent): the share moves, the live colour doesn't; promote completes it, rollback undoes it. */
class BlueGreenShiftTest {

    private final MutableClock clock = new MutableClock(T0);
    private final BlueGreen blueGreen = bothPools(clock).build();

    @AfterEach
    void close() {
        blueGreen.close();
    }

    @Test
    void shift_setsTheShareOfTheIdleColour_andKeepsTheLiveOne() {
        RoutingSnapshot after = blueGreen.shift(Colour.GREEN, 10);

        assertThat(after.live()).isEqualTo(Colour.BLUE);
        assertThat(after.shiftPercent()).isEqualTo(10);
        assertThat(after.isShifting()).isTrue();
        assertThat(after.lastChange()).isEqualTo(ChangeKind.SHIFT);
        assertThat(after.reason()).isEqualTo("shift 0% -> 10% to GREEN");

        assertThat(blueGreen.shift(Colour.GREEN, 50).reason()).isEqualTo("shift 10% -> 50% to GREEN");
    }

    @Test
    void promote_completesTheShift() {
        blueGreen.shift(Colour.GREEN, 50);

        RoutingSnapshot after = blueGreen.promote();

        assertThat(after.live()).isEqualTo(Colour.GREEN);
        assertThat(after.shiftPercent()).isZero();
        assertThat(after.rollbackTarget()).isEqualTo(Colour.BLUE);
    }

    @Test
    void rollback_duringAShift_returnsItToZero_andKeepsTheLiveColour() {
        blueGreen.switchTo(Colour.GREEN);
        blueGreen.shift(Colour.BLUE, 30);

        RoutingSnapshot after = blueGreen.rollback();

        assertThat(after.live()).isEqualTo(Colour.GREEN);
        assertThat(after.shiftPercent()).isZero();
        assertThat(after.lastChange()).isEqualTo(ChangeKind.ROLLBACK);
        assertThat(after.rollbackTarget()).isEqualTo(Colour.BLUE);
        assertThat(after.reason()).isEqualTo("rollback shift 30% -> 0% to BLUE");
    }

    @Test
    void deployToTheIdleColour_endsTheShift() {
        blueGreen.shift(Colour.GREEN, 40);

        RoutingSnapshot after = blueGreen.deploy(Colour.GREEN, "v3", List.of(Fixtures.GREEN_2));

        assertThat(after.shiftPercent()).isZero();
    }

    @Test
    void refusals_andBadPercentages() {
        assertRefusedAndUnchanged(blueGreen, Refusal.ALREADY_LIVE, "BLUE is live",
                () -> blueGreen.shift(Colour.BLUE, 10));
        blueGreen.deploy(Colour.GREEN, "none", List.of());
        assertRefusedAndUnchanged(blueGreen, Refusal.EMPTY_POOL, "the GREEN pool has no backends",
                () -> blueGreen.shift(Colour.GREEN, 10));
        assertRefusedAndUnchanged(blueGreen, Refusal.NO_CHANGE, "GREEN already has 0% of new requests",
                () -> blueGreen.shift(Colour.GREEN, 0));

        assertThatIllegalArgumentException().isThrownBy(() -> blueGreen.shift(Colour.GREEN, 101))
                .withMessage("percent: 101 (expected: 0-100)");
        assertThatIllegalArgumentException().isThrownBy(() -> blueGreen.shiftAsync(Colour.GREEN, -1))
                .withMessage("percent: -1 (expected: 0-100)");
    }

    @Test
    void aShiftToTheShareInEffect_isRefused_andMakesNoGeneration() {
        RoutingSnapshot shifted = blueGreen.shift(Colour.GREEN, 30);

        assertRefusedAndUnchanged(blueGreen, Refusal.NO_CHANGE,
                "shift 30% to GREEN refused: GREEN already has 30% of new requests",
                () -> blueGreen.shift(Colour.GREEN, 30));
        assertThat(blueGreen.snapshot()).isEqualTo(shifted);
        assertThat(blueGreen.shift(Colour.GREEN, 0).generation()).isEqualTo(shifted.generation() + 1);
    }

    @Test
    void guardsRunForAShiftUp_butNotForAShiftBackToZero() {
        AtomicInteger checks = new AtomicInteger();
        blueGreen.addGuard(new SwitchGuard() {
            @Override
            public String name() {
                return "counting";
            }

            @Override
            public CompletableFuture<GuardVerdict> check(GuardContext context) {
                checks.incrementAndGet();
                assertThat(context.kind()).isEqualTo(ChangeKind.SHIFT);
                return CompletableFuture.completedFuture(GuardVerdict.pass());
            }
        });

        blueGreen.shift(Colour.GREEN, 20);
        blueGreen.shift(Colour.GREEN, 0);

        assertThat(checks).hasValue(1);
    }

    @Test
    void snapshot_refusesAShareOutsideZeroToHundred() {
        RoutingSnapshot initial = blueGreen.snapshot();
        assertThatIllegalArgumentException().isThrownBy(() -> new RoutingSnapshot(1, Colour.BLUE, initial.blue(),
                        initial.green(), null, ChangeKind.SHIFT, T0, "x", "y", 101, false))
                .withMessage("shiftPercent: 101 (expected: 0-100)");
    }
}
