package dev.bluegreen.proxy;

/** What the active health checks last concluded about a backend. */
public enum HealthState {
    /** Passed its checks (rise in a row, or its first check). Takes traffic and counts for the switch guard. */
    HEALTHY,
    /** Failed its checks (fall in a row, or its first check). Takes no traffic. */
    UNHEALTHY,
    /**
     * Never checked (checks are off, or its first check has not ended). Takes traffic, so a proxy without checks
     * works, but does not count for the switch guard.
     */
    UNKNOWN
}
