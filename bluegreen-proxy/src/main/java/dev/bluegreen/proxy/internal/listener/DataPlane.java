package dev.bluegreen.proxy.internal.listener;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.core.SwitchGuard;
import dev.bluegreen.proxy.Drain;
import dev.bluegreen.proxy.DrainReport;
import dev.bluegreen.proxy.BackendProtocols;
import dev.bluegreen.proxy.internal.ProtocolConfig;
import dev.bluegreen.proxy.internal.ProxyConfig;
import dev.bluegreen.proxy.internal.drain.DrainCoordinator;
import dev.bluegreen.proxy.internal.exchange.AccessLog;
import dev.bluegreen.proxy.internal.exchange.BackendLoads;
import dev.bluegreen.proxy.internal.exchange.ExchangeServices;
import dev.bluegreen.proxy.internal.exchange.LoopContext;
import dev.bluegreen.proxy.internal.exchange.LoopContexts;
import dev.bluegreen.proxy.internal.health.ActiveHealthChecks;
import dev.bluegreen.proxy.internal.health.HealthProbes;
import dev.bluegreen.proxy.internal.health.HealthRegistry;
import dev.bluegreen.proxy.internal.health.HealthyTargetGuard;
import dev.bluegreen.proxy.internal.metrics.FailureLog;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import dev.bluegreen.proxy.internal.mirror.Mirror;
import dev.bluegreen.proxy.internal.mirror.MirrorTargets;
import dev.bluegreen.proxy.internal.routing.Router;
import dev.bluegreen.proxy.internal.upstream.BackendAddresses;
import dev.bluegreen.proxy.internal.upstream.Http2Upstreams;
import dev.bluegreen.proxy.internal.upstream.LoopUpstreams;
import dev.bluegreen.proxy.internal.upstream.UpstreamPools;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.ChannelGroupFuture;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiPredicate;

/**
 * The data plane of one running proxy, wired: the upstream bootstrap and the backends' addresses, the router, the
 * drains, the backends' health, and one {@link LoopContext} per event loop holding that loop's pools and exchanges.
 * Built once at start by {@code BlueGreenProxy}; it hands each piece what it needs and nothing reaches back to it.
 * It also applies each routing change to the pieces that follow it.
 */
public final class DataPlane {

    /** At most one WARN line per kind of failed request in this time; the meters count every one. */
    private static final Duration FAILURE_LOG_PERIOD = Duration.ofSeconds(10);
    /**
     * How long, once a stop's grace period is over, the connections still open get for their last words (a 504, a
     * WebSocket's close frames) before they are closed bare.
     */
    private static final long LAST_WORDS_MILLIS = 2_500;

    private final ProxyConfig config;
    private final BlueGreen admin;
    private final ProxyCounters counters = new ProxyCounters();
    private final FailureLog failures = new FailureLog(FAILURE_LOG_PERIOD, System::nanoTime);
    private final BackendLoads loads;
    private final BackendAddresses addresses;
    private final DrainCoordinator drains;
    private final Router router;
    private final HealthRegistry health;
    private final ActiveHealthChecks healthChecks;
    /** The health checks' open connections, closed at {@link #stopHealth()}. */
    private final ChannelGroup checkConnections = new DefaultChannelGroup("health-checks",
            ImmediateEventExecutor.INSTANCE);
    private final LoopContexts loops;
    private final Mirror mirror;

    /**
     * @param workers  the event loops that serve client and upstream connections
     * @param dnsLoop  where backend names are resolved: a loop of the resolver's own, never a worker (NIO)
     * @param recorder where exchanges and drains are recorded; read once per exchange
     * @param accessLog where ended exchanges are logged, while it is on
     */
    public DataPlane(ProxyConfig config, BlueGreen admin, Transport transport, EventLoopGroup workers,
                     EventLoop dnsLoop, AtomicReference<ProxyRecorder> recorder, AccessLog accessLog) {
        this.config = config;
        this.admin = admin;
        this.loads = new BackendLoads(config.loadBalancing().isLeastRequests(),
                config.maxQueuedRequests());
        this.addresses = new BackendAddresses(dnsLoop, config.nameServers());
        Bootstrap upstreamBootstrap = new Bootstrap()
                .channel(transport.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.timeouts().connect().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                // Reads from the backend are requested one at a time, as the client takes the writes.
                .option(ChannelOption.AUTO_READ, false)
                // Addresses are resolved asynchronously, on a loop of their own, by BackendAddresses.
                .resolver(NoopAddressResolverGroup.INSTANCE);
        // Filled below, once the loops' contexts exist; the coordinator only reads it when a drain may end.
        List<LoopContext> contexts = new ArrayList<>();
        this.drains = new DrainCoordinator(config.timeouts().drain(), counters, contexts, workers.next(),
                recorder::get, this::stillRouted);
        this.router = new Router(config.steering(), config.timeouts().drain(), admin.snapshot(), drains::latest);
        addresses.track(admin.snapshot());
        loads.retainPoolsOf(admin.snapshot());
        EventLoop healthLoop = (EventLoop) workers.next();
        this.health = new HealthRegistry(config.health(), System::nanoTime, Clock.systemUTC(),
                (task, delayNanos) -> healthLoop.schedule(task, delayNanos, TimeUnit.NANOSECONDS));
        ExchangeServices services = new ExchangeServices(config, admin::snapshot, router, health, addresses,
                counters, recorder::get, failures, drains::liveColourChanges, accessLog, loads);
        for (EventExecutor executor : workers) {
            EventLoop loop = (EventLoop) executor;
            contexts.add(new LoopContext(loop, services, upstreams(loop, upstreamBootstrap, counters,
                    router::keepsNonLive, config.timeouts().rollbackWindow())));
        }
        this.loops = new LoopContexts(contexts);
        this.mirror = config.mirror() == null ? null : mirror(config, workers, upstreamBootstrap);
        // A check's connection is closed with a reset once its verdict is in (SO_LINGER 0), as HAProxy closes its
        // checks: neither side keeps a socket in TIME_WAIT for each check, which on a backend checked at every switch
        // (the healthy-target guard) and every interval would otherwise pile up by the thousand under frequent
        // switching. Nothing is lost: the check has read all it wants, and its request asked to close anyway.
        Bootstrap checks = new Bootstrap().channel(transport.socketChannelType())
                .option(ChannelOption.TCP_NODELAY, true).option(ChannelOption.SO_LINGER, 0)
                .resolver(NoopAddressResolverGroup.INSTANCE);
        ProtocolConfig protocols = config.protocols();
        this.healthChecks = config.health().checks() == null ? null : new ActiveHealthChecks(health, workers,
                new HealthProbes(checks, config.health().checks(), protocols.backends(), protocols.upstreamTls(),
                        protocols.upstreamH2Tls(), checkConnections), this::address);
    }

    /**
     * One loop's connections to the backends: HTTP/1.1 pools always (their keep rules serve both kinds), HTTP/2
     * connections when a pool speaks h2c or h2.
     *
     * @param counters       where the connections are counted
     * @param keepsNonLive   whether a colour that is not live keeps its connections
     * @param rollbackWindow how long a colour that stopped being live keeps its idle connections
     */
    private LoopUpstreams upstreams(EventLoop loop, Bootstrap upstreamBootstrap, ProxyCounters counters,
                                    BiPredicate<RoutingSnapshot, Colour> keepsNonLive, Duration rollbackWindow) {
        ProtocolConfig protocols = config.protocols();
        UpstreamPools http1 = new UpstreamPools(loop, upstreamBootstrap, protocols.upstreamTls(), counters,
                admin::snapshot, keepsNonLive, rollbackWindow);
        BackendProtocols backends = protocols.backends();
        Http2Upstreams http2 = backends.protocol(Colour.BLUE).http2() || backends.protocol(Colour.GREEN).http2()
                ? new Http2Upstreams(loop, upstreamBootstrap, backends, protocols.upstreamH2Tls(), counters,
                        http1::keeps, config.timeouts().connect())
                : null;
        return new LoopUpstreams(http1, http2, backends);
    }

    /**
     * Shadow traffic, with pools of its own on each loop: apart from the exchanges' pools and counted apart, so that a
     * mirror never counts in a drain nor keeps connections the drain is waiting to close (nor any for a rollback).
     */
    private Mirror mirror(ProxyConfig config, EventLoopGroup workers, Bootstrap upstreamBootstrap) {
        MirrorTargets targets = new MirrorTargets(admin::snapshot, config.health().tracksHealth() ? health : null,
                addresses);
        ProxyCounters mirrorConnections = new ProxyCounters();
        return new Mirror(config.mirror(), targets, workers, loop -> upstreams(loop, upstreamBootstrap,
                mirrorConnections, targets::keepsConnections, Duration.ZERO), Clock.systemUTC());
    }

    /** The address of {@code backend}: the last known, or when its name resolves. */
    private CompletableFuture<InetSocketAddress> address(Backend backend) {
        return addresses.resolve(backend);
    }

    /**
     * Whether the router may still send requests to {@code colour}, which is not live: the safety net within its
     * window, or sticky sessions still on it while it has idle connections kept for them (as before the rollback
     * window, when only those stayed open and held the drain up). A drain of it waits for that to end; idle
     * connections kept warm only for a rollback never hold it up.
     */
    private boolean stillRouted(Colour colour) {
        return router.safetyNetReaches(colour)
                || counters.idleConnections(colour) > 0 && router.keepsNonLive(admin.snapshot(), colour);
    }

    ProxyConfig config() {
        return config;
    }

    /** Shadow traffic, or {@code null} when it is off. */
    public Mirror mirror() {
        return mirror;
    }

    /** Each event loop's context. */
    LoopContexts loops() {
        return loops;
    }

    BackendAddresses addresses() {
        return addresses;
    }

    /** How many times the live colour changed since the proxy started. */
    long liveColourChanges() {
        return drains.liveColourChanges();
    }

    /** The health of every backend, shared by the loops. */
    public HealthRegistry health() {
        return health;
    }

    /** The active checks, or {@code null} when they are off. */
    public ActiveHealthChecks healthChecks() {
        return healthChecks;
    }

    /**
     * The guards the proxy puts on its admin's changes, in the order they run: the health guard first (no use warming
     * connections to a pool that is down), then shadow traffic's agreement (it answers at once, before pre-warm opens
     * connections for nothing), then pre-warm; each only when its setting is on.
     */
    public List<SwitchGuard> switchGuards() {
        List<SwitchGuard> guards = new ArrayList<>(3);
        if (config.health().guarded()) {
            guards.add(new HealthyTargetGuard(healthChecks, config.health()));
        }
        if (mirror != null && mirror.guard() != null) {
            guards.add(mirror.guard());
        }
        if (config.health().prewarmConnections() > 0) {
            guards.add(new PrewarmGuard(this, config.health().prewarmConnections()));
        }
        return guards;
    }

    /** Starts tracking (and, when on, checking) the backends of the current pools. */
    public void startHealth() {
        HealthRegistry.Delta delta = health.sync(admin.snapshot());
        if (healthChecks != null) {
            healthChecks.apply(delta);
        }
    }

    /**
     * Stops the periodic checks and closes the connections of the checks under way (the proxy is stopping): they
     * must be closed before the event loops end, or a loop ending while it reads a check's TLS record leaves that
     * record's buffer unreleased.
     *
     * @return done when those connections are closed
     */
    public ChannelGroupFuture stopHealth() {
        if (healthChecks != null) {
            healthChecks.stop();
        }
        return checkConnections.close();
    }

    /** The live counters of this proxy. */
    public ProxyCounters counters() {
        return counters;
    }

    /** The latest drain of {@code colour}, or {@code null} if it never stopped being live. */
    public Drain drain(Colour colour) {
        return drains.latest(colour);
    }

    /** The report of the drain started by the change to {@code generation}, or {@code null} if none ended. */
    public DrainReport drainReport(long generation) {
        return drains.report(generation);
    }

    /** Ends the drains under way (the proxy is stopping). */
    public void stopDrains() {
        drains.stop();
    }

    /** The requests under way on the backends that have a limit, or on every backend with least requests. */
    public BackendLoads loads() {
        return loads;
    }

    /**
     * Applies a routing change: starts resolving the names of new backends (off this thread, which the change's
     * writer runs), forgets the request counts of backends no pool has once they are 0, starts the drain of a colour
     * that stopped being live, then lets each loop close the idle connections no longer kept.
     */
    public void onRoutingChange(Change change) {
        addresses.track(change.current());
        loads.retainPoolsOf(change.current());
        router.onChange(change);
        HealthRegistry.Delta delta = health.sync(change.current());
        if (healthChecks != null) {
            healthChecks.apply(delta);
        }
        if (mirror != null) {
            // Before the drain starts: the colour it drains gets no mirror from now on (see Mirror).
            mirror.onRoutingChange(change);
        }
        drains.onChange(change);
        for (LoopContext context : loops.all()) {
            context.eventLoop().execute(context.pools()::onRoutingChange);
        }
    }

    /**
     * Starts each loop's periodic tasks: eviction of upstream connections idle for too long, and the response and
     * send timeouts' sweep (every quarter of the shorter, between 10 ms and 1 s, so a timeout fires at most a quarter
     * late);
     * and, on one loop, the failure log's summaries and, with a queue, the offer of free permits to waiting requests
     * (as often as the sweep, or a quarter of the queue timeout if shorter).
     */
    public void scheduleIdleEviction() {
        long periodMillis = Math.max(100, config.timeouts().upstreamIdle().toMillis() / 2);
        long shortest = Math.min(config.timeouts().response().toMillis(), config.timeouts().send().toMillis());
        long sweepMillis = Math.min(1_000, Math.max(10, shortest / 4));
        long failureLogMillis = FAILURE_LOG_PERIOD.toMillis();
        loops.all().get(0).eventLoop().scheduleWithFixedDelay(failures::flush, failureLogMillis, failureLogMillis,
                TimeUnit.MILLISECONDS);
        if (!config.timeouts().queue().isZero()) {
            long offerMillis = Math.min(sweepMillis, Math.max(10, config.timeouts().queue().toMillis() / 4));
            loops.all().get(0).eventLoop().scheduleWithFixedDelay(loads::offerFreePermits, offerMillis, offerMillis,
                    TimeUnit.MILLISECONDS);
        }
        for (LoopContext context : loops.all()) {
            context.eventLoop().scheduleWithFixedDelay(context::evictIdleConnections,
                    periodMillis, periodMillis, TimeUnit.MILLISECONDS);
            context.eventLoop().scheduleWithFixedDelay(context::sweepResponseTimeouts,
                    sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
        }
        if (mirror != null) {
            mirror.scheduleSweeps(config.timeouts().upstreamIdle().toNanos());
        }
    }

    /** Stops following the backends' names (shutdown). */
    public void stopResolving() {
        addresses.close();
    }

    /**
     * Ends what is still under way on every loop as a drain deadline would (shutdown, once the grace period is over):
     * a request its backend has not answered gets its 504, a WebSocket its close frames, the rest is cut.
     *
     * @param clients the client connections still open
     * @return done once {@code clients} have all closed, or after {@link #LAST_WORDS_MILLIS} (then close them)
     */
    public CompletableFuture<Void> endExchanges(ChannelGroup clients) {
        CompletableFuture<Void> ended = new CompletableFuture<>();
        if (clients.isEmpty()) {
            ended.complete(null);
            return ended;
        }
        for (LoopContext context : loops.all()) {
            context.eventLoop().execute(context::endAll);
        }
        clients.newCloseFuture().addListener(all -> ended.complete(null));
        return ended.completeOnTimeout(null, LAST_WORDS_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Closes idle upstream connections on every loop (shutdown). */
    public void closeIdleUpstreams() {
        for (LoopContext context : loops.all()) {
            context.eventLoop().execute(context.pools()::closeAllIdle);
        }
        if (mirror != null) {
            mirror.closeIdleConnections();
        }
    }
}
