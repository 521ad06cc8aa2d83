package dev.bluegreen.examples;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.examples.options.AdminOptions;
import dev.bluegreen.examples.options.BackendOptions;
import dev.bluegreen.examples.options.HealthOptions;
import dev.bluegreen.examples.options.LimitOptions;
import dev.bluegreen.examples.options.ListenerOptions;
import dev.bluegreen.examples.options.MirrorOptions;
import dev.bluegreen.examples.options.OptionErrors;
import dev.bluegreen.examples.options.PoolOptions;
import dev.bluegreen.examples.options.ProxyOptionGroup;
import dev.bluegreen.examples.options.StateOptions;
import dev.bluegreen.examples.options.SteeringOptions;
import dev.bluegreen.examples.options.TlsOptions;
import dev.bluegreen.examples.options.ZooKeeperOptions;
import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.LoadBalancing;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code proxy} command: the standalone proxy, in front of your own services, until Ctrl-C. Every bad value is
 * reported as a usage error that names the option and the value.
 *
 * <p>The options come in feature groups, one picocli mixin each (package {@code dev.bluegreen.examples.options});
 * this class only composes them. To add a group, add a {@code @Mixin} field and put it in {@link #groups()}.
 */
@Command(name = "proxy", sortOptions = false,
        description = "Runs the blue-green proxy in front of your own backends, optionally with the admin"
                + " endpoint. Ctrl-C stops it.")
public final class ProxyCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ProxyCommand.class);

    /** How long stopping lets exchanges under way finish. */
    private static final Duration STOP_GRACE_PERIOD = Duration.ofSeconds(10);

    // The help lists the options in the order of these fields.
    @Mixin
    ListenerOptions listener;

    @Mixin
    PoolOptions pools;

    @Mixin
    AdminOptions admin;

    @Mixin
    ZooKeeperOptions zooKeeper;

    @Mixin
    StateOptions state;

    @Mixin
    BackendOptions backends;

    @Mixin
    HealthOptions health;

    @Mixin
    LimitOptions limits;

    @Mixin
    TlsOptions tls;

    @Mixin
    SteeringOptions steering;

    @Mixin
    MirrorOptions mirror;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    /** Creates the command; picocli does this. */
    public ProxyCommand() {
    }

    /**
     * The groups that configure the admin object and the proxy, in the order they apply (and so in the order their
     * errors are found).
     */
    private List<ProxyOptionGroup> groups() {
        return List.of(pools, listener, state, zooKeeper, backends, health, limits, tls, steering, mirror);
    }

    /**
     * The proxy (and admin endpoint) these options describe, not yet started.
     *
     * @return the proxy
     * @throws ParameterException if the options don't make a valid proxy; the message names the option
     */
    public StandaloneProxy standaloneProxy() {
        OptionErrors errors = new OptionErrors(spec.commandLine());
        BlueGreen.Builder builder = BlueGreen.builder();
        List<AutoCloseable> afterAdmin = new ArrayList<>();
        BlueGreen blueGreen = null;
        try {
            for (ProxyOptionGroup group : groups()) {
                AutoCloseable opened = group.configureAdmin(builder, errors);
                if (opened != null) {
                    afterAdmin.add(opened);
                }
            }
            blueGreen = builder.build();
            if (health.grpcChecks() && !backends.protocol().http2()) {
                throw errors.usage("--health-grpc", "with --backend-protocol " + backends.protocol()
                        + " (expected: h2c or h2, gRPC needs HTTP/2)");
            }
            BlueGreenProxyBuilder proxy = BlueGreenProxy.builder(blueGreen).shutdownGracePeriod(STOP_GRACE_PERIOD);
            for (ProxyOptionGroup group : groups()) {
                group.configureProxy(proxy, errors);
            }
            BlueGreenProxy built = proxy.build();
            built.accessLog(listener.accessLog());
            AutoCloseable tlsWatch = tls.watch(built);
            if (tlsWatch != null) {
                afterAdmin.add(tlsWatch);
            }
            AdminEndpoint endpoint = admin.endpoint(blueGreen, built, errors, zooKeeper.storeMeters());
            AutoCloseable adminTlsWatch = admin.watch(endpoint, tls.reloadCheck());
            if (adminTlsWatch != null) {
                afterAdmin.add(adminTlsWatch);
            }
            return StandaloneProxy.of(blueGreen, built, endpoint, STOP_GRACE_PERIOD,
                    afterAdmin.isEmpty() ? null : () -> closeAll(afterAdmin));
        } catch (RuntimeException e) {
            // Nothing started listens yet, but a ZooKeeper store holds a session and a thread.
            if (blueGreen != null) {
                blueGreen.close();
            }
            closeAll(afterAdmin);
            throw e;
        }
    }

    /** Closes what the groups opened, last opened first; a failure to close is logged, not thrown. */
    private static void closeAll(List<AutoCloseable> opened) {
        for (int i = opened.size() - 1; i >= 0; i--) {
            try {
                opened.get(i).close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", opened.get(i), e.toString());
            }
        }
    }

    /**
     * Builds and starts the proxy and, with {@code --admin}, the admin endpoint.
     *
     * @return a future that completes with them running, or exceptionally if one can't listen
     * @throws ParameterException if the options don't make a valid proxy
     */
    public CompletableFuture<StandaloneProxy> start() {
        return standaloneProxy().start();
    }

    /**
     * Starts the proxy, prints where it listens and blocks until the JVM is asked to exit.
     *
     * @return the exit code
     * @throws java.util.concurrent.CompletionException if the proxy can't start
     */
    @Override
    public Integer call() {
        StandaloneProxy running = start().join();
        return Foreground.runUntilShutdown("proxy", banner(running, state.file()), spec.commandLine().getOut(),
                running::stop);
    }

    /** What the user sees: where it listens, both pools, and how to switch. */
    static List<String> banner(StandaloneProxy running) {
        return banner(running, Optional.empty());
    }

    /** The banner, saying where the routing state is kept when it is in a file. */
    static List<String> banner(StandaloneProxy running, Optional<Path> stateFile) {
        RoutingSnapshot snapshot = running.admin().snapshot();
        List<String> lines = new ArrayList<>();
        lines.add("bluegreen proxy on " + running.proxyUrl() + ", " + snapshot.live().label() + " live");
        for (Colour colour : Colour.values()) {
            Environment pool = snapshot.environment(colour);
            String backends = pool.isEmpty() ? "no backends"
                    : pool.backends().stream().map(Backend::authority).collect(Collectors.joining(", "));
            lines.add(String.format("  %-5s (%s): %s%s", colour.label(), pool.version(), backends,
                    colour == snapshot.live() ? "   <- live" : ""));
        }
        LoadBalancing balancing = running.proxy().loadBalancing();
        if (!balancing.equals(LoadBalancing.ROUND_ROBIN)) {
            lines.add("  each request's backend picked by " + balancing.label()
                    + (balancing.hashedPart().isPresent() ? " (round robin for a request without the key)" : ""));
        }
        running.admin().fleet().ifPresent(fleet -> lines.add("  routing state shared through ZooKeeper, as instance "
                + fleet.status().instanceId() + " at generation " + snapshot.generation()
                + ": a change through any instance moves them all"));
        stateFile.ifPresent(file -> lines.add("  routing state kept in " + file.toAbsolutePath() + " at generation "
                + snapshot.generation() + ": a restart comes back here"));
        running.adminUrl().ifPresent(url -> {
            // With a token, the hints carry it as the environment variable --admin-token defaults to.
            String curl = running.adminEndpoint().orElseThrow().requiresToken()
                    ? "curl -s -H \"Authorization: Bearer $" + AdminOptions.TOKEN_VARIABLE + "\"" : "curl -s";
            lines.add("  admin on " + url + ":");
            lines.add("    " + curl + " " + url + "/status");
            lines.add("    " + curl + " -X POST '" + url + "/switch?to=" + snapshot.idle().label() + "'");
            lines.add("    " + curl + " -X POST " + url + "/rollback");
        });
        lines.add("Ctrl-C stops it.");
        return lines;
    }
}
