package dev.bluegreen.proxy;

import dev.bluegreen.core.Colour;
import java.time.Duration;

/**
 * How a drain ended.
 *
 * @param colour             the colour that was drained
 * @param generation         the routing generation that took it out of service
 * @param outcome            why the drain ended
 * @param took               from the start of the drain to its end
 * @param exchangesAtStart   exchanges the colour had under way when the drain began
 * @param connectionsAtStart upstream connections the colour had open when the drain began
 * @param forcedClosed       exchanges closed at the deadline rather than finished (0 unless {@code DEADLINE})
 */
public record DrainReport(Colour colour, long generation, Outcome outcome, Duration took, long exchangesAtStart,
                          long connectionsAtStart, long forcedClosed) {

    /** Why a drain ended. */
    public enum Outcome {
        /** Everything under way finished, and every busy connection went idle or closed, before the deadline. */
        DRAINED,
        /** The deadline came first; what was left was closed. */
        DEADLINE,
        /** The colour was made live again (a rollback during the drain); its connections were kept. */
        CANCELLED,
        /** The proxy stopped during the drain. */
        STOPPED
    }
}
