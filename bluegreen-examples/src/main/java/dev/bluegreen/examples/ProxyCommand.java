package dev.bluegreen.examples;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.examples.Converters.ListenAddress;
import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.AutoRollback;
import dev.bluegreen.proxy.BlueGreenMetrics;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.HealthCheckSettings;
import dev.bluegreen.proxy.OutlierEjection;
import dev.bluegreen.proxy.PreviewRule;
import dev.bluegreen.proxy.StickySessions;
import dev.bluegreen.proxy.TlsSettings;
import dev.bluegreen.zookeeper.ZooKeeperRoutingStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code proxy} command: the standalone proxy, in front of your own services, until Ctrl-C. Every bad value is
 * reported as a usage error that names the option and the value.
 */
@Command(name = "proxy", sortOptions = false,
        description = "Runs the blue-green proxy in front of your own backends, optionally with the admin"
                + " endpoint. Ctrl-C stops it.")
public final class ProxyCommand implements Callable<Integer> {

    /** How long stopping lets exchanges under way finish. */
    private static final Duration STOP_GRACE_PERIOD = Duration.ofSeconds(10);

    /** The znode of {@code --zk-path} when left out. */
    static final String DEFAULT_ZK_PATH = "/bluegreen";

    /** The ZooKeeper session: long enough to ride out a pause, short enough that the fleet view notices a loss. */
    private static final int ZK_SESSION_TIMEOUT_MS = 15_000;
    private static final int ZK_CONNECTION_TIMEOUT_MS = 5_000;

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
            converter = Converters.ListenAddressConverter.class,
            description = "Where the proxy listens; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    ListenAddress listen;

    @Option(names = "--blue", paramLabel = "HOST:PORT", required = true, split = ",",
            converter = Converters.BackendConverter.class,
            description = "The blue pool: backends separated by commas, as in 10.0.0.1:8080,10.0.0.2:8080.")
    List<Backend> blue;

    @Option(names = "--green", paramLabel = "HOST:PORT", split = ",", converter = Converters.BackendConverter.class,
            description = "The green pool, as --blue; empty when left out.")
    List<Backend> green;

    @Option(names = "--admin", paramLabel = "HOST:PORT", converter = Converters.ListenAddressConverter.class,
            description = "Also run the admin endpoint there: the status page at /, GET /status, /history,"
                    + " /metrics, POST /switch?to=green, /promote, /rollback, /deploy. Beyond loopback it needs"
                    + " --admin-token.")
    ListenAddress admin;

    @Option(names = "--admin-token", paramLabel = "TOKEN",
            description = "A bearer token every admin request but the page must carry (at least 16 characters);"
                    + " defaults to the environment variable BLUEGREEN_ADMIN_TOKEN.",
            defaultValue = "${env:BLUEGREEN_ADMIN_TOKEN}")
    String adminToken;

    @Option(names = "--live", paramLabel = "COLOUR", defaultValue = "blue",
            converter = Converters.ColourConverter.class,
            description = "The colour that is live at the start: blue or green (default: ${DEFAULT-VALUE}).")
    Colour live;

    @Option(names = "--threads", paramLabel = "N",
            description = "Event-loop threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--blue-version", paramLabel = "V", defaultValue = "blue",
            description = "A version label for the blue pool, shown in /status and logs (default: ${DEFAULT-VALUE}).")
    String blueVersion;

    @Option(names = "--green-version", paramLabel = "V", defaultValue = "green",
            description = "A version label for the green pool (default: ${DEFAULT-VALUE}).")
    String greenVersion;

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "2s",
            converter = Converters.DurationConverter.class,
            description = "How long one upstream connect may take, as in 500ms, 2s, 1m (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--response-timeout", paramLabel = "DURATION", defaultValue = "30s",
            converter = Converters.DurationConverter.class,
            description = "How long a backend may stay silent before the client gets 504 (default: ${DEFAULT-VALUE}).")
    Duration responseTimeout;

    @Option(names = "--zookeeper", paramLabel = "HOST:PORT[,HOST:PORT...]",
            description = "Share the routing state with a fleet of proxies through these ZooKeeper servers: a change"
                    + " made through any instance's admin endpoint moves them all. The pools and --live given here"
                    + " only start the fleet when its znode does not exist yet. Without it, the state lives in this"
                    + " process.")
    String zookeeper;

    @Option(names = "--zk-path", paramLabel = "PATH",
            description = "With --zookeeper: the znode holding the fleet's routing state (default: "
                    + DEFAULT_ZK_PATH + "); instances register under PATH/instances.")
    String zkPath;

    @Option(names = "--zk-instance", paramLabel = "ID",
            description = "With --zookeeper: this instance's id in the fleet, unique and stable across restarts"
                    + " (default: HOSTNAME-PID).")
    String zkInstance;

    @Option(names = "--health-checks", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Check every backend of both pools with GET --health-path: unhealthy backends get no"
                    + " traffic, and a switch to a pool without a healthy backend is refused (default: on;"
                    + " --no-health-checks turns checks and the switch guard off).")
    boolean healthChecks;

    @Option(names = "--health-path", paramLabel = "PATH", defaultValue = HealthCheckSettings.DEFAULT_PATH,
            description = "The path the health checks GET; 2xx and 3xx pass (default: ${DEFAULT-VALUE}).")
    String healthPath;

    @Option(names = "--health-interval", paramLabel = "DURATION", defaultValue = "2s",
            converter = Converters.DurationConverter.class,
            description = "Time between two checks of a backend (default: ${DEFAULT-VALUE}).")
    Duration healthInterval;

    @Option(names = "--health-timeout", paramLabel = "DURATION", defaultValue = "1s",
            converter = Converters.DurationConverter.class,
            description = "How long one check may take, connect included (default: ${DEFAULT-VALUE}).")
    Duration healthTimeout;

    @Option(names = "--health-rise", paramLabel = "N", defaultValue = "2",
            description = "Passes in a row that make an unhealthy backend healthy (default: ${DEFAULT-VALUE}).")
    int healthRise;

    @Option(names = "--health-fall", paramLabel = "N", defaultValue = "3",
            description = "Failures in a row that make a healthy backend unhealthy (default: ${DEFAULT-VALUE}).")
    int healthFall;

    @Option(names = "--min-healthy", paramLabel = "N", defaultValue = "1",
            description = "The switch guard: a switch or promote needs at least N backends of the target pool"
                    + " healthy in a check made at that moment; 0 turns the guard off (default: ${DEFAULT-VALUE}).")
    int minHealthy;

    @Option(names = "--eject-after", paramLabel = "N", defaultValue = "5",
            description = "Passive ejection: a backend whose requests fail N times in a row (connect failures, 5xx)"
                    + " gets no traffic for 30 s, longer on repeats; at most 10 % of a pool; 0 turns it off"
                    + " (default: ${DEFAULT-VALUE}).")
    int ejectAfter;

    @Option(names = "--prewarm", paramLabel = "N", defaultValue = "1",
            description = "Before a switch, open N connections per event loop to each backend of the target pool;"
                    + " 0 turns it off (default: ${DEFAULT-VALUE}).")
    int prewarm;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10000",
            description = "Client connections at once; above it a new one gets 503 and is closed; 0: no limit"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-requests-per-connection", paramLabel = "N", defaultValue = "10000",
            description = "Requests on one client connection before the proxy closes it; 0: no limit"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxRequestsPerConnection;

    @Option(names = "--max-body-size", paramLabel = "BYTES", defaultValue = "0",
            description = "Largest request body; larger gets 413; 0: no limit (default: ${DEFAULT-VALUE}).")
    long maxBodySize;

    @Option(names = "--trusted-proxies", paramLabel = "ADDRESS|CIDR", split = ",",
            description = "Peers whose X-Forwarded-* and Forwarded headers are kept and appended to; from any other"
                    + " peer they are replaced.")
    List<String> trustedProxies;

    @Option(names = "--allowed-hosts", paramLabel = "HOST", split = ",",
            description = "The Host values served; any other gets 421 (default: any).")
    List<String> allowedHosts;

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Serve TLS (and HTTP/2 through ALPN) with this certificate chain; needs --tls-key.")
    Path tlsCertificate;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "The private key of --tls-cert (PKCS#8 PEM).")
    Path tlsKey;

    @Option(names = "--preview-header", paramLabel = "NAME[:SECRET]",
            description = "Send requests carrying this header (with this value, when a secret is given) to the idle"
                    + " colour; the secret never reaches a backend.")
    String previewHeader;

    @Option(names = "--preview-listen", paramLabel = "HOST:PORT", converter = Converters.ListenAddressConverter.class,
            description = "A second listener that always serves the idle colour, for testers.")
    ListenAddress previewListen;

    @Option(names = "--sticky-cookie", paramLabel = "NAME",
            description = "Keep each client on the colour it started on, by a cookie the proxy sets.")
    String stickyCookie;

    @Option(names = "--safety-net", paramLabel = "DURATION", converter = Converters.DurationConverter.class,
            description = "For this long after a switch, a request the new colour can't accept goes to the old one.")
    Duration safetyNet;

    @Option(names = "--auto-rollback", negatable = true, defaultValue = "false", fallbackValue = "true",
            description = "Watch the new colour for 5 minutes after each switch and roll back on its own if its error"
                    + " rate or p99 breaches the defaults (5 %%, 2 s, or twice the old colour's).")
    boolean autoRollback;

    @Mixin
    HelpOption help;

    @Spec
    CommandSpec spec;

    /** Creates the command; picocli does this. */
    public ProxyCommand() {
    }

    /**
     * The proxy (and admin endpoint) these options describe, not yet started.
     *
     * @return the proxy
     * @throws ParameterException if the options don't make a valid proxy; the message names the option
     */
    public StandaloneProxy standaloneProxy() {
        List<Backend> greenPool = green == null ? List.of() : green;
        Environment bluePool = environment(Colour.BLUE, "--blue", blue, "--blue-version", blueVersion);
        Environment greenEnv = environment(Colour.GREEN, "--green", greenPool, "--green-version", greenVersion);
        if (live == Colour.GREEN && greenPool.isEmpty()) {
            throw usage("--live", "green, but --green names no backends (expected: a colour whose pool has"
                    + " backends)");
        }
        BlueGreen.Builder builder = BlueGreen.builder()
                .blue(bluePool.version(), bluePool.backends())
                .green(greenEnv.version(), greenEnv.backends())
                .live(live);
        CuratorFramework zkClient = zooKeeperStore(builder);
        BlueGreen blueGreen = null;
        try {
            blueGreen = builder.build();
            BlueGreenProxyBuilder proxy = BlueGreenProxy.builder(blueGreen)
                    .listen(listen.host(), listen.port())
                    .shutdownGracePeriod(STOP_GRACE_PERIOD);
            option("--connect-timeout", () -> proxy.connectTimeout(connectTimeout));
            option("--response-timeout", () -> proxy.responseTimeout(responseTimeout));
            if (threads != null) {
                option("--threads", () -> proxy.eventLoopThreads(threads));
            }
            health(proxy);
            limits(proxy);
            tls(proxy);
            steering(proxy);
            BlueGreenProxy built = proxy.build();
            AdminEndpoint endpoint = admin == null ? null : adminEndpoint(blueGreen, built);
            return StandaloneProxy.of(blueGreen, built, endpoint, STOP_GRACE_PERIOD, zkClient);
        } catch (RuntimeException e) {
            // Nothing started listens yet, but a ZooKeeper store holds a session and a thread.
            if (blueGreen != null) {
                blueGreen.close();
            }
            if (zkClient != null) {
                zkClient.close();
            }
            throw e;
        }
    }

    /** Health checks, the switch guard, passive ejection and pre-warm, as the options say. */
    private void health(BlueGreenProxyBuilder proxy) {
        if (healthChecks) {
            HealthCheckSettings path = option("--health-path", () -> HealthCheckSettings.defaults()
                    .withPath(healthPath));
            HealthCheckSettings every = option("--health-interval", () -> path.withInterval(healthInterval));
            HealthCheckSettings timed = option("--health-timeout", () -> every.withTimeout(healthTimeout));
            HealthCheckSettings risen = option("--health-rise", () -> timed.withThresholds(healthRise, timed.fall()));
            HealthCheckSettings all = option("--health-fall", () -> risen.withThresholds(risen.rise(), healthFall));
            proxy.healthChecks(all);
            if (minHealthy == 0) {
                proxy.withoutTargetGuard();
            } else {
                option("--min-healthy", () -> proxy.targetGuard(minHealthy));
            }
        } else if (minHealthy > 1) {
            throw usage("--min-healthy", minHealthy + " with --no-health-checks (expected: health checks on, the"
                    + " guard judges by them)");
        }
        if (ejectAfter != 0) {
            option("--eject-after", () -> proxy.outlierEjection(OutlierEjection.defaults()
                    .withConsecutiveFailures(ejectAfter)));
        }
        option("--prewarm", () -> proxy.prewarm(prewarm));
    }

    /** Request limits and the forwarding-header trust, as the options say. */
    private void limits(BlueGreenProxyBuilder proxy) {
        option("--max-connections", () -> proxy.maxClientConnections(maxConnections));
        option("--max-requests-per-connection", () -> proxy.maxRequestsPerConnection(maxRequestsPerConnection));
        option("--max-body-size", () -> proxy.maxRequestBodySize(maxBodySize));
        if (trustedProxies != null) {
            option("--trusted-proxies", () -> proxy.trustedProxies(trustedProxies));
        }
        if (allowedHosts != null) {
            option("--allowed-hosts", () -> proxy.allowedHosts(allowedHosts));
        }
    }

    /** TLS on the listener, from {@code --tls-cert} and {@code --tls-key}. */
    private void tls(BlueGreenProxyBuilder proxy) {
        if (tlsCertificate == null && tlsKey == null) {
            return;
        }
        if (tlsCertificate == null || tlsKey == null) {
            throw usage(tlsCertificate == null ? "--tls-key" : "--tls-cert", "given alone (expected: both --tls-cert"
                    + " and --tls-key)");
        }
        option("--tls-cert", () -> proxy.tls(TlsSettings.fromPem(tlsCertificate, tlsKey)));
    }

    /** Preview, sticky sessions, the safety net and the automatic rollback, as the options say. */
    private void steering(BlueGreenProxyBuilder proxy) {
        if (previewHeader != null) {
            int colon = previewHeader.indexOf(':');
            String name = colon < 0 ? previewHeader : previewHeader.substring(0, colon);
            option("--preview-header", () -> proxy.preview(colon < 0 ? PreviewRule.header(name)
                    : PreviewRule.header(name).withSecret(previewHeader.substring(colon + 1))));
        }
        if (previewListen != null) {
            option("--preview-listen", () -> proxy.previewListen(previewListen.host(), previewListen.port()));
        }
        if (stickyCookie != null) {
            option("--sticky-cookie", () -> proxy.stickySessions(StickySessions.proxyCookie(stickyCookie)));
        }
        if (safetyNet != null) {
            option("--safety-net", () -> proxy.safetyNet(safetyNet));
        }
        if (autoRollback) {
            proxy.autoRollback(AutoRollback.defaults());
        }
    }

    /** The admin endpoint of {@code --admin}, with the proxy's meters at {@code /metrics} and the optional token. */
    private AdminEndpoint adminEndpoint(BlueGreen blueGreen, BlueGreenProxy proxy) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        BlueGreenMetrics.of(proxy).bindTo(registry);
        AdminEndpoint.Builder endpoint = AdminEndpoint.builder(blueGreen)
                .listen(admin.host(), admin.port())
                .proxy(proxy)
                .metrics(registry::scrape);
        if (adminToken != null && !adminToken.isEmpty()) {
            option("--admin-token", () -> endpoint.bearerToken(adminToken));
        }
        try {
            return endpoint.build();
        } catch (IllegalStateException e) {
            throw usage("--admin", e.getMessage());
        }
    }

    /**
     * With {@code --zookeeper}: a started Curator client, and the builder set to keep its state in ZooKeeper.
     *
     * @return the client, for the caller to close after the admin object; {@code null} without {@code --zookeeper}
     */
    private CuratorFramework zooKeeperStore(BlueGreen.Builder builder) {
        if (zookeeper == null) {
            if (zkPath != null || zkInstance != null) {
                throw usage(zkPath != null ? "--zk-path" : "--zk-instance", "given without --zookeeper (expected:"
                        + " --zookeeper HOST:PORT[,HOST:PORT...] to share the state through ZooKeeper)");
            }
            return null;
        }
        if (zookeeper.isBlank() || zookeeper.chars().anyMatch(Character::isWhitespace)) {
            throw usage("--zookeeper", "'" + zookeeper + "' (expected: HOST:PORT[,HOST:PORT...] without spaces)");
        }
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(zookeeper)
                .sessionTimeoutMs(ZK_SESSION_TIMEOUT_MS)
                .connectionTimeoutMs(ZK_CONNECTION_TIMEOUT_MS)
                .retryPolicy(new ExponentialBackoffRetry(200, 3))
                .build();
        try {
            ZooKeeperRoutingStore.Builder store = option("--zk-path", () -> ZooKeeperRoutingStore.builder(client,
                    zkPath != null ? zkPath : DEFAULT_ZK_PATH));
            String id = zkInstance != null ? zkInstance : defaultInstanceId();
            option("--zk-instance", () -> store.instanceId(id));
            builder.store(store.build());
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        client.start();
        return client;
    }

    /** {@code HOSTNAME-PID}: unique on a host, and readable in the fleet view. */
    private static String defaultInstanceId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        String id = host.replaceAll("[^!-~]|/", "_") + "-" + ProcessHandle.current().pid();
        return id.length() <= ZooKeeperRoutingStore.MAX_INSTANCE_ID_LENGTH ? id
                : id.substring(id.length() - ZooKeeperRoutingStore.MAX_INSTANCE_ID_LENGTH);
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
        return Foreground.runUntilShutdown("proxy", banner(running), spec.commandLine().getOut(), running::stop);
    }

    /** What the user sees: where it listens, both pools, and how to switch. */
    static List<String> banner(StandaloneProxy running) {
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
        running.admin().fleet().ifPresent(fleet -> lines.add("  routing state shared through ZooKeeper, as instance "
                + fleet.status().instanceId() + " at generation " + snapshot.generation()
                + ": a change through any instance moves them all"));
        running.adminUrl().ifPresent(url -> {
            lines.add("  admin on " + url + ":");
            lines.add("    curl -s " + url + "/status");
            lines.add("    curl -s -X POST '" + url + "/switch?to=" + snapshot.idle().label() + "'");
            lines.add("    curl -s -X POST " + url + "/rollback");
        });
        lines.add("Ctrl-C stops it.");
        return lines;
    }

    private Environment environment(Colour colour, String poolOption, List<Backend> backends, String versionOption,
                                    String version) {
        // The version first, against an empty pool, so that a bad label is blamed on its own option.
        option(versionOption, () -> Environment.of(colour, version, List.of()));
        return option(poolOption, () -> Environment.of(colour, version, backends));
    }

    private <T> T option(String name, Supplier<T> apply) {
        try {
            return apply.get();
        } catch (IllegalArgumentException e) {
            throw usage(name, e.getMessage());
        }
    }

    private ParameterException usage(String option, String message) {
        return new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + message);
    }
}
