package dev.bluegreen.proxy.watch;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Colour;

/**
 * How a {@link ShiftPlan} ended.
 *
 * @param result     how
 * @param target     the plan's target
 * @param percent    the last percentage its target reached (100 when promoted)
 * @param generation the routing generation the plan's last change produced (the rollback's when rolled back)
 * @param breach     the broken rule, for {@link Result#ROLLED_BACK} and a failed rollback; {@code null} otherwise
 * @param message    one line that says why
 */
public record ShiftOutcome(Result result, Colour target, int percent, long generation, Breach breach,
                           String message) {

    /** How a plan ended. */
    public enum Result {
        /** Every step passed and the target was promoted. */
        PROMOTED,
        /** A step breached a rule; the shift was rolled back to 0. */
        ROLLED_BACK,
        /**
         * The plan stopped where it was: a step was refused (a guard, a stale generation), someone else changed the
         * routing, its rollback was refused, or the proxy stopped.
         */
        HALTED
    }

    /** @throws NullPointerException if a component other than {@code breach} is {@code null} */
    public ShiftOutcome {
        requireNonNull(result, "result");
        requireNonNull(target, "target");
        requireNonNull(message, "message");
    }
}
