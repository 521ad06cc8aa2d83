package dev.bluegreen.proxy.watch;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Colour;
import java.time.Instant;

/**
 * Something the watch did, with the figures it judged by.
 *
 * @param kind           what happened
 * @param generation     the routing generation the watch or plan step is about (for {@link Kind#ROLLED_BACK}: the
 *                       rollback's)
 * @param colour         the colour judged: the one a change made live, or a shift plan's target
 * @param shiftPercent   the share of new requests the judged colour gets: 100 after a switch, the step's percent in
 *                       a shift plan
 * @param figures        the judged colour's figures at that moment ({@link WatchFigures#NONE} when not judged)
 * @param baseline       what it is compared with: the other colour's figures before the change, or during the
 *                       same time for a shift plan
 * @param breach         the rule that was broken, for {@link Kind#BREACHED}, {@link Kind#ROLLED_BACK} and
 *                       {@link Kind#ROLLBACK_FAILED}; {@code null} otherwise
 * @param at             when, by the watch's clock
 * @param message        one line that says it all, as logged
 */
public record WatchEvent(Kind kind, long generation, Colour colour, int shiftPercent, WatchFigures figures,
                         WatchFigures baseline, Breach breach, Instant at, String message) {

    /** What happened. */
    public enum Kind {
        /** A change made a colour live; the watch took the baseline and judges it until the bake window ends. */
        STARTED,
        /** The bake window ended without a breach. */
        PASSED,
        /** Another change came before the bake window ended (or a shift plan's own change did not come back). */
        ENDED,
        /** A rule was broken; the rollback is under way. */
        BREACHED,
        /** The automatic rollback was applied. */
        ROLLED_BACK,
        /** The automatic rollback was refused (someone changed the routing meanwhile) or failed. */
        ROLLBACK_FAILED,
        /** A shift plan moved its target to the next percentage. */
        STEPPED,
        /** A shift plan reached 100 % and promoted its target. */
        PROMOTED
    }

    /** @throws NullPointerException if a component other than {@code breach} is {@code null} */
    public WatchEvent {
        requireNonNull(kind, "kind");
        requireNonNull(colour, "colour");
        requireNonNull(figures, "figures");
        requireNonNull(baseline, "baseline");
        requireNonNull(at, "at");
        requireNonNull(message, "message");
    }
}
