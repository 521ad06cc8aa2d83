package dev.bluegreen.proxy.watch;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.internal.Texts;
import java.time.Duration;

/**
 * A gradual move of new requests to the idle colour, in steps judged by the {@link AutoRollback} rules, started
 * with {@link dev.bluegreen.proxy.BlueGreenProxy#startShift(ShiftPlan)}. A linear plan shifts {@code stepPercent} at
 * once, then, each {@code stepInterval} that passes without a breach, {@code stepPercent} more; once 100 % has been
 * held for a step without a breach it promotes the target. On a breach, at any evaluation during any step, it rolls back (the shift
 * returns to 0) and stops.
 *
 * @param target       the colour to move to; idle when the plan starts
 * @param stepPercent  how much each step adds, 1..100
 * @param stepInterval how long each step is held and judged before the next
 */
public record ShiftPlan(Colour target, int stepPercent, Duration stepInterval) {

    /**
     * Validates the plan.
     *
     * @throws IllegalArgumentException if {@code stepPercent} is outside 1..100 or {@code stepInterval} is not
     *         positive
     */
    public ShiftPlan {
        requireNonNull(target, "target");
        Texts.requirePositive("stepInterval", stepInterval);
        if (stepPercent < 1 || stepPercent > 100) {
            throw new IllegalArgumentException("stepPercent: " + stepPercent + " (expected: 1-100)");
        }
    }

    /** {@code new ShiftPlan(target, stepPercent, stepInterval)}: e.g. 10 % more every minute. */
    public static ShiftPlan linear(Colour target, int stepPercent, Duration stepInterval) {
        return new ShiftPlan(target, stepPercent, stepInterval);
    }

    /** The percentage after {@code percent}: {@code stepPercent} more, at most 100. */
    public int next(int percent) {
        return Math.min(100, percent + stepPercent);
    }
}
