package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * How the proxy checks its backends actively: every {@code interval} it sends {@code GET path} to each backend of both
 * pools, on a new connection, and counts the check as passed if a response head with a status in
 * {@code minStatus..maxStatus} arrives within {@code timeout}. A backend becomes healthy after {@code rise} passes
 * in a row and unhealthy after {@code fall} failures in a row. A backend not checked yet is healthy at its first
 * pass, and unhealthy only after {@code fall} failures (it takes traffic meanwhile), so one slow first check
 * doesn't take a pool out.
 *
 * <pre>{@code
 * HealthCheckSettings checks = HealthCheckSettings.defaults().withPath("/ready").withInterval(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p>The defaults follow HAProxy's: {@code GET /health} every 2 s, 1 s timeout, rise 2, fall 3, 2xx and 3xx pass.
 * Immutable; each {@code withX} validates its value and returns a copy.
 *
 * @param path      the request target, starting with {@code /}
 * @param interval  the time between the end of one check of a backend and the start of the next
 * @param timeout   how long a check may take, connect included
 * @param rise      passes in a row that make an unhealthy backend healthy
 * @param fall      failures in a row that make a healthy backend unhealthy
 * @param minStatus the lowest status that passes
 * @param maxStatus the highest status that passes
 */
public record HealthCheckSettings(String path, Duration interval, Duration timeout, int rise, int fall,
                                  int minStatus, int maxStatus) {

    /** The default path, {@value}. */
    public static final String DEFAULT_PATH = "/health";

    /**
     * Validates every component.
     *
     * @throws IllegalArgumentException naming the component, its value and what was expected
     */
    public HealthCheckSettings {
        requireNonNull(path, "path");
        if (!path.startsWith("/") || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("path: '" + path + "' (expected: starts with /, visible ASCII)");
        }
        positive("interval", interval);
        positive("timeout", timeout);
        if (timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: at most 24 days)");
        }
        range("rise", rise, 1, 100);
        range("fall", fall, 1, 100);
        range("minStatus", minStatus, 100, 599);
        range("maxStatus", maxStatus, minStatus, 599);
    }

    /** {@code GET /health} every 2 s, 1 s timeout, rise 2, fall 3, statuses 200-399 pass. */
    public static HealthCheckSettings defaults() {
        return new HealthCheckSettings(DEFAULT_PATH, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3, 200, 399);
    }

    /** A copy that checks {@code path}. */
    public HealthCheckSettings withPath(String path) {
        return new HealthCheckSettings(path, interval, timeout, rise, fall, minStatus, maxStatus);
    }

    /** A copy that checks every {@code interval}. */
    public HealthCheckSettings withInterval(Duration interval) {
        return new HealthCheckSettings(path, interval, timeout, rise, fall, minStatus, maxStatus);
    }

    /** A copy whose checks time out after {@code timeout}. */
    public HealthCheckSettings withTimeout(Duration timeout) {
        return new HealthCheckSettings(path, interval, timeout, rise, fall, minStatus, maxStatus);
    }

    /** A copy with the given rise (passes in a row to become healthy) and fall (failures to become unhealthy). */
    public HealthCheckSettings withThresholds(int rise, int fall) {
        return new HealthCheckSettings(path, interval, timeout, rise, fall, minStatus, maxStatus);
    }

    /** A copy where statuses {@code min..max} pass. */
    public HealthCheckSettings withPassingStatuses(int min, int max) {
        return new HealthCheckSettings(path, interval, timeout, rise, fall, min, max);
    }

    /** Whether {@code status} passes. */
    public boolean passes(int status) {
        return status >= minStatus && status <= maxStatus;
    }

    private static void positive(String name, Duration value) {
        requireNonNull(value, name);
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
        }
    }

    private static void range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + "-" + max + ")");
        }
    }
}
