package dev.bluegreen.proxy.internal.health;

/** What an exchange's response tells about its backend, for passive outlier ejection. */
public final class PassiveHealth {

    private PassiveHealth() {
    }

    /** The backend answered with {@code status} (a final response): 5xx counts as a failure, the rest as success. */
    public static void responded(HealthRegistry registry, BackendHealthTracker tracker, int status) {
        if (status >= 500) {
            registry.requestFailed(tracker, "status " + status);
        } else {
            tracker.requestSucceeded();
        }
    }
}
