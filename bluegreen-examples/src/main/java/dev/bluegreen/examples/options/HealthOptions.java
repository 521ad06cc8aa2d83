package dev.bluegreen.examples.options;

import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.examples.Converters;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.HealthCheckSettings;
import dev.bluegreen.proxy.OutlierEjection;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Health checks, the switch guard that relies on them, passive ejection, slow start and pre-warming before a switch:
 * {@code --[no-]health-checks}, {@code --health-*} (among them {@code --health-grpc}), {@code --min-healthy},
 * {@code --eject-after}, {@code --slow-start}, {@code --prewarm}.
 */
public final class HealthOptions implements ProxyOptionGroup {

    private static final String DEFAULT_INTERVAL = "2s";
    private static final String DEFAULT_TIMEOUT = "1s";
    private static final String DEFAULT_RISE = "2";
    private static final String DEFAULT_FALL = "3";

    @Option(names = "--health-checks", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Check every backend of both pools with GET --health-path: unhealthy backends get no"
                    + " traffic, and a switch to a pool without a healthy backend is refused (default: on;"
                    + " --no-health-checks turns checks and the switch guard off).")
    boolean healthChecks;

    @Option(names = "--health-path", paramLabel = "PATH", defaultValue = HealthCheckSettings.DEFAULT_PATH,
            description = "The path the health checks GET; 2xx and 3xx pass (default: ${DEFAULT-VALUE}).")
    String healthPath;

    // arity 0..1: "--health-grpc" alone asks about the server as a whole (the service ""), "--health-grpc=NAME" about
    // one service.
    @Option(names = "--health-grpc", paramLabel = "SERVICE", arity = "0..1", fallbackValue = "",
            description = "Check with the standard gRPC health service (grpc.health.v1.Health/Check) instead of GET"
                    + " --health-path: SERVING passes; =SERVICE asks about one service rather than the whole server."
                    + " Needs --backend-protocol h2c or h2.")
    String grpcService;

    @Option(names = "--health-interval", paramLabel = "DURATION", defaultValue = DEFAULT_INTERVAL,
            converter = Converters.DurationConverter.class,
            description = "Time between two checks of a backend (default: ${DEFAULT-VALUE}).")
    Duration healthInterval;

    @Option(names = "--health-timeout", paramLabel = "DURATION", defaultValue = DEFAULT_TIMEOUT,
            converter = Converters.DurationConverter.class,
            description = "How long one check may take, connect included (default: ${DEFAULT-VALUE}).")
    Duration healthTimeout;

    @Option(names = "--health-rise", paramLabel = "N", defaultValue = DEFAULT_RISE,
            description = "Passes in a row that make an unhealthy backend healthy (default: ${DEFAULT-VALUE}).")
    int healthRise;

    @Option(names = "--health-fall", paramLabel = "N", defaultValue = DEFAULT_FALL,
            description = "Failures in a row that make a healthy backend unhealthy (default: ${DEFAULT-VALUE}).")
    int healthFall;

    @Option(names = "--min-healthy", paramLabel = "N", defaultValue = "1",
            description = "The switch guard: a switch or promote needs at least N backends of the target pool"
                    + " healthy in a check made at that moment; 0 turns the guard off (default: ${DEFAULT-VALUE}).")
    int minHealthy;

    // Descriptions are format strings (picocli expands %n): a literal per cent sign is written %%.
    @Option(names = "--eject-after", paramLabel = "N", defaultValue = "5",
            description = "Passive ejection: a backend whose requests fail N times in a row (connect failures, 5xx)"
                    + " gets no traffic for 30 s, longer on repeats; at most 10 %% of a pool; 0 turns it off"
                    + " (default: ${DEFAULT-VALUE}).")
    int ejectAfter;

    @Option(names = "--slow-start", paramLabel = "DURATION", defaultValue = "0s",
            converter = Converters.DurationConverter.class,
            description = "A backend that comes back, healthy again after failing its checks or at the end of an"
                    + " ejection, gets a share of new requests that grows to its full share over this time, so that"
                    + " a cold backend is not handed it all at once; at most 1h; 0s: at once (default:"
                    + " ${DEFAULT-VALUE}).")
    Duration slowStart;

    @Option(names = "--prewarm", paramLabel = "N", defaultValue = "1",
            description = "Before a switch, open N connections per event loop to each backend of the target pool;"
                    + " 0 turns it off (default: ${DEFAULT-VALUE}).")
    int prewarm;

    /** Creates the group; picocli does this. */
    public HealthOptions() {
    }

    /** Whether the checks call the gRPC health service (on when {@code --health-grpc} is given). */
    public boolean grpcChecks() {
        return healthChecks && grpcService != null;
    }

    @Override
    public void configureProxy(BlueGreenProxyBuilder proxy, OptionErrors errors) {
        if (healthChecks) {
            HealthCheckSettings path = grpcService != null
                    ? errors.check("--health-grpc", () -> HealthCheckSettings.grpc().withGrpcService(grpcService))
                    : errors.check("--health-path", () -> HealthCheckSettings.defaults().withPath(healthPath));
            HealthCheckSettings every = errors.check("--health-interval", () -> path.withInterval(healthInterval));
            HealthCheckSettings timed = errors.check("--health-timeout", () -> every.withTimeout(healthTimeout));
            HealthCheckSettings risen = errors.check("--health-rise",
                    () -> timed.withThresholds(healthRise, timed.fall()));
            HealthCheckSettings all = errors.check("--health-fall",
                    () -> risen.withThresholds(risen.rise(), healthFall));
            proxy.healthChecks(all);
            if (minHealthy == 0) {
                proxy.withoutTargetGuard();
            } else {
                errors.check("--min-healthy", () -> proxy.targetGuard(minHealthy));
            }
        } else if (minHealthy > 1) {
            throw errors.usage("--min-healthy", minHealthy + " with --no-health-checks (expected: health checks on,"
                    + " the guard judges by them)");
        } else {
            refuseChecksGivenWithout(errors);
        }
        if (ejectAfter != 0) {
            errors.check("--eject-after", () -> proxy.outlierEjection(OutlierEjection.defaults()
                    .withConsecutiveFailures(ejectAfter)));
        } else if (!healthChecks && !slowStart.isZero()) {
            throw errors.usage("--slow-start", Texts.duration(slowStart) + " with --no-health-checks and"
                    + " --eject-after 0 (expected: checks or ejection on; a slow start begins when a backend comes"
                    + " back)");
        }
        errors.check("--slow-start", () -> proxy.slowStart(slowStart));
        errors.check("--prewarm", () -> proxy.prewarm(prewarm));
    }

    /**
     * A check's setting given with {@code --no-health-checks} would be ignored: more likely a line left over than a
     * wish for nothing, so it is refused (compared with the defaults, which picocli fills in for options left out).
     */
    private void refuseChecksGivenWithout(OptionErrors errors) {
        String given = grpcService != null ? "--health-grpc"
                : !HealthCheckSettings.DEFAULT_PATH.equals(healthPath) ? "--health-path"
                : !Converters.parseDuration(DEFAULT_INTERVAL).equals(healthInterval) ? "--health-interval"
                : !Converters.parseDuration(DEFAULT_TIMEOUT).equals(healthTimeout) ? "--health-timeout"
                : healthRise != Integer.parseInt(DEFAULT_RISE) ? "--health-rise"
                : healthFall != Integer.parseInt(DEFAULT_FALL) ? "--health-fall"
                : null;
        if (given != null) {
            throw errors.usage(given, "given with --no-health-checks (expected: health checks on, or leave it"
                    + " out)");
        }
    }
}
