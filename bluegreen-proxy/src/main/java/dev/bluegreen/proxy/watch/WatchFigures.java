package dev.bluegreen.proxy.watch;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.proxy.internal.watch.WatchTexts;
import java.time.Duration;

/**
 * One colour's traffic over a span of time, as the watch judges it (see {@link AutoRollback} for what counts).
 *
 * @param requests      exchanges ended, plus requests the safety net moved off the colour
 * @param errors        of those, the ones that failed (5xx, cut short, moved by the safety net)
 * @param timedRequests exchanges whose latency went into {@link #p99()}
 * @param p99           the 99th percentile latency, as the upper bound of its histogram bucket; zero when
 *                      {@code timedRequests} is 0
 * @param span          the time the figures cover
 */
public record WatchFigures(long requests, long errors, long timedRequests, Duration p99, Duration span) {

    /** No traffic over no time. */
    public static final WatchFigures NONE = new WatchFigures(0, 0, 0, Duration.ZERO, Duration.ZERO);

    /**
     * Validates the figures.
     *
     * @throws IllegalArgumentException if a count is negative or errors exceed requests
     */
    public WatchFigures {
        if (requests < 0 || errors < 0 || timedRequests < 0 || errors > requests) {
            throw new IllegalArgumentException("figures: requests " + requests + ", errors " + errors + ", timed "
                    + timedRequests + " (expected: counts >= 0, errors <= requests)");
        }
        requireNonNull(p99, "p99");
        requireNonNull(span, "span");
    }

    /** {@code errors / requests}, 0 without requests. */
    public double errorRate() {
        return requests == 0 ? 0 : (double) errors / requests;
    }

    /** Short text for logs and the history, e.g. {@code "6/50 errors (12.0%), p99 <= 120 ms over 8 s"}. */
    public String describe() {
        return errors + "/" + requests + " errors (" + WatchTexts.percent(errorRate()) + "), p99 "
                + (timedRequests == 0 ? "n/a" : "<= " + WatchTexts.millis(p99))
                + " over " + WatchTexts.seconds(span);
    }
}
