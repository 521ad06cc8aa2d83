package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.time.Duration;

/**
 * Passive outlier ejection: a backend whose requests fail {@code consecutiveFailures} times in a row (connect
 * failures, and 5xx responses from the backend itself) is taken out of load balancing for a while, without waiting
 * for the active checks.
 *
 * <pre>{@code
 * OutlierEjection ejection = OutlierEjection.defaults().withConsecutiveFailures(3);
 * }</pre>
 *
 * <p>The n-th ejection of a backend lasts {@code baseEjectionTime × n}, at most {@code maxEjectionTime}; n falls
 * back by one for every base period the backend spends without being ejected. At most {@code maxEjectedShare} of a
 * pool's backends are ejected at once, rounded down but at least one; and never the last backend of the pool that
 * is not ejected: ejection steers requests around a bad member, it never empties a pool (that is the active health
 * checks' job, which can tell that a backend is down rather than unlucky).
 *
 * <p>The defaults follow Envoy's: 5 failures in a row, 30 s base, 300 s cap, at most 10 %. Immutable.
 *
 * @param consecutiveFailures failures in a row that eject a backend
 * @param baseEjectionTime    how long the first ejection lasts
 * @param maxEjectionTime     the longest an ejection lasts
 * @param maxEjectedShare     the share of a pool that may be ejected at once, above 0 and at most 1
 */
public record OutlierEjection(int consecutiveFailures, Duration baseEjectionTime, Duration maxEjectionTime,
                              double maxEjectedShare) {

    /**
     * Validates every component.
     *
     * @throws IllegalArgumentException naming the component, its value and what was expected
     */
    public OutlierEjection {
        if (consecutiveFailures < 1 || consecutiveFailures > 1000) {
            throw new IllegalArgumentException("consecutiveFailures: " + consecutiveFailures + " (expected: 1-1000)");
        }
        Texts.requirePositive("baseEjectionTime", baseEjectionTime);
        requireNonNull(maxEjectionTime, "maxEjectionTime");
        if (maxEjectionTime.compareTo(baseEjectionTime) < 0) {
            throw new IllegalArgumentException("maxEjectionTime: " + Texts.duration(maxEjectionTime)
                    + " (expected: >= baseEjectionTime " + Texts.duration(baseEjectionTime) + ")");
        }
        if (!(maxEjectedShare > 0 && maxEjectedShare <= 1)) {
            throw new IllegalArgumentException("maxEjectedShare: " + maxEjectedShare + " (expected: > 0 and <= 1)");
        }
    }

    /** 5 failures in a row, 30 s base, 300 s cap, at most 10 % of a pool (at least one backend). */
    public static OutlierEjection defaults() {
        return new OutlierEjection(5, Duration.ofSeconds(30), Duration.ofSeconds(300), 0.1);
    }

    /** A copy that ejects after {@code failures} failures in a row. */
    public OutlierEjection withConsecutiveFailures(int failures) {
        return new OutlierEjection(failures, baseEjectionTime, maxEjectionTime, maxEjectedShare);
    }

    /** A copy whose ejections last {@code base × n}, at most {@code max}. */
    public OutlierEjection withEjectionTime(Duration base, Duration max) {
        return new OutlierEjection(consecutiveFailures, base, max, maxEjectedShare);
    }

    /** A copy that ejects at most {@code share} of a pool at once (at least one backend). */
    public OutlierEjection withMaxEjectedShare(double share) {
        return new OutlierEjection(consecutiveFailures, baseEjectionTime, maxEjectionTime, share);
    }

    /**
     * How many backends of a pool of {@code poolSize} may be ejected at once: the share rounded down, at least one,
     * but never the whole pool.
     */
    public int maxEjected(int poolSize) {
        int byShare = Math.max(1, (int) Math.floor(poolSize * maxEjectedShare));
        return Math.max(0, Math.min(byShare, poolSize - 1));
    }
}
