package dev.bluegreen.proxy.internal.health;

import dev.bluegreen.proxy.HealthCheckSettings;
import dev.bluegreen.proxy.OutlierEjection;
import java.time.Duration;

/**
 * Everything about backend health a proxy was built with; validated by {@code BlueGreenProxyBuilder}.
 *
 * @param checks             the active checks, or {@code null} for none
 * @param ejection           passive outlier ejection, or {@code null} for none
 * @param guardMinHealthy    the healthy-target guard needs at least this many healthy backends (0 with no guard)
 * @param guardMinShare      ... and at least this share of the target pool healthy (0 for no share rule)
 * @param prewarmConnections connections each event loop opens to each backend of the target pool before a switch
 *                           (0: no pre-warm)
 * @param slowStart          how long a backend that came back takes to reach its full share of new requests
 *                           ({@link Duration#ZERO}: at once)
 */
public record HealthSettings(HealthCheckSettings checks, OutlierEjection ejection, int guardMinHealthy,
                             double guardMinShare, int prewarmConnections, Duration slowStart) {

    /** No checks, no ejection, no guard, no pre-warm, no slow start: the library default. */
    public static final HealthSettings OFF = new HealthSettings(null, null, 0, 0, 0, Duration.ZERO);

    /** Whether the healthy-target guard is installed. */
    public boolean guarded() {
        return checks != null && (guardMinHealthy > 0 || guardMinShare > 0);
    }

    /** Whether load balancing must look at health at all (checks or ejection on). */
    public boolean tracksHealth() {
        return checks != null || ejection != null;
    }

    /** Whether a backend that came back is given its share of new requests gradually: slow start, with health. */
    public boolean slowStarts() {
        return tracksHealth() && !slowStart.isZero();
    }

    /** How many healthy backends a target pool of {@code poolSize} needs for the guard: never fewer than one. */
    public int requiredHealthy(int poolSize) {
        int byShare = (int) Math.ceil(poolSize * guardMinShare - 1e-9);
        return Math.max(1, Math.max(guardMinHealthy, byShare));
    }
}
