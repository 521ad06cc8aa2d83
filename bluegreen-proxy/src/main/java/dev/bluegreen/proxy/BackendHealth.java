package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import java.time.Instant;

/**
 * The health of one backend of one pool, as the proxy sees it now: the active checks' verdict and whether passive
 * outlier ejection has taken it out of load balancing.
 *
 * @param colour       the pool
 * @param backend      the backend
 * @param state        the active checks' verdict ({@link HealthState#UNKNOWN} when never checked)
 * @param ejectedUntil when its passive ejection ends, or {@code null} when it is not ejected
 * @param lastChecked  when its last active check ended, or {@code null} when never
 * @param lastReason   why the last check or ejection came out as it did (e.g. {@code "status 503"},
 *                     {@code "connection refused"}), or {@code null}
 */
public record BackendHealth(Colour colour, Backend backend, HealthState state, Instant ejectedUntil,
                            Instant lastChecked, String lastReason) {

    /** Checks the required components. */
    public BackendHealth {
        requireNonNull(colour, "colour");
        requireNonNull(backend, "backend");
        requireNonNull(state, "state");
    }

    /** Whether passive ejection has taken it out of load balancing. */
    public boolean ejected() {
        return ejectedUntil != null;
    }

    /** Whether load balancing may send it requests: not unhealthy and not ejected. */
    public boolean usable() {
        return state != HealthState.UNHEALTHY && !ejected();
    }
}
