package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Ticker;
import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.Failures;
import dev.bluegreen.proxy.internal.listener.PrewarmGuard;
import dev.bluegreen.proxy.internal.listener.PreviewListener;
import dev.bluegreen.proxy.internal.ProtocolConfig;
import dev.bluegreen.proxy.internal.listener.ProxyChannelInitializer;
import dev.bluegreen.proxy.internal.ProxyConfig;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import dev.bluegreen.proxy.internal.listener.ProxyRuntime;
import dev.bluegreen.proxy.internal.routing.SteeringSettings;
import dev.bluegreen.proxy.internal.request.RequestRules;
import dev.bluegreen.proxy.internal.request.TrustedProxies;
import dev.bluegreen.proxy.internal.listener.Transport;
import dev.bluegreen.proxy.internal.watch.WatchService;
import dev.bluegreen.proxy.internal.watch.WatchStatistics;
import dev.bluegreen.proxy.internal.health.HealthSettings;
import dev.bluegreen.proxy.internal.health.HealthyTargetGuard;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blue-green reverse proxy: an HTTP/1.1 and HTTP/2 listener, with or without TLS, that sends every request to
 * the live pool of a {@link BlueGreen} admin object, following it as it switches.
 *
 * <pre>{@code
 * BlueGreen admin = BlueGreen.builder()
 *         .blue("v1", Backend.of("10.0.0.1", 8080))
 *         .green("v2", Backend.of("10.0.0.2", 8080))
 *         .build();
 * BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("0.0.0.0", 8080).build();
 * proxy.start().join();
 * admin.switchTo(Colour.GREEN);   // the next request goes to green; requests under way finish on blue
 * }</pre>
 *
 * <p>Each request reads the routing snapshot once, when its head arrives, and stays on the colour and backend it
 * picked until it ends; a switch never moves a request under way. Upstream connections of a colour that stops being
 * live are closed as their exchanges end.
 *
 * <p>Beyond "the live colour", each opt-in: a gradual shift ({@code admin.shift(GREEN, 10)}) sends a share of new
 * requests to the idle colour; {@link Builder#preview preview} traffic goes to the idle colour; {@link
 * Builder#stickySessions sticky sessions} keep each client on the colour it started on; the {@link Builder#safetyNet
 * safety net} sends a request the new colour can't take, right after a switch, to the old one.
 *
 * <p>Thread-safe. {@link #start()} and {@link #stop()} return futures and never block the caller; a proxy starts
 * at most once.
 */
public final class BlueGreenProxy {

    private static final Logger log = LoggerFactory.getLogger(BlueGreenProxy.class);

    private enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED }

    private final ProxyConfig config;
    private final BlueGreen admin;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private final CompletableFuture<BlueGreenProxy> started = new CompletableFuture<>();
    private final AtomicReference<ProxyRecorder> recorder = new AtomicReference<>(ProxyRecorder.NONE);
    private volatile Runtime running;
    private volatile WatchService watch;
    private final List<HealthListener> healthListeners = new CopyOnWriteArrayList<>();
    /** What the proxy registered on the admin object while it runs (its switch guards); closed at stop. */
    private final List<AutoCloseable> registrations = new CopyOnWriteArrayList<>();

    /** What exists while the proxy runs. */
    private record Runtime(EventLoopGroup boss, EventLoopGroup workers, ExecutorService resolver, Channel server,
                           ChannelGroup clients, ProxyRuntime proxy, AutoCloseable listener, Channel previewServer) {
    }

    private BlueGreenProxy(ProxyConfig config, BlueGreen admin) {
        this.config = config;
        this.admin = admin;
    }

    /** A builder for a proxy that follows {@code admin}. */
    public static Builder builder(BlueGreen admin) {
        return new Builder(requireNonNull(admin, "admin"));
    }

    /**
     * Binds the listener and starts serving.
     *
     * @return a future that completes with this proxy once it accepts connections, or exceptionally if the address
     *         can't be bound
     * @throws IllegalStateException if the proxy was started before
     */
    public CompletableFuture<BlueGreenProxy> start() {
        if (!state.compareAndSet(State.NEW, State.STARTING)) {
            throw new IllegalStateException("proxy: " + state.get() + " (expected: NEW; a proxy starts once)");
        }
        Transport transport = Transport.best();
        EventLoopGroup boss = transport.newEventLoopGroup(1, "bluegreen-accept");
        EventLoopGroup workers = transport.newEventLoopGroup(config.eventLoopThreads(), "bluegreen-io");
        ExecutorService resolver = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "bluegreen-resolver");
            thread.setDaemon(true);
            return thread;
        });
        ProxyRuntime proxy = new ProxyRuntime(config, admin, transport, workers, resolver, recorder);
        ChannelGroup clients = new DefaultChannelGroup("bluegreen-clients", boss.next());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Reads are asked for by the handlers, one message at a time (backpressure, pipelining).
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ProxyChannelInitializer(proxy, clients));

        bindListeners(bootstrap).whenComplete((bound, error) -> {
            if (error != null) {
                state.set(State.STOPPED);
                workers.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
                boss.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
                resolver.shutdown();
                stopped.complete(null);
                started.completeExceptionally(Failures.cause(error));
                return;
            }
            Channel server = bound.server();
            AutoCloseable listener = admin.addListener(proxy::onRoutingChange);
            proxy.scheduleIdleEviction();
            watch = startWatch();
            startHealth(proxy);
            running = new Runtime(boss, workers, resolver, server, clients, proxy, listener, bound.previewServer());
            state.set(State.RUNNING);
            log.info("bluegreen proxy listening on {} ({} transport, {} event loops); live colour {} (generation {})",
                    server.localAddress(), transport, config.eventLoopThreads(), admin.snapshot().live(),
                    admin.snapshot().generation());
            if (bound.previewServer() != null) {
                log.info("bluegreen preview listener on {}: its requests go to the idle colour",
                        bound.previewServer().localAddress());
            }
            logProtocols();
            started.complete(this);
        });
        return started;
    }

    /** The channels of the listeners; {@code previewServer} is {@code null} without a preview listener. */
    private record Bound(Channel server, Channel previewServer) {
    }

    /**
     * Binds the listener and, when configured, the preview listener; fails, closing whichever did bind, unless
     * both do.
     */
    private CompletableFuture<Bound> bindListeners(ServerBootstrap bootstrap) {
        CompletableFuture<Channel> server = bind(bootstrap, config.listenAddress());
        InetSocketAddress previewAddress = config.steering().previewListenAddress();
        CompletableFuture<Channel> preview = previewAddress == null ? CompletableFuture.completedFuture(null)
                : bind(PreviewListener.bootstrap(bootstrap), previewAddress);
        // Completes once both binds have: only then can whichever succeeded be closed.
        return server.thenCombine(preview, Bound::new).whenComplete((bound, error) -> {
            if (error != null) {
                Stream.of(server, preview).filter(f -> !f.isCompletedExceptionally())
                        .map(CompletableFuture::join).filter(Objects::nonNull).forEach(Channel::close);
            }
        });
    }

    private static CompletableFuture<Channel> bind(ServerBootstrap bootstrap, InetSocketAddress address) {
        CompletableFuture<Channel> bound = new CompletableFuture<>();
        io.netty.channel.ChannelFuture bind = bootstrap.bind(address);
        bind.addListener(future -> {
            if (future.isSuccess()) {
                bound.complete(bind.channel());
            } else {
                bound.completeExceptionally(new IllegalStateException("proxy: cannot listen on "
                        + hostAndPort(address) + ": " + future.cause().getMessage(), future.cause()));
            }
        });
        return bound;
    }

    private void logProtocols() {
        ProtocolConfig protocols = config.protocols();
        if (protocols.serverTls() != null || protocols.upstreamTls() != null) {
            log.info("bluegreen proxy TLS: listener {}, backends {} ({} engine); HTTP/2 {}",
                    protocols.serverTls() == null ? "cleartext" : "TLS",
                    protocols.upstreamTls() == null ? "cleartext" : "TLS", SslEngines.preferred(), protocols.http2());
        }
    }

    private static String hostAndPort(InetSocketAddress address) {
        return address.getHostString() + ":" + address.getPort();
    }

    /**
     * The address the proxy listens on; with port 0 in the builder, this tells the port that was picked.
     *
     * @throws IllegalStateException if the proxy is not running
     */
    public InetSocketAddress localAddress() {
        Runtime runtime = running;
        if (runtime == null) {
            throw new IllegalStateException("proxy: " + state.get() + " (expected: RUNNING)");
        }
        return (InetSocketAddress) runtime.server().localAddress();
    }

    /**
     * The address of the preview listener ({@link Builder#previewListen}), whose requests all go to the idle
     * colour; with port 0 in the builder, this tells the port that was picked. Empty if there is none or the proxy
     * is not running (it stops listening there as soon as {@link #stop()} is called).
     */
    public Optional<InetSocketAddress> previewAddress() {
        Runtime runtime = running;
        return runtime == null || runtime.previewServer() == null || state.get() != State.RUNNING ? Optional.empty()
                : Optional.of((InetSocketAddress) runtime.previewServer().localAddress());
    }

    /** The port the proxy listens on. @throws IllegalStateException if the proxy is not running */
    public int port() {
        return localAddress().getPort();
    }

    /** The admin object this proxy follows. */
    public BlueGreen admin() {
        return admin;
    }

    /**
     * Exchanges routed to {@code colour} that are still under way: after a switch, the old colour's figure falls to
     * zero as it drains.
     */
    public long activeExchanges(Colour colour) {
        Runtime runtime = running;
        return runtime == null ? 0 : runtime.proxy().counters().activeExchanges(requireNonNull(colour, "colour"));
    }

    /** Upstream connections to {@code colour}'s backends that sit idle in a pool now. */
    public long idleUpstreamConnections(Colour colour) {
        Runtime runtime = running;
        return runtime == null ? 0 : runtime.proxy().counters().idleConnections(requireNonNull(colour, "colour"));
    }

    /** Adds where exchanges and drains are recorded (a metrics binder). */
    void addRecorder(ProxyRecorder added) {
        recorder.updateAndGet(current -> ProxyRecorder.both(current, added));
    }

    /** Upstream connections to {@code colour}'s backends that are open now, busy or idle. */
    public long upstreamConnections(Colour colour) {
        Runtime runtime = running;
        return runtime == null ? 0 : runtime.proxy().counters().openConnections(requireNonNull(colour, "colour"));
    }

    /**
     * The latest drain of {@code colour}: after {@code admin.switchTo(GREEN)}, {@code drain(BLUE)} tells how many
     * exchanges and connections blue still has and completes when it has none (or at the drain deadline). Empty if
     * the colour has not stopped being live since the proxy started.
     */
    public Optional<Drain> drain(Colour colour) {
        Runtime runtime = running;
        return runtime == null ? Optional.empty()
                : Optional.ofNullable(runtime.proxy().drain(requireNonNull(colour, "colour")));
    }

    /**
     * The report of the drain that the change to {@code generation} started, once that drain has ended; for the
     * audit trail. Empty if that change did not change the live colour, the drain is still under way, or the
     * report is one of the oldest (the last 200 are kept).
     */
    public Optional<DrainReport> drainReport(long generation) {
        Runtime runtime = running;
        return runtime == null ? Optional.empty() : Optional.ofNullable(runtime.proxy().drainReport(generation));
    }

    /** Exchanges that ended on {@code colour} since the proxy started (0 when not running). */
    public long exchangesEnded(Colour colour) {
        Runtime runtime = running;
        return runtime == null ? 0 : runtime.proxy().counters().exchangesEnded(requireNonNull(colour, "colour"));
    }

    /** Exchanges on {@code colour} that ended with a 5xx or were cut short, since the proxy started. */
    public long failedExchanges(Colour colour) {
        Runtime runtime = running;
        return runtime == null ? 0 : runtime.proxy().counters().failedExchanges(requireNonNull(colour, "colour"));
    }

    /** Client connections open now. */
    public long clientConnections() {
        Runtime runtime = running;
        return runtime == null ? 0 : runtime.proxy().counters().clientConnections();
    }

    /**
     * The health of every backend of both pools (blue first, in pool order): the active checks' verdict and any
     * passive ejection. All {@link HealthState#UNKNOWN} when checks are off or the proxy is not running.
     */
    public List<BackendHealth> health() {
        Runtime runtime = running;
        if (runtime == null) {
            List<BackendHealth> unknown = new java.util.ArrayList<>();
            dev.bluegreen.core.RoutingSnapshot snapshot = admin.snapshot();
            for (Colour colour : Colour.values()) {
                for (Backend backend : snapshot.environment(colour).backends()) {
                    unknown.add(new BackendHealth(colour, backend, HealthState.UNKNOWN, null, null, null));
                }
            }
            return List.copyOf(unknown);
        }
        return runtime.proxy().health().health(admin.snapshot());
    }

    /** The health of {@code backend} in {@code colour}'s pool (unknown if it is not there or not checked). */
    public BackendHealth health(Colour colour, Backend backend) {
        requireNonNull(colour, "colour");
        requireNonNull(backend, "backend");
        Runtime runtime = running;
        return runtime == null ? new BackendHealth(colour, backend, HealthState.UNKNOWN, null, null, null)
                : runtime.proxy().health().health(colour, backend);
    }

    /**
     * Adds a listener for every health change (state, ejection, end of an ejection); it hears changes while the
     * proxy runs, on an event loop. Closing the result removes it.
     */
    public AutoCloseable addHealthListener(HealthListener listener) {
        requireNonNull(listener, "listener");
        healthListeners.add(listener);
        return () -> healthListeners.remove(listener);
    }

    private void startHealth(ProxyRuntime proxy) {
        proxy.health().addListener((previous, current) -> {
            for (HealthListener listener : healthListeners) {
                try {
                    listener.healthChanged(previous, current);
                } catch (RuntimeException e) {
                    log.warn("health listener {} failed on {}", listener, current, e);
                }
            }
        });
        proxy.startHealth();
        // The health guard first: no use warming connections to a pool that is down.
        if (config.health().guarded()) {
            registrations.add(admin.addGuard(new HealthyTargetGuard(proxy.healthChecks(), config.health())));
        }
        if (config.health().prewarmConnections() > 0) {
            registrations.add(admin.addGuard(new PrewarmGuard(proxy, config.health().prewarmConnections())));
        }
    }

    /** Stops gracefully within the builder's {@linkplain Builder#shutdownGracePeriod grace period}. */
    public CompletableFuture<Void> stop() {
        return stop(config.shutdownGracePeriod());
    }

    /**
     * Stops gracefully: stops accepting at once (a new connection is refused, never half-served), lets exchanges
     * under way finish within {@code gracePeriod} (each connection closes after its current response), then closes
     * what is left and releases the threads. Calling it again returns the same future.
     *
     * @return a future that completes when everything is closed
     */
    public CompletableFuture<Void> stop(Duration gracePeriod) {
        requireNonNull(gracePeriod, "gracePeriod");
        State previous = state.getAndUpdate(s -> s == State.RUNNING ? State.STOPPING : s);
        if (previous == State.STARTING) {
            // Stop once the start has settled: a proxy that failed to bind is stopped already.
            return started.handle((proxy, error) -> null).thenCompose(ignored -> stop(gracePeriod));
        }
        if (previous != State.RUNNING) {
            if (previous == State.NEW) {
                state.set(State.STOPPED);
                stopped.complete(null);
            }
            return stopped;
        }
        Runtime runtime = running;
        if (watch != null) {
            watch.close();
        }
        closeQuietly(runtime.listener());
        registrations.forEach(BlueGreenProxy::closeQuietly);
        registrations.clear();
        runtime.proxy().stopHealth();
        runtime.proxy().stopDrains();
        if (runtime.previewServer() != null) {
            runtime.previewServer().close();
        }
        runtime.server().close().addListener(closed -> {
            log.info("bluegreen proxy stopped accepting; letting {} connection(s) finish within {} ms",
                    runtime.clients().size(), gracePeriod.toMillis());
            runtime.clients().forEach(ProxyChannelInitializer::closeGracefully);
            CompletableFuture<Void> drained = new CompletableFuture<>();
            runtime.clients().newCloseFuture().addListener(all -> drained.complete(null));
            drained.completeOnTimeout(null, gracePeriod.toMillis(), TimeUnit.MILLISECONDS)
                    .thenRun(() -> shutDown(runtime));
        });
        return stopped;
    }

    /**
     * Starts a gradual shift of new requests to {@code plan}'s target: the first step at once, each next one after
     * the step interval if the target passed the {@link AutoRollback} rules meanwhile (judged at every evaluation
     * interval against the live colour over the same time); after 100 % it promotes the target, on a breach it rolls
     * the shift back to 0. Every change it makes goes through the admin object (actor {@code shift-plan}, or
     * {@value AutoRollback#ACTOR} for the rollback) and names the generation it expects, so a change made by someone
     * else meanwhile stops the plan ({@link ShiftOutcome.Result#HALTED}) rather than being overwritten.
     *
     * <pre>{@code
     * ShiftOutcome outcome = proxy.startShift(ShiftPlan.linear(Colour.GREEN, 10, Duration.ofMinutes(1))).join();
     * }</pre>
     *
     * @return the plan's outcome; cancelling it stops the plan where it is (the shift stays; {@code rollback()} or
     *         {@code promote()} from there)
     * @throws IllegalStateException if the proxy was built without {@link Builder#autoRollback(AutoRollback)}, is
     *         not running, or a plan is under way
     */
    public CompletableFuture<ShiftOutcome> startShift(ShiftPlan plan) {
        requireNonNull(plan, "plan");
        if (config.autoRollback() == null) {
            throw new IllegalStateException("startShift: no autoRollback(...) on the builder (expected: the rules "
                    + "that judge each step, e.g. autoRollback(AutoRollback.defaults()))");
        }
        WatchService service = watch;
        if (service == null || state.get() != State.RUNNING) {
            throw new IllegalStateException("startShift: proxy " + state.get() + " (expected: RUNNING)");
        }
        return service.startShift(plan);
    }

    private WatchService startWatch() {
        if (config.autoRollback() == null) {
            return null;
        }
        WatchStatistics statistics = new WatchStatistics();
        addRecorder(statistics);
        return WatchService.start(admin, config.autoRollback(), statistics);
    }

    private void shutDown(Runtime runtime) {
        if (!runtime.clients().isEmpty()) {
            log.warn("bluegreen proxy: grace period over; closing {} connection(s) still open",
                    runtime.clients().size());
        }
        runtime.clients().close().addListener(closed -> {
            runtime.proxy().closeIdleUpstreams();
            runtime.workers().shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(w ->
                    runtime.boss().shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(b -> {
                        runtime.resolver().shutdown();
                        state.set(State.STOPPED);
                        log.info("bluegreen proxy stopped");
                        stopped.complete(null);
                    }));
        });
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("could not remove the proxy's routing listener", e);
        }
    }

    /**
     * Builds a {@link BlueGreenProxy}. Each option is validated when set; unset options keep the defaults below.
     * Not thread-safe; build once.
     */
    public static final class Builder {

        private final BlueGreen admin;
        private InetSocketAddress listenAddress = new InetSocketAddress("127.0.0.1", 8080);
        private int eventLoopThreads = Math.max(1, java.lang.Runtime.getRuntime().availableProcessors());
        private Duration connectTimeout = Duration.ofSeconds(2);
        private Duration responseTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(60);
        private Duration upstreamIdleTimeout = Duration.ofSeconds(30);
        private int maxConnectAttempts = 3;
        private Duration shutdownGracePeriod = Duration.ofSeconds(30);
        private Duration drainTimeout = Duration.ofSeconds(30);
        private boolean closeClientConnectionsAfterSwitch;
        private String routingHeader;
        private PreviewRule preview;
        private InetSocketAddress previewListenAddress;
        private StickySessions stickySessions;
        private Duration safetyNetWindow;
        private Ticker steeringTicker = Ticker.systemTicker();
        private AutoRollback autoRollback;
        private TlsSettings tls;
        private Http2Options http2 = Http2Options.defaults();
        private UpstreamTls upstreamTls;
        private RequestLimits requestLimits = RequestLimits.defaults();
        private Set<String> allowedHosts = Set.of();
        private TrustedProxies trustedProxies = TrustedProxies.NONE;
        private boolean forwardProxyAuthorization;
        private boolean dropUnderscoreHeaders;

        private Builder(BlueGreen admin) {
            this.admin = admin;
        }

        /** Where to listen; port 0 picks a free port (see {@link #localAddress()}). Default 127.0.0.1:8080. */
        public Builder listen(String host, int port) {
            requireNonNull(host, "host");
            checkPort(port);
            this.listenAddress = new InetSocketAddress(host, port);
            return this;
        }

        /** Where to listen. */
        public Builder listen(InetSocketAddress address) {
            requireNonNull(address, "address");
            checkPort(address.getPort());
            this.listenAddress = address;
            return this;
        }

        /** Event-loop threads for client and upstream connections. Default: the number of cores. */
        public Builder eventLoopThreads(int threads) {
            if (threads < 1 || threads > 1024) {
                throw new IllegalArgumentException("eventLoopThreads: " + threads + " (expected: 1-1024)");
            }
            this.eventLoopThreads = threads;
            return this;
        }

        /** How long one upstream connect may take before the next backend is tried. Default 2 s. */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive("connectTimeout", timeout);
            if (timeout.toMillis() > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("connectTimeout: " + timeout + " (expected: at most 24 days)");
            }
            return this;
        }

        /**
         * How long the backend may stay silent, once the request is on its way, before the client gets 504 (or,
         * if the response has started, before the client connection is closed). Default 30 s.
         */
        public Builder responseTimeout(Duration timeout) {
            this.responseTimeout = positive("responseTimeout", timeout);
            return this;
        }

        /** How long a client keep-alive connection may sit between requests before it is closed. Default 60 s. */
        public Builder idleTimeout(Duration timeout) {
            this.idleTimeout = positive("idleTimeout", timeout);
            return this;
        }

        /** How long a pooled upstream connection may sit unused before it is closed. Default 30 s. */
        public Builder upstreamIdleTimeout(Duration timeout) {
            this.upstreamIdleTimeout = positive("upstreamIdleTimeout", timeout);
            return this;
        }

        /** How many backends of the pool one request may try to connect to before 502. Default 3. */
        public Builder maxConnectAttempts(int attempts) {
            if (attempts < 1 || attempts > 64) {
                throw new IllegalArgumentException("maxConnectAttempts: " + attempts + " (expected: 1-64)");
            }
            this.maxConnectAttempts = attempts;
            return this;
        }

        /** How long {@link #stop()} lets exchanges under way finish before closing them. Default 30 s. */
        public Builder shutdownGracePeriod(Duration period) {
            requireNonNull(period, "shutdownGracePeriod");
            if (period.isNegative()) {
                throw new IllegalArgumentException("shutdownGracePeriod: " + period + " (expected: >= 0)");
            }
            this.shutdownGracePeriod = period;
            return this;
        }

        /**
         * How long a colour that stopped being live may keep exchanges and upstream connections open. At the
         * deadline what is left is closed: a WebSocket gets a close frame (1001, going away) to both peers, any
         * other exchange has its client connection closed. Default 30 s.
         */
        public Builder drainTimeout(Duration timeout) {
            this.drainTimeout = positive("drainTimeout", timeout);
            return this;
        }

        /**
         * Moves clients off their connections after a switch: the next response on a client connection opened before
         * the live colour changed carries {@code Connection: close}, and the connection closes after it. For clients
         * that must reconnect to notice a switch (connection-level load balancers, sticky NATs). Each request is
         * routed on its own either way. Default off.
         */
        public Builder closeClientConnectionsAfterSwitch(boolean enabled) {
            this.closeClientConnectionsAfterSwitch = enabled;
            return this;
        }

        /**
         * Adds a response header that names the colour and routing generation that served each request, e.g.
         * {@code X-BlueGreen: green; generation=7}. Off (null) by default: it tells clients about the deployment.
         *
         * @param name a header name (RFC 9110 token), or {@code null} for none
         */
        public Builder routingHeader(String name) {
            if (name != null && (name.isEmpty() || !name.chars().allMatch(Builder::isTokenChar))) {
                throw new IllegalArgumentException("routingHeader: '" + name + "' (expected: a header name token)");
            }
            this.routingHeader = name;
            return this;
        }

        private static boolean isTokenChar(int c) {
            return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
        }

        // ---- beyond the live colour: preview, sticky sessions, the safety net ----------------------------------

        /**
         * Sends preview traffic, requests that match {@code rule}, to the idle colour, never falling back to the
         * live one (if the idle pool can't serve, the client gets the 502 or 503). Default: none.
         *
         * @param rule the header or cookie (and optional secret) that marks preview traffic, or {@code null} for none
         */
        public Builder preview(PreviewRule rule) {
            this.preview = rule;
            return this;
        }

        /**
         * Adds a second listener whose requests all go to the idle colour, with no fallback, as preview traffic;
         * {@link BlueGreenProxy#previewAddress()} tells where it listens. Keep it where only testers reach it.
         * Default: none.
         */
        public Builder previewListen(String host, int port) {
            requireNonNull(host, "host");
            checkPort(port);
            this.previewListenAddress = new InetSocketAddress(host, port);
            return this;
        }

        /** Where the preview listener listens, or {@code null} for none. See {@link #previewListen(String, int)}. */
        public Builder previewListen(InetSocketAddress address) {
            if (address != null) {
                checkPort(address.getPort());
            }
            this.previewListenAddress = address;
            return this;
        }

        /**
         * Keeps each client on the colour it started on, across a switch (until it has been idle for the TTL or the
         * {@link #drainTimeout drain deadline} passes) and during a gradual shift (each new session, not each
         * request, draws the shift's share). Default: off, each request is routed on its own.
         *
         * @param sessions how sessions are named and remembered, or {@code null} for none
         */
        public Builder stickySessions(StickySessions sessions) {
            this.stickySessions = sessions;
            return this;
        }

        /**
         * The safety net: for {@code window} after the live colour changed, a request that no backend of the new
         * colour accepted (connection refused or timed out, nothing of it sent) goes to the previous live colour
         * instead of failing with 502. Each such request is logged (WARN) and counted: the count is what an
         * automatic rollback watches. Only requests routed to the live colour fall back; preview traffic, shifted
         * requests and sticky sessions on the old colour never do. Default: off.
         *
         * @param window how long after a switch the safety net holds (at most 1 hour), or {@code null} for off
         */
        public Builder safetyNet(Duration window) {
            if (window != null) {
                positive("safetyNet", window);
                if (window.compareTo(Duration.ofHours(1)) > 0) {
                    throw new IllegalArgumentException("safetyNet: " + window + " (expected: at most 1 hour)");
                }
            }
            this.safetyNetWindow = window;
            return this;
        }

        /** The time source of session expiry, the safety-net window and the sticky deadline; for tests. */
        Builder steeringTicker(Ticker ticker) {
            this.steeringTicker = requireNonNull(ticker, "ticker");
            return this;
        }

        // ---- safe promotion: the watch after a switch, shift plans ------------------------------------------------

        /**
         * Watches the colour each switch or promotion makes live for a bake window, and rolls back on its own when
         * it breaches the rules (error rate, p99, each also against the old colour's figures before the change);
         * also the rules that judge the steps of {@link BlueGreenProxy#startShift(ShiftPlan) shift plans}. One call
         * turns it on: {@code autoRollback(AutoRollback.defaults())}. Off ({@code null}) by default.
         *
         * @param settings the rules, or {@code null} for none
         */
        public Builder autoRollback(AutoRollback settings) {
            this.autoRollback = settings;
            return this;
        }

        // ---- health: active checks, passive ejection, the switch guard, pre-warm ------------------------------

        private HealthCheckSettings healthChecks;
        private OutlierEjection outlierEjection;
        private int guardMinHealthy = 1;
        private double guardMinShare;
        private int prewarmConnections;

        /**
         * Turns on active health checks of every backend of both pools, and the healthy-target switch guard (see
         * {@link #targetGuard(int)}). Load balancing then skips unhealthy backends; with none healthy, the pool
         * answers 503. Default: off (every backend takes traffic, its health {@link HealthState#UNKNOWN}).
         */
        public Builder healthChecks(HealthCheckSettings settings) {
            this.healthChecks = requireNonNull(settings, "settings");
            return this;
        }

        /**
         * With health checks on: before {@code switchTo}, {@code promote} and {@code shift}, a fresh check of every
         * backend of the target pool must find at least {@code minHealthy} healthy backends, else the change is
         * refused by the guard {@code healthy-target}. Default 1.
         *
         * @param minHealthy 1-10000
         */
        public Builder targetGuard(int minHealthy) {
            if (minHealthy < 1 || minHealthy > 10_000) {
                throw new IllegalArgumentException("targetGuard: " + minHealthy + " (expected: 1-10000)");
            }
            this.guardMinHealthy = minHealthy;
            this.guardMinShare = 0;
            return this;
        }

        /**
         * As {@link #targetGuard(int)}, with the minimum as a share of the target pool, rounded up (at least one).
         *
         * @param share above 0 and at most 1, e.g. 0.5 for half the pool
         */
        public Builder targetGuardShare(double share) {
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("targetGuardShare: " + share + " (expected: > 0 and <= 1)");
            }
            this.guardMinShare = share;
            this.guardMinHealthy = 1;
            return this;
        }

        /** Health checks without the healthy-target guard: switches are not judged by the target's health. */
        public Builder withoutTargetGuard() {
            this.guardMinHealthy = 0;
            this.guardMinShare = 0;
            return this;
        }

        /**
         * Turns on passive outlier ejection: a backend whose requests fail several times in a row (connect failures,
         * 5xx) is left out of load balancing for a while. Default: off.
         */
        public Builder outlierEjection(OutlierEjection settings) {
            this.outlierEjection = requireNonNull(settings, "settings");
            return this;
        }

        /**
         * Before {@code switchTo}, {@code promote} and {@code shift}, opens {@code connectionsPerBackendPerLoop}
         * connections from each event loop to each backend of the target pool (the guard {@code pre-warm}, which
         * never refuses), so the first requests after the switch find them open. Default 0: off.
         *
         * @param connectionsPerBackendPerLoop 0-64
         */
        public Builder prewarm(int connectionsPerBackendPerLoop) {
            if (connectionsPerBackendPerLoop < 0 || connectionsPerBackendPerLoop > 64) {
                throw new IllegalArgumentException("prewarm: " + connectionsPerBackendPerLoop + " (expected: 0-64)");
            }
            this.prewarmConnections = connectionsPerBackendPerLoop;
            return this;
        }

        private HealthSettings healthSettings() {
            return new HealthSettings(healthChecks, outlierEjection, guardMinHealthy, guardMinShare,
                    prewarmConnections);
        }

        /**
         * Terminates TLS on the listener with this certificate and key: clients connect with {@code https}.
         * Default: none (cleartext). See {@link TlsSettings} for the protocol and cipher defaults.
         */
        public Builder tls(TlsSettings settings) {
            this.tls = requireNonNull(settings, "tls");
            return this;
        }

        /**
         * HTTP/2 towards clients: offered through ALPN with TLS, and to clients with prior knowledge on cleartext.
         * Default {@link Http2Options#defaults()} (on); {@link Http2Options#disabled()} serves HTTP/1.1 only.
         */
        public Builder http2(Http2Options options) {
            this.http2 = requireNonNull(options, "http2");
            return this;
        }

        /**
         * Connects to every backend with TLS, verifying its certificate. Default: none (cleartext HTTP/1.1 to the
         * backends).
         */
        public Builder upstreamTls(UpstreamTls settings) {
            this.upstreamTls = requireNonNull(settings, "upstreamTls");
            return this;
        }

        /**
         * The proxy, not yet started.
         *
         * @throws IllegalArgumentException if the TLS settings can't make a TLS context
         */
        public BlueGreenProxy build() {
            ProtocolConfig protocols = new ProtocolConfig(
                    tls == null ? null : tls.newServerContext(http2.enabled()),
                    upstreamTls == null ? null : upstreamTls.newClientContext(),
                    http2,
                    tls == null ? Duration.ofSeconds(10) : tls.handshakeTimeout());
            return new BlueGreenProxy(new ProxyConfig(listenAddress, eventLoopThreads, connectTimeout,
                    responseTimeout, idleTimeout, upstreamIdleTimeout, maxConnectAttempts, shutdownGracePeriod,
                    drainTimeout, closeClientConnectionsAfterSwitch, routingHeader,
                    new SteeringSettings(preview, previewListenAddress, stickySessions, safetyNetWindow,
                            steeringTicker),
                    autoRollback,
                    healthSettings(),
                    protocols,
                    new RequestRules(requestLimits, allowedHosts, trustedProxies, forwardProxyAuthorization,
                            dropUnderscoreHeaders)),
                    admin);
        }

        // ---- request limits and forwarding policy (Security and limits in the README) -------------------------

        /** All request limits and timeouts at once; see {@link RequestLimits#defaults()} for the defaults. */
        public Builder requestLimits(RequestLimits limits) {
            this.requestLimits = requireNonNull(limits, "requestLimits");
            return this;
        }

        /** Bytes of the request line; longer → 414. Default 8 KiB. */
        public Builder maxRequestLineLength(int bytes) {
            return requestLimits(requestLimits.withMaxRequestLineLength(bytes));
        }

        /** Bytes of a request's header section; larger → 431. Default 16 KiB. */
        public Builder maxHeaderSize(int bytes) {
            return requestLimits(requestLimits.withMaxHeaderSize(bytes));
        }

        /** Header fields in one request; more → 431. Default 100. */
        public Builder maxHeaderCount(int fields) {
            return requestLimits(requestLimits.withMaxHeaderCount(fields));
        }

        /**
         * Bytes of one request body; larger → 413, before any of it is forwarded when {@code Content-Length} says
         * so, else (chunked) when the limit is passed, which cuts the upload and closes the connection. Default 0:
         * no limit.
         */
        public Builder maxRequestBodySize(long bytes) {
            return requestLimits(requestLimits.withMaxBodySize(bytes));
        }

        /** Requests served on one client connection; the last one's response closes it. Default 10,000; 0: none. */
        public Builder maxRequestsPerConnection(int requests) {
            return requestLimits(requestLimits.withMaxRequestsPerConnection(requests));
        }

        /**
         * Client connections open at once; one above it is answered 503 (with {@code Retry-After}) and closed.
         * Default 10,000; 0: no limit.
         */
        public Builder maxClientConnections(int connections) {
            return requestLimits(requestLimits.withMaxClientConnections(connections));
        }

        /**
         * How long a request head may take from its first byte to its last, however slowly the bytes come; slower
         * → 408 and close (the slowloris defence). Default 10 s.
         */
        public Builder requestHeaderTimeout(Duration timeout) {
            return requestLimits(requestLimits.withRequestHeaderTimeout(timeout));
        }

        /** How long the client may leave a read of its request body unanswered; longer → 408. Default 30 s. */
        public Builder requestBodyTimeout(Duration timeout) {
            return requestLimits(requestLimits.withRequestBodyTimeout(timeout));
        }

        /**
         * The host names requests may name in {@code Host} (port ignored, case-insensitive); any other → 421.
         * Default: empty, any host.
         */
        public Builder allowedHosts(Collection<String> hosts) {
            requireNonNull(hosts, "allowedHosts");
            Set<String> names = new LinkedHashSet<>();
            for (String host : hosts) {
                if (host == null || host.isEmpty() || host.indexOf(':') >= 0 && !host.startsWith("[")
                        || !host.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                    throw new IllegalArgumentException("allowedHosts: '" + host
                            + "' (expected: a host name or IP address without port)");
                }
                names.add(host.toLowerCase(Locale.ROOT));
            }
            this.allowedHosts = Set.copyOf(names);
            return this;
        }

        /**
         * The peers (IP addresses or CIDR blocks, e.g. {@code 10.0.0.0/8}) whose {@code X-Forwarded-For},
         * {@code X-Forwarded-Proto}, {@code X-Forwarded-Host} and {@code Forwarded} are kept and appended to: a load
         * balancer in front of the proxy. From any other peer those headers are replaced. Default: none.
         *
         * @throws IllegalArgumentException naming an entry that is not an IP address or CIDR block
         */
        public Builder trustedProxies(Collection<String> addressesOrCidrs) {
            this.trustedProxies = TrustedProxies.parse(List.copyOf(requireNonNull(addressesOrCidrs, "trustedProxies")));
            return this;
        }

        /**
         * Whether {@code Proxy-Authorization} is passed on to the backend (it is stripped by default, as a field
         * meant for this hop; enable it when the backend itself checks proxy credentials). Default off.
         */
        public Builder forwardProxyAuthorization(boolean enabled) {
            this.forwardProxyAuthorization = enabled;
            return this;
        }

        /**
         * Whether request header fields whose name holds {@code _} are dropped before forwarding (as nginx does),
         * so that {@code X_Forwarded_For} can't pose as {@code X-Forwarded-For} to a backend that maps both to one
         * variable. Default off.
         */
        public Builder dropUnderscoreHeaders(boolean enabled) {
            this.dropUnderscoreHeaders = enabled;
            return this;
        }

        private static void checkPort(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
            }
        }

        private static Duration positive(String name, Duration value) {
            requireNonNull(value, name);
            if (value.isZero() || value.isNegative()) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
            }
            return value;
        }
    }
}
