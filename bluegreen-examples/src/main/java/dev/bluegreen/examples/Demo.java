package dev.bluegreen.examples;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.BlueGreenMetrics;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.HealthCheckSettings;
import dev.bluegreen.proxy.OutlierEjection;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The demo from the README, all on 127.0.0.1: a blue {@link DemoBackend} (v1) and a green one (v2) on free ports,
 * the proxy in front of them with blue live, and the admin endpoint to switch and roll back with {@code curl}.
 *
 * <p>The proxy checks the health of every backend and guards switches: green starts <em>down</em> (as a new version
 * that is still starting), so a switch to green is refused (409, with the reason) until green is brought up with
 * {@code POST /demo/up} on its own port, or {@code demo.green().up()}. The connections to the target pool are
 * pre-warmed before each switch.
 *
 * <pre>{@code
 * Demo demo = Demo.create(8080, 8081).start().join();
 * demo.instructions().forEach(System.out::println);
 * ...
 * demo.stop().join();
 * }</pre>
 *
 * <p>Thread-safe. {@link #start()} and {@link #stop()} return futures and never block; a demo starts at most once.
 */
public final class Demo {

    /** The proxy port the {@code demo} command uses unless told otherwise. */
    public static final int DEFAULT_PROXY_PORT = 8080;

    /** The admin port the {@code demo} command uses unless told otherwise. */
    public static final int DEFAULT_ADMIN_PORT = 8081;

    private static final String HOST = "127.0.0.1";
    private static final Duration STOP_GRACE_PERIOD = Duration.ofSeconds(5);

    private final int proxyPort;
    private final int adminPort;
    private final DemoBackend blue = DemoBackend.builder("blue").version("v1").build();
    private final DemoBackend green = DemoBackend.builder("green").version("v2").startsDown().build();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile StandaloneProxy running;

    private Demo(int proxyPort, int adminPort) {
        this.proxyPort = proxyPort;
        this.adminPort = adminPort;
    }

    /**
     * A demo whose proxy and admin endpoint listen on 127.0.0.1 at the given ports; not yet started.
     *
     * @param proxyPort the proxy's port, 0-65535; 0 picks a free one
     * @param adminPort the admin endpoint's port, 0-65535; 0 picks a free one
     * @return the demo
     * @throws IllegalArgumentException if a port is out of range
     */
    public static Demo create(int proxyPort, int adminPort) {
        checkPort("proxyPort", proxyPort);
        checkPort("adminPort", adminPort);
        return new Demo(proxyPort, adminPort);
    }

    /**
     * Starts both backends, then the proxy and the admin endpoint. If anything fails to start, what did start is
     * stopped again.
     *
     * @return a future that completes with this demo once everything listens, or exceptionally with the first
     *         failure (such as a port in use)
     * @throws IllegalStateException if the demo was started before
     */
    public CompletableFuture<Demo> start() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("demo: already started (a demo starts once)");
        }
        return CompletableFuture.allOf(blue.start(), green.start())
                .thenCompose(backendsUp -> {
                    BlueGreen admin = BlueGreen.builder()
                            .blue("v1", blue.backend())
                            .green("v2", green.backend())
                            .build();
                    BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen(HOST, proxyPort)
                            .healthChecks(HealthCheckSettings.defaults())
                            .outlierEjection(OutlierEjection.defaults())
                            .prewarm(1)
                            .build();
                    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
                    BlueGreenMetrics.of(proxy).bindTo(registry);
                    AdminEndpoint endpoint = AdminEndpoint.builder(admin).listen(HOST, adminPort).proxy(proxy)
                            .metrics(registry::scrape)
                            .build();
                    running = StandaloneProxy.of(admin, proxy, endpoint, STOP_GRACE_PERIOD);
                    return running.start();
                })
                .exceptionallyCompose(failure -> stopBackends()
                        .handle((stopped, ignored) -> null)
                        .thenCompose(nothing -> CompletableFuture.failedFuture(failure)))
                .thenApply(proxyUp -> this);
    }

    /**
     * Stops the proxy and the admin endpoint (letting exchanges under way finish for up to 5 seconds), then the
     * backends.
     *
     * @return a future that completes when everything has stopped
     */
    public CompletableFuture<Void> stop() {
        StandaloneProxy proxy = running;
        CompletableFuture<Void> proxyStopped = proxy == null ? CompletableFuture.completedFuture(null) : proxy.stop();
        return proxyStopped.handle((stopped, ignored) -> null).thenCompose(nothing -> stopBackends());
    }

    /**
     * The proxy, the admin endpoint and the admin object.
     *
     * @return what runs in front of the backends
     * @throws IllegalStateException if the demo has not started
     */
    public StandaloneProxy proxy() {
        StandaloneProxy proxy = running;
        if (proxy == null) {
            throw new IllegalStateException("demo: not started (expected: start() completed)");
        }
        return proxy;
    }

    /**
     * The blue backend, which answers {@code hello from blue (v1)}.
     *
     * @return the blue backend
     */
    public DemoBackend blue() {
        return blue;
    }

    /**
     * The green backend, which answers {@code hello from green (v2)} once it is up; it starts down.
     *
     * @return the green backend
     */
    public DemoBackend green() {
        return green;
    }

    /**
     * What to try, as lines to print: where the proxy and the admin endpoint listen, and the {@code curl} commands
     * that try to switch to green while it is down (refused), bring it up, switch to it and roll back.
     *
     * @return the lines, without line separators
     * @throws IllegalStateException if the demo has not started
     */
    public List<String> instructions() {
        String proxyUrl = proxy().proxyUrl();
        String adminUrl = proxy().adminUrl().orElseThrow();
        String greenUrl = "http://" + HOST + ":" + green.port();
        return List.of(
                "bluegreen demo: proxy on " + proxyUrl + ", admin on " + adminUrl,
                "green (v2) on " + greenUrl + " starts down; the proxy checks GET /health on every backend",
                step("curl -s " + proxyUrl + "/", "answered by blue (v1)"),
                step("curl -s -X POST '" + adminUrl + "/switch?to=green'", "409: refused, green is down"),
                step("curl -s -X POST " + greenUrl + "/demo/up", "green comes up"),
                step("curl -s -X POST '" + adminUrl + "/switch?to=green'", "200 once green passed 2 checks"),
                step("curl -s " + proxyUrl + "/", "now green (v2)"),
                "  curl -s -X POST " + adminUrl + "/rollback",
                step("curl -s " + proxyUrl + "/", "blue again"),
                step("curl -s " + adminUrl + "/status", "live colour, both pools, each backend's health"),
                "Ctrl-C stops it.");
    }

    private CompletableFuture<Void> stopBackends() {
        return CompletableFuture.allOf(blue.stop(), green.stop());
    }

    private static String step(String command, String comment) {
        return String.format("  %-57s # %s", command, comment);
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + ": " + port + " (expected: 0-65535)");
        }
    }
}
