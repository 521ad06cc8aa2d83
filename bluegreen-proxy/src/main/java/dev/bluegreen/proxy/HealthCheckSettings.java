package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.time.Duration;

/**
 * How the proxy checks its backends actively: every {@code interval} it sends {@code GET path} to each backend of both
 * pools, on a new connection, and counts the check as passed if a response head with a status in
 * {@code minStatus..maxStatus} arrives within {@code timeout}. The check speaks the pool's
 * {@linkplain BackendProtocols backend protocol}: HTTP/1.1, or one stream of a new HTTP/2 connection.
 *
 * <p>A <em>gRPC check</em> ({@link #grpc()}) calls the standard {@code grpc.health.v1.Health/Check} instead, over
 * HTTP/2: it passes when the call ends with {@code grpc-status 0} and the answer is {@code SERVING};
 * {@code NOT_SERVING}, {@code UNKNOWN}, any other gRPC status (a server without the health service answers
 * {@code UNIMPLEMENTED}) and no answer in time fail. It needs the pools to speak {@link BackendProtocol#H2C h2c} or
 * {@link BackendProtocol#H2 h2}. A backend becomes healthy after {@code rise} passes in a row and unhealthy after
 * {@code fall} failures in a row. A backend not checked yet is healthy at its first pass, and unhealthy only after
 * {@code fall} failures (it takes traffic meanwhile), so one slow first check doesn't take a pool out.
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
 * @param grpcService for a gRPC check, the service asked about ({@code ""}: the server as a whole); {@code null}
 *                    for an HTTP check
 */
public record HealthCheckSettings(String path, Duration interval, Duration timeout, int rise, int fall,
                                  int minStatus, int maxStatus, String grpcService) {

    /** The default path, {@value}. */
    public static final String DEFAULT_PATH = "/health";
    /** The path of a gRPC check, {@value}: the standard health service's {@code Check} method. */
    public static final String GRPC_CHECK_PATH = "/grpc.health.v1.Health/Check";
    /** The longest service name a gRPC check may ask about, in characters. */
    public static final int MAX_GRPC_SERVICE_LENGTH = 1024;

    /**
     * Validates every component.
     *
     * @throws IllegalArgumentException naming the component, its value and what was expected
     */
    public HealthCheckSettings {
        requireNonNull(path, "path");
        if (!path.startsWith("/") || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException(
                    "path: " + Texts.quote(path) + " (expected: starts with /, visible ASCII)");
        }
        Texts.requirePositive("interval", interval);
        Texts.requirePositive("timeout", timeout);
        if (timeout.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("timeout: " + Texts.duration(timeout) + " (expected: at most 24 days)");
        }
        range("rise", rise, 1, 100);
        range("fall", fall, 1, 100);
        range("minStatus", minStatus, 100, 599);
        range("maxStatus", maxStatus, minStatus, 599);
        if (grpcService != null) {
            if (grpcService.length() > MAX_GRPC_SERVICE_LENGTH
                    || grpcService.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("grpcService: " + Texts.quote(grpcService, 100)
                        + " (expected: a service name of at most " + MAX_GRPC_SERVICE_LENGTH
                        + " characters, no control characters)");
            }
            if (!GRPC_CHECK_PATH.equals(path)) {
                throw new IllegalArgumentException("path: '" + path + "' (expected: " + GRPC_CHECK_PATH
                        + " for a gRPC check)");
            }
        }
    }

    /** An HTTP check: as the canonical constructor, with no gRPC service. */
    public HealthCheckSettings(String path, Duration interval, Duration timeout, int rise, int fall, int minStatus,
                               int maxStatus) {
        this(path, interval, timeout, rise, fall, minStatus, maxStatus, null);
    }

    /** {@code GET /health} every 2 s, 1 s timeout, rise 2, fall 3, statuses 200-399 pass. */
    public static HealthCheckSettings defaults() {
        return new HealthCheckSettings(DEFAULT_PATH, Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3, 200, 399);
    }

    /**
     * A gRPC check of the server as a whole ({@code service ""}), with the default timing: every 2 s, 1 s timeout,
     * rise 2, fall 3.
     */
    public static HealthCheckSettings grpc() {
        return defaults().withGrpcService("");
    }

    /**
     * A copy that makes a gRPC check asking about {@code service} ({@code ""} for the server as a whole), keeping the
     * timing and thresholds.
     *
     * @throws IllegalArgumentException if the name is longer than {@value #MAX_GRPC_SERVICE_LENGTH} characters or
     *                                  holds control characters
     */
    public HealthCheckSettings withGrpcService(String service) {
        requireNonNull(service, "service");
        return new HealthCheckSettings(GRPC_CHECK_PATH, interval, timeout, rise, fall, 200, 200, service);
    }

    /** Whether this is a gRPC check rather than an HTTP one. */
    public boolean isGrpc() {
        return grpcService != null;
    }

    /**
     * A copy that checks {@code path}.
     *
     * @throws IllegalArgumentException for a gRPC check, whose path is always {@value #GRPC_CHECK_PATH}
     */
    public HealthCheckSettings withPath(String path) {
        return new HealthCheckSettings(path, interval, timeout, rise, fall, minStatus, maxStatus, grpcService);
    }

    /** A copy that checks every {@code interval}. */
    public HealthCheckSettings withInterval(Duration interval) {
        return new HealthCheckSettings(path, interval, timeout, rise, fall, minStatus, maxStatus, grpcService);
    }

    /** A copy whose checks time out after {@code timeout}. */
    public HealthCheckSettings withTimeout(Duration timeout) {
        return new HealthCheckSettings(path, interval, timeout, rise, fall, minStatus, maxStatus, grpcService);
    }

    /** A copy with the given rise (passes in a row to become healthy) and fall (failures to become unhealthy). */
    public HealthCheckSettings withThresholds(int rise, int fall) {
        return new HealthCheckSettings(path, interval, timeout, rise, fall, minStatus, maxStatus, grpcService);
    }

    /**
     * A copy where statuses {@code min..max} pass. A gRPC check ignores them: its answer is in the call's status.
     */
    public HealthCheckSettings withPassingStatuses(int min, int max) {
        return new HealthCheckSettings(path, interval, timeout, rise, fall, min, max, grpcService);
    }

    /** Whether {@code status} passes (an HTTP check). */
    public boolean passes(int status) {
        return status >= minStatus && status <= maxStatus;
    }

    private static void range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + "-" + max + ")");
        }
    }
}
