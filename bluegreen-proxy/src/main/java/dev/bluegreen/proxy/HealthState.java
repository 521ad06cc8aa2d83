package dev.bluegreen.proxy;

/** What the active health checks last concluded about a backend. */
public enum HealthState {
    /** Passed its checks (rise in a row, or its first pass). Takes traffic and counts for the switch guard. */
    HEALTHY,
    /** Failed its checks (fall in a row). Takes no traffic. */
    UNHEALTHY,
    /**
     * Not known yet: checks are off, or it has neither passed a check yet nor failed {@code fall} in a row. Takes
     * traffic, so a proxy without checks works, but does not count for the switch guard.
     */
    UNKNOWN
}
