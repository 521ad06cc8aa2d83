package dev.bluegreen.drill;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.drill.internal.DrillLog;
import dev.bluegreen.drill.internal.DrillSettings;
import dev.bluegreen.drill.internal.LoadDriver;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A switch drill: puts a bluegreen proxy in front of your two versions, sends the requests you list on several
 * keep-alive connections, switches between the versions again and again meanwhile, and reports what failed, by
 * colour and request.
 *
 * <pre>{@code
 * DrillReport report = SwitchDrill.builder()
 *         .blue("127.0.0.1:8081")           // the version running today
 *         .green("127.0.0.1:8082")          // the one you are about to deploy
 *         .request(DrillRequest.get("/orders/42"))
 *         .switches(40)
 *         .duration(Duration.ofSeconds(10))
 *         .build()
 *         .run();
 * report.assertNoFailures();               // AssertionError with the summary, naming the colour that failed
 * }</pre>
 *
 * <p>The switches are spread evenly over the duration, with traffic before the first and after the last. Blue is
 * live first. The proxy runs without health checks or switch guards, so that every switch happens and what your
 * versions do across it shows in the report; {@link Builder#proxy(Consumer)} adds your production settings (pre-warm,
 * safety net, sticky sessions...) to see how they change it.
 *
 * <p>A drill object runs once; {@link #run()} blocks the calling thread (a test's) until the drill is over.
 */
public final class SwitchDrill {

    private static final Logger log = LoggerFactory.getLogger(SwitchDrill.class);
    /** How long past the duration the last switches may still come, late on a busy machine. */
    private static final Duration LATE_SWITCHES = Duration.ofSeconds(1);

    /** The response header in which the drill's proxy names the colour that served a request. */
    public static final String ROUTING_HEADER = "X-BlueGreen-Drill";

    private final Builder settings;

    private SwitchDrill(Builder settings) {
        this.settings = settings;
    }

    /**
     * A builder; {@link Builder#blue(String)} and {@link Builder#green(String)} are required.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs the drill: starts the proxy, drives the requests while switching, stops everything, and reports.
     *
     * @return the report
     * @throws IllegalStateException if the proxy cannot start, or the drill does not end in time
     */
    public DrillReport run() {
        BlueGreen admin = BlueGreen.builder()
                .blue("blue", settings.blue)
                .green("green", settings.green)
                .live(Colour.BLUE)
                .build();
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "bluegreen-drill-switch");
            thread.setDaemon(true);
            return thread;
        });
        try {
            // A backend silent for the request timeout gets the proxy's 504, which names its colour, a little before
            // the drill's own timer gives up on the request without knowing where it went.
            BlueGreenProxyBuilder proxyBuilder = BlueGreenProxy.builder(admin).responseTimeout(settings.requestTimeout);
            settings.proxyCustomizer.accept(proxyBuilder);
            BlueGreenProxy proxy = proxyBuilder.listen("127.0.0.1", 0).routingHeader(ROUTING_HEADER).build();
            await(proxy.start(), Duration.ofSeconds(30), "start its proxy");
            try {
                return drive(admin, proxy, scheduler);
            } finally {
                await(proxy.stop(Duration.ofSeconds(5)), Duration.ofSeconds(30), "stop its proxy");
            }
        } finally {
            scheduler.shutdownNow();
            admin.close();
        }
    }

    private DrillReport drive(BlueGreen admin, BlueGreenProxy proxy, ScheduledExecutorService scheduler) {
        InetSocketAddress address = proxy.localAddress();
        long start = System.nanoTime();
        DrillSettings drill = new DrillSettings(address, "127.0.0.1:" + address.getPort(), settings.requests,
                settings.requestTimeout, settings.accepted, ROUTING_HEADER, admin::snapshot, start);
        LoadDriver driver = new LoadDriver(settings.connections, drill);
        AtomicInteger switches = new AtomicInteger();
        List<String> refused = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> over = new CompletableFuture<>();
        CompletableFuture<Void> allTried = new CompletableFuture<>();
        AtomicBoolean switching = new AtomicBoolean(true);
        long interval = settings.duration.toNanos() / (settings.switches + 1);
        driver.start();
        // The end is timed apart from the switches: behind switches that can't keep up with their rate, a task of the
        // same scheduler would run only once all of them were made, however long past the duration that is.
        over.completeOnTimeout(null, settings.duration.toNanos(), TimeUnit.NANOSECONDS);
        scheduler.scheduleAtFixedRate(() -> {
            if (!switching.get() || switches.get() + refused.size() >= settings.switches) {
                return;
            }
            try {
                admin.as("drill", "switch drill").switchTo(admin.snapshot().idle());
                switches.incrementAndGet();
            } catch (ChangeRefusedException e) {
                refused.add(e.getMessage());
            } catch (RuntimeException e) {
                log.warn("drill: a switch failed: {}", e.toString());
                refused.add(e.toString());
            }
            if (switches.get() + refused.size() >= settings.switches) {
                allTried.complete(null);
            }
        }, interval, interval, TimeUnit.NANOSECONDS);
        await(over, settings.duration.plusSeconds(30), "run");
        // The last switch is due just before the end, and on a busy machine may come a little late: no reason to
        // fail. Switches still owed a while after the end did not fit in the duration; the report says so.
        allTried.completeOnTimeout(null, LATE_SWITCHES.toNanos(), TimeUnit.NANOSECONDS).join();
        switching.set(false);
        List<DrillLog> logs = driver.stop(settings.requestTimeout.plusSeconds(5));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        DrillLog.Merged merged = DrillLog.merge(logs);
        Map<Colour, String> targets = new EnumMap<>(Colour.class);
        targets.put(Colour.BLUE, settings.blue.authority());
        targets.put(Colour.GREEN, settings.green.authority());
        return new DrillReport(targets, elapsed, settings.connections, merged.requests(), merged.failed(),
                merged.failures(), switches.get(), List.copyOf(refused), Latency.of(merged.latencyNanos()),
                settings.switches, settings.duration);
    }

    private static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("drill: interrupted while waiting to " + what, e);
        } catch (Exception e) {
            throw new IllegalStateException("drill: could not " + what + ": " + e, e);
        }
    }

    /** Builds a {@link SwitchDrill}; each setter validates at once. Not thread-safe. */
    public static final class Builder {

        private Backend blue;
        private Backend green;
        private final List<DrillRequest> requests = new ArrayList<>();
        private int connections = 4;
        private int switches = 20;
        private Duration duration = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(10);
        private IntPredicate accepted = status -> status >= 200 && status < 400;
        private Consumer<BlueGreenProxyBuilder> proxyCustomizer = proxy -> { };

        private Builder() {
        }

        /**
         * The version live at the start.
         *
         * @param hostPort its address, as in {@code 127.0.0.1:8081} or {@code [::1]:8081}
         * @return this builder
         * @throws IllegalArgumentException if it is not {@code host:port}
         */
        public Builder blue(String hostPort) {
            this.blue = Backend.parse(hostPort);
            return this;
        }

        /**
         * As {@link #blue(String)}, for something the test started.
         *
         * @param address its bound address, such as a server's {@code localAddress()}
         * @return this builder
         */
        public Builder blue(InetSocketAddress address) {
            this.blue = backend(address);
            return this;
        }

        /**
         * The other version, the one switched to first.
         *
         * @param hostPort its address, as in {@code 127.0.0.1:8082}
         * @return this builder
         * @throws IllegalArgumentException if it is not {@code host:port}
         */
        public Builder green(String hostPort) {
            this.green = Backend.parse(hostPort);
            return this;
        }

        /**
         * As {@link #green(String)}, for something the test started.
         *
         * @param address its bound address
         * @return this builder
         */
        public Builder green(InetSocketAddress address) {
            this.green = backend(address);
            return this;
        }

        /**
         * Adds a request to send; the connections send the requests in turn. Default: {@code GET /} alone.
         *
         * @param request the request
         * @return this builder
         */
        public Builder request(DrillRequest request) {
            requests.add(requireNonNull(request, "request"));
            return this;
        }

        /**
         * Adds a {@code GET} of each path.
         *
         * @param paths origin-form paths, such as {@code /orders/42}
         * @return this builder
         * @throws IllegalArgumentException if a path is not origin-form
         */
        public Builder get(String... paths) {
            for (String path : paths) {
                request(DrillRequest.get(path));
            }
            return this;
        }

        /**
         * How many keep-alive connections send requests at once. Default 4.
         *
         * @param connections 1-256
         * @return this builder
         */
        public Builder connections(int connections) {
            if (connections < 1 || connections > 256) {
                throw new IllegalArgumentException("connections: " + connections + " (expected: 1-256)");
            }
            this.connections = connections;
            return this;
        }

        /**
         * How many switches to make, back and forth, spread over the {@link #duration(Duration)}. Default 20.
         *
         * @param switches 1-100000
         * @return this builder
         */
        public Builder switches(int switches) {
            if (switches < 1 || switches > 100_000) {
                throw new IllegalArgumentException("switches: " + switches + " (expected: 1-100000)");
            }
            this.switches = switches;
            return this;
        }

        /**
         * How long the drill sends requests. Default 10 s.
         *
         * @param duration 100 ms to 1 h
         * @return this builder
         */
        public Builder duration(Duration duration) {
            requireNonNull(duration, "duration");
            if (duration.compareTo(Duration.ofMillis(100)) < 0 || duration.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("duration: " + Texts.duration(duration)
                        + " (expected: 100 ms to 1 h)");
            }
            this.duration = duration;
            return this;
        }

        /**
         * How long a response may take before its request counts as failed. Default 10 s. It is also the drill's
         * proxy's response timeout (unless {@link #proxy(Consumer)} sets another), so that a backend silent that long
         * gets the proxy's 504, which names the colour that failed.
         *
         * @param timeout 1 ms to 10 min
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.compareTo(Duration.ofMillis(1)) < 0 || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("requestTimeout: " + Texts.duration(timeout)
                        + " (expected: 1 ms to 10 min)");
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Which final statuses count as success. Default: 2xx and 3xx.
         *
         * @param accepted true for a status that is not a failure
         * @return this builder
         */
        public Builder acceptedStatus(IntPredicate accepted) {
            this.accepted = requireNonNull(accepted, "accepted");
            return this;
        }

        /**
         * Adds settings to the drill's proxy, such as the ones you run in production. The drill then sets the listen
         * address (127.0.0.1, a free port) and its routing header, whatever the customizer set.
         *
         * @param customizer called with the proxy's builder before it is built
         * @return this builder
         */
        public Builder proxy(Consumer<BlueGreenProxyBuilder> customizer) {
            this.proxyCustomizer = requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * The drill.
         *
         * @return the drill, ready to {@link SwitchDrill#run()}
         * @throws IllegalStateException if blue or green is missing, or both name the same address
         */
        public SwitchDrill build() {
            if (blue == null || green == null) {
                throw new IllegalStateException((blue == null ? "blue" : "green") + ": not set (expected: the"
                        + " address of each version, as in blue(\"127.0.0.1:8081\"))");
            }
            if (blue.equals(green)) {
                throw new IllegalStateException("green: " + green.authority() + ", the same as blue (expected: two"
                        + " versions at two addresses)");
            }
            // A copy, so that changing this builder afterwards changes no drill built from it.
            Builder copy = new Builder();
            copy.blue = blue;
            copy.green = green;
            copy.requests.addAll(requests.isEmpty() ? List.of(DrillRequest.get("/")) : requests);
            copy.connections = connections;
            copy.switches = switches;
            copy.duration = duration;
            copy.requestTimeout = requestTimeout;
            copy.accepted = accepted;
            copy.proxyCustomizer = proxyCustomizer;
            return new SwitchDrill(copy);
        }

        private static Backend backend(InetSocketAddress address) {
            requireNonNull(address, "address");
            String host = address.getAddress() != null ? address.getAddress().getHostAddress()
                    : address.getHostString();
            return Backend.of(host, address.getPort());
        }
    }
}
