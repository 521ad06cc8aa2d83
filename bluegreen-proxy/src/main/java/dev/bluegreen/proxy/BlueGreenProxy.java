package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.SwitchGuard;
import dev.bluegreen.core.internal.Registrations;
import dev.bluegreen.proxy.internal.Failures;
import dev.bluegreen.proxy.internal.LifecycleFutures;
import dev.bluegreen.proxy.internal.ProtocolConfig;
import dev.bluegreen.proxy.internal.ProxyConfig;
import dev.bluegreen.proxy.internal.ServerTls;
import dev.bluegreen.proxy.internal.exchange.AccessLog;
import dev.bluegreen.proxy.internal.health.HealthRegistry;
import dev.bluegreen.proxy.internal.listener.DataPlane;
import dev.bluegreen.proxy.internal.listener.ListenerBinds;
import dev.bluegreen.proxy.internal.listener.ProxyChannelInitializer;
import dev.bluegreen.proxy.internal.listener.Transport;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import dev.bluegreen.proxy.internal.watch.WatchService;
import dev.bluegreen.proxy.internal.watch.WatchStatistics;
import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.watch.ShiftOutcome;
import dev.bluegreen.proxy.watch.ShiftPlan;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
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
 * requests to the idle colour; {@link BlueGreenProxyBuilder#preview preview} traffic goes to the idle colour; {@link
 * BlueGreenProxyBuilder#stickySessions sticky sessions} keep each client on the colour it started on; the
 * {@link BlueGreenProxyBuilder#safetyNet safety net} sends a request the new colour can't take, right after a switch,
 * to the old one.
 *
 * <p>Thread-safe. {@link #start()} and {@link #stop()} return futures and never block the caller; a proxy starts
 * at most once. Their futures complete on a thread of the proxy's own ({@code bluegreen-lifecycle}), never on an
 * event loop, so what the caller chains on them may block (a guarded {@code switchTo}, {@code stop().join()}).
 */
public final class BlueGreenProxy {

    private static final Logger log = LoggerFactory.getLogger(BlueGreenProxy.class);

    private enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED }

    private final ProxyConfig config;
    private final BlueGreen admin;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    /** The transport the event loops use, once the start picked it. */
    private volatile IoTransport transportInUse = IoTransport.AUTO;
    private final CompletableFuture<BlueGreenProxy> started = new CompletableFuture<>();
    private final AtomicReference<ProxyRecorder> recorder = new AtomicReference<>(ProxyRecorder.NONE);
    private final AccessLog accessLog = new AccessLog();
    private volatile Runtime running;
    private volatile WatchService watch;
    private final Registrations<HealthListener> healthListeners = new Registrations<>();
    /** The registries the proxy's meters are bound to (by identity: Micrometer's registries don't define equals). */
    private final Set<MeterRegistry> metricsRegistries = ConcurrentHashMap.newKeySet();
    /** What the proxy registered on the admin object while it runs (its switch guards); closed at stop. */
    private final List<AutoCloseable> registrations = new CopyOnWriteArrayList<>();

    /** What exists while the proxy runs. */
    private record Runtime(EventLoopGroup boss, EventLoopGroup workers, EventLoopGroup dns, Channel server,
                           ChannelGroup clients, DataPlane proxy, AutoCloseable listener, Channel previewServer) {
    }

    BlueGreenProxy(ProxyConfig config, BlueGreen admin) {
        this.config = config;
        this.admin = admin;
    }

    /** A builder for a proxy that follows {@code admin}. */
    public static BlueGreenProxyBuilder builder(BlueGreen admin) {
        return new BlueGreenProxyBuilder(requireNonNull(admin, "admin"));
    }

    /**
     * Binds the listener and starts serving.
     *
     * @return a future that completes with this proxy once it accepts connections, or exceptionally if the address
     *         can't be bound or the {@linkplain BlueGreenProxyBuilder#transport transport} asked for can't be loaded;
     *         the caller's own: cancelling it stops nothing
     * @throws IllegalStateException if the proxy was started before, or its {@link BlueGreen} is closed (the proxy
     *         would serve a routing state nothing can change any more)
     */
    public CompletableFuture<BlueGreenProxy> start() {
        if (admin.isClosed()) {
            throw new IllegalStateException("admin: closed (expected: an open BlueGreen; a proxy follows its changes)");
        }
        if (!state.compareAndSet(State.NEW, State.STARTING)) {
            throw new IllegalStateException("proxy: " + state.get() + " (expected: NEW; a proxy starts once)");
        }
        Transport transport;
        try {
            transport = Transport.select(config.transport());
        } catch (IllegalStateException e) {
            state.set(State.STOPPED);
            stopped.complete(null);
            started.completeExceptionally(e);
            return LifecycleFutures.own(started);
        }
        transportInUse = transport.setting();
        EventLoopGroup boss = transport.newEventLoopGroup(1, "bluegreen-accept");
        EventLoopGroup workers = config.yieldAfterIo()
                ? transport.newYieldingEventLoopGroup(config.eventLoopThreads(), "bluegreen-io")
                : transport.newEventLoopGroup(config.eventLoopThreads(), "bluegreen-io");
        // The DNS resolver's loop: its datagram channel is NIO whatever the transport, and no worker waits on it.
        EventLoopGroup dns = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("bluegreen-dns", true),
                NioIoHandler.newFactory());
        DataPlane proxy = new DataPlane(config, admin, transport, workers, (EventLoop) dns.next(), recorder,
                accessLog);
        ChannelGroup clients = new DefaultChannelGroup("bluegreen-clients", boss.next());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, workers)
                .channel(transport.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // Reads are asked for by the handlers, one message at a time (backpressure, pipelining).
                .childOption(ChannelOption.AUTO_READ, false)
                .childHandler(new ProxyChannelInitializer(proxy, recorder::get, clients));

        ListenerBinds.bind(bootstrap, config).whenComplete((bound, error) -> {
            if (error != null) {
                abandonStart(Failures.cause(error), workers, boss, dns);
                return;
            }
            Channel server = bound.server();
            AutoCloseable listener;
            try {
                listener = admin.addListener(proxy::onRoutingChange);
                startHealth(proxy);
                watch = startWatch();
            } catch (IllegalStateException closed) {
                // The admin was closed while the address was being bound: the proxy would follow nothing.
                abandonStart(closed, workers, boss, dns);
                return;
            }
            proxy.scheduleIdleEviction();
            running = new Runtime(boss, workers, dns, server, clients, proxy, listener, bound.previewServer());
            state.set(State.RUNNING);
            log.info("bluegreen proxy listening on {} ({} transport, {} event loops{}); live colour {} (generation {})",
                    server.localAddress(), transport, config.eventLoopThreads(),
                    config.yieldAfterIo() ? " that yield after I/O" : "", admin.snapshot().live(),
                    admin.snapshot().generation());
            if (bound.previewServer() != null) {
                log.info("bluegreen preview listener on {}: its requests go to the idle colour",
                        bound.previewServer().localAddress());
            }
            logProtocols();
            LifecycleFutures.completeOffTheLoops(() -> started.complete(this));
        });
        return LifecycleFutures.own(started);
    }

    /** The start failed once the loops were made: they go, with any listener bound on them, and the start fails. */
    private void abandonStart(Throwable cause, EventLoopGroup... groups) {
        state.set(State.STOPPED);
        for (EventLoopGroup group : groups) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
        LifecycleFutures.completeOffTheLoops(() -> {
            stopped.complete(null);
            started.completeExceptionally(cause);
        });
    }

    private void logProtocols() {
        ProtocolConfig protocols = config.protocols();
        if (protocols.serverTls() != null || protocols.upstreamTls() != null) {
            log.info("bluegreen proxy TLS: listener {}, backends {} ({} engine); HTTP/2 {}",
                    protocols.serverTls() == null ? "cleartext" : "TLS",
                    protocols.upstreamTls() == null ? "cleartext" : "TLS", SslEngines.preferred(), protocols.http2());
        }
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
     * The address of the preview listener ({@link BlueGreenProxyBuilder#previewListen}), whose requests all go to the
     * idle colour; with port 0 in the builder, this tells the port that was picked. Empty if there is none or the proxy
     * is not running (it stops listening there as soon as {@link #stop()} is called).
     */
    public Optional<InetSocketAddress> previewAddress() {
        Runtime runtime = running;
        return runtime == null || runtime.previewServer() == null || state.get() != State.RUNNING ? Optional.empty()
                : Optional.of((InetSocketAddress) runtime.previewServer().localAddress());
    }

    /**
     * Whether the listener serves TLS ({@link BlueGreenProxyBuilder#tls}): its URLs are {@code https://}. Set when the
     * proxy is built; the preview listener serves the same.
     */
    public boolean servesTls() {
        return config.protocols().serverTls() != null;
    }

    /**
     * Turns the access log on or off, from the next exchange that ends, whether the proxy runs or not: one INFO line
     * per exchange on the SLF4J logger {@code bluegreen.access} (client, request line, status, response bytes, time,
     * colour, backend). Off by default.
     */
    public void accessLog(boolean on) {
        accessLog.turn(on);
    }

    /**
     * Reads the listener's certificate and key again and serves them from the next connection on, without a restart:
     * for a certificate renewed in place. Connections already open keep the one they were accepted with. PEM files are
     * read and checked as {@link TlsSettings#fromPem(java.nio.file.Path, java.nio.file.Path, String)} checks them;
     * keys given as a key store or key manager factory stay the ones given (for a reloaded store, make settings of it
     * and call {@link #replaceTls}). If the files can't be used (a renewal half done: the new certificate beside the
     * old key), this throws and the proxy goes on serving what it served. Works whether the proxy is running or not;
     * the preview listener serves the same.
     *
     * @throws IllegalStateException if the proxy was built without {@link BlueGreenProxyBuilder#tls TLS}
     * @throws TlsFileException (an {@link IllegalArgumentException}) naming the file at fault
     */
    public void reloadTls() {
        log.info("bluegreen proxy TLS reloaded: {}", serverTls().reload(TlsSettings::reread));
    }

    /**
     * Serves {@code settings} from the next connection on, as {@link #reloadTls()} does with the settings read again.
     * ALPN stays as the proxy was built ({@code h2} offered when HTTP/2 is on).
     *
     * @throws IllegalStateException if the proxy was built without {@link BlueGreenProxyBuilder#tls TLS}
     * @throws IllegalArgumentException if {@code settings} can't make a server context; nothing changes then
     */
    public void replaceTls(TlsSettings settings) {
        serverTls().replace(requireNonNull(settings, "settings"));
        log.info("bluegreen proxy TLS replaced: {}", settings);
    }

    private ServerTls serverTls() {
        ServerTls tls = config.protocols().serverTls();
        if (tls == null) {
            throw new IllegalStateException("proxy: serves cleartext (expected: a proxy built with tls(...))");
        }
        return tls;
    }

    /**
     * The port the proxy listens on.
     *
     * @return the port, as {@link #localAddress()} has it
     * @throws IllegalStateException if the proxy is not running
     */
    public int port() {
        return localAddress().getPort();
    }

    /**
     * The I/O transport the proxy's event loops use: {@link IoTransport#IO_URING}, {@link IoTransport#EPOLL} or
     * {@link IoTransport#NIO} once {@link #start()} picked it, {@link IoTransport#AUTO} before.
     */
    public IoTransport transport() {
        return transportInUse;
    }

    /** How the proxy picks each request's backend, as the builder set it. */
    public LoadBalancing loadBalancing() {
        return config.loadBalancing();
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

    /**
     * Whether {@code registry} is new to this proxy's meters: a {@link BlueGreenMetrics} binds only then, since a
     * second binding to one registry would count every exchange and change twice in the same meters.
     */
    boolean firstMetricsBinding(MeterRegistry registry) {
        return metricsRegistries.add(registry);
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

    /**
     * Exchanges on {@code colour} that ended with a 5xx or were cut short, since the proxy started; not those their
     * client cut short (went away, reset its stream, stopped reading): any client can, at will.
     */
    public long failedExchanges(Colour colour) {
        Runtime runtime = running;
        return runtime == null ? 0 : runtime.proxy().counters().failedExchanges(requireNonNull(colour, "colour"));
    }

    /**
     * What shadow traffic has found so far: mirrored, matched, mismatched and dropped requests, by route, the latest
     * mismatches and each colour's agreement. Empty when the proxy mirrors nothing ({@link
     * BlueGreenProxyBuilder#mirror}) or is not running.
     */
    public Optional<MirrorReport> mirror() {
        Runtime runtime = running;
        return runtime == null || runtime.proxy().mirror() == null ? Optional.empty()
                : Optional.of(runtime.proxy().mirror().report());
    }

    /** The shadow traffic settings, or {@code null} when it is off; for the meters. */
    MirrorSettings mirrorSettings() {
        return config.mirror();
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

    /**
     * The requests under way on {@code backend} as its limit ({@link Backend#maxRequests()}) or least-requests
     * balancing ({@link LoadBalancing#LEAST_REQUESTS}) counts them, over both colours' pools: 0 for a backend neither
     * counts, or while the proxy does not run.
     */
    public int requestsUnderWay(Backend backend) {
        requireNonNull(backend, "backend");
        Runtime runtime = running;
        return runtime == null ? 0 : runtime.proxy().loads().underWay(backend);
    }

    /**
     * The requests waiting in the queue for a backend below its limit ({@link Timeouts#queue()}), over both colours:
     * 0 while the proxy does not run.
     */
    public int requestsQueued() {
        Runtime runtime = running;
        return runtime == null ? 0 : runtime.proxy().loads().queued();
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
        return healthListeners.add(listener);
    }

    private void startHealth(DataPlane proxy) {
        proxy.health().addListener((previous, current) -> healthListeners.forEach(
                listener -> HealthRegistry.tell(listener, previous, current)));
        proxy.startHealth();
        for (SwitchGuard guard : proxy.switchGuards()) {
            registrations.add(admin.addGuard(guard));
        }
    }

    /** Stops gracefully within the builder's {@linkplain BlueGreenProxyBuilder#shutdownGracePeriod grace period}. */
    public CompletableFuture<Void> stop() {
        return stop(config.timeouts().shutdownGracePeriod());
    }

    /**
     * Stops gracefully: stops accepting at once (a new connection is refused, never half-served), lets exchanges
     * under way finish within {@code gracePeriod} (each connection closes after its current response), then ends what
     * is left as a drain deadline does (504 for a request not answered yet, a WebSocket's close frame 1001), closes it
     * and releases the threads. It may be called again, from any thread.
     *
     * @param gracePeriod 0 to 365 days
     * @return a future that completes when everything is closed; each call's own: cancelling it stops nothing, and
     *         the futures other calls returned complete all the same
     * @throws IllegalArgumentException if {@code gracePeriod} is negative or longer than 365 days (one that long
     *         overflowed in the close listener, and the future never completed)
     */
    public CompletableFuture<Void> stop(Duration gracePeriod) {
        LifecycleFutures.gracePeriod(gracePeriod);
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
            return LifecycleFutures.own(stopped);
        }
        Runtime runtime = running;
        if (watch != null) {
            watch.close();
        }
        LifecycleFutures.closeQuietly(runtime.listener());
        registrations.forEach(LifecycleFutures::closeQuietly);
        registrations.clear();
        ChannelGroupFuture checksClosed = runtime.proxy().stopHealth();
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
                    .thenRun(() -> checksClosed.addListener(checks -> shutDown(runtime)));
        });
        return LifecycleFutures.own(stopped);
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
     * @throws IllegalStateException if the proxy was built without
     *         {@link BlueGreenProxyBuilder#autoRollback(AutoRollback)}, is not running, or a plan is under way
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
        // What is left ends as at a drain deadline (a 504, a WebSocket's close frames), then the connections close.
        runtime.proxy().endExchanges(runtime.clients()).thenRun(() -> runtime.clients().close().addListener(closed -> {
            runtime.proxy().closeIdleUpstreams();
            runtime.proxy().stopResolving();
            runtime.workers().shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(w ->
                    runtime.boss().shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(b ->
                            runtime.dns().shutdownGracefully(0, 2, TimeUnit.SECONDS).addListener(d -> {
                                state.set(State.STOPPED);
                                log.info("bluegreen proxy stopped");
                                LifecycleFutures.completeOffTheLoops(() -> stopped.complete(null));
                            })));
        }));
    }
}
