package dev.bluegreen.proxy.internal.listener;

import dev.bluegreen.proxy.internal.ProxyConfig;
import dev.bluegreen.proxy.internal.exchange.LoopContext;
import dev.bluegreen.proxy.internal.upstream.BackendAddresses;
import dev.bluegreen.proxy.internal.drain.DrainCoordinator;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import dev.bluegreen.proxy.internal.routing.Router;
import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.Drain;
import dev.bluegreen.proxy.DrainReport;
import dev.bluegreen.proxy.internal.health.ActiveHealthChecks;
import dev.bluegreen.proxy.internal.health.HealthRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.resolver.NoopAddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Everything the handlers of one proxy share: its settings, the admin object it follows, the upstream bootstrap,
 * the per-event-loop contexts, the live counters and the backends' health. Built once at start; immutable apart from the counters and the
 * loop contexts' own (loop-confined) state.
 */
public final class ProxyRuntime {

    private final ProxyConfig config;
    private final BlueGreen admin;
    private final Bootstrap upstreamBootstrap;
    private final Map<EventExecutor, LoopContext> loops;
    private final ProxyCounters counters = new ProxyCounters();
    private final BackendAddresses addresses;
    private final DrainCoordinator drains;
    private final AtomicReference<ProxyRecorder> recorder;
    private final Router router;
    private final HealthRegistry health;
    private final ActiveHealthChecks healthChecks;

    /**
     * @param workers          the event loops that serve client and upstream connections
     * @param resolverExecutor where backend names are resolved when the cache misses (never an event loop)
     * @param recorder         where exchanges and drains are recorded; read once per exchange
     */
    public ProxyRuntime(ProxyConfig config, BlueGreen admin, Transport transport, EventLoopGroup workers,
                        Executor resolverExecutor, AtomicReference<ProxyRecorder> recorder) {
        this.recorder = recorder;
        this.config = config;
        this.admin = admin;
        this.addresses = new BackendAddresses(resolverExecutor);
        this.upstreamBootstrap = new Bootstrap()
                .channel(transport.socketChannelType())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.timeouts().connect().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                // Reads from the backend are requested one at a time, as the client takes the writes.
                .option(ChannelOption.AUTO_READ, false)
                // Addresses are resolved off the event loops by BackendAddresses.
                .resolver(NoopAddressResolverGroup.INSTANCE);
        Map<EventExecutor, LoopContext> byLoop = new IdentityHashMap<>();
        for (EventExecutor executor : workers) {
            byLoop.put(executor, new LoopContext(this, (EventLoop) executor));
        }
        this.loops = byLoop;
        this.drains = new DrainCoordinator(config, counters, byLoop.values(), workers.next(), this::recorder);
        this.router = new Router(config.steering(), config.timeouts().drain(), admin.snapshot(), drains::latest);
        addresses.resolveAll(admin.snapshot());
        EventLoop healthLoop = (EventLoop) workers.next();
        this.health = new HealthRegistry(config.health(), System::nanoTime, Clock.systemUTC(),
                (task, delayNanos) -> healthLoop.schedule(task, delayNanos, TimeUnit.NANOSECONDS));
        Bootstrap checks = new Bootstrap().channel(transport.socketChannelType())
                .option(ChannelOption.TCP_NODELAY, true).resolver(NoopAddressResolverGroup.INSTANCE);
        if (config.protocols().upstreamTls() != null) {
            checks.attr(ActiveHealthChecks.UPSTREAM_TLS, config.protocols().upstreamTls());
        }
        this.healthChecks = config.health().checks() == null ? null : new ActiveHealthChecks(health,
                config.health().checks(), workers, checks, this::address);
    }

    /** The address of {@code backend}: cached, or resolved off the event loops. */
    private CompletableFuture<InetSocketAddress> address(Backend backend) {
        InetSocketAddress cached = addresses.cached(backend);
        return cached != null ? CompletableFuture.completedFuture(cached) : addresses.resolveAsync(backend);
    }

    /** The health of every backend, shared by the loops. */
    public HealthRegistry health() {
        return health;
    }

    /** The active checks, or {@code null} when they are off. */
    public ActiveHealthChecks healthChecks() {
        return healthChecks;
    }

    /** Starts tracking (and, when on, checking) the backends of the current pools. */
    public void startHealth() {
        HealthRegistry.Delta delta = health.sync(admin.snapshot());
        if (healthChecks != null) {
            healthChecks.apply(delta);
        }
    }

    /** Stops the periodic checks (the proxy is stopping). */
    public void stopHealth() {
        if (healthChecks != null) {
            healthChecks.stop();
        }
    }

    public ProxyConfig config() {
        return config;
    }

    /** The admin object this proxy follows. */
    public BlueGreen admin() {
        return admin;
    }

    public Bootstrap upstreamBootstrap() {
        return upstreamBootstrap;
    }

    public BackendAddresses addresses() {
        return addresses;
    }

    /** The live counters of this proxy. */
    public ProxyCounters counters() {
        return counters;
    }

    public LoopContext loop(EventLoop eventLoop) {
        LoopContext context = loops.get(eventLoop);
        if (context == null) {
            throw new IllegalStateException("event loop " + eventLoop + " is not one of this proxy's workers");
        }
        return context;
    }

    /** Every loop's context. */
    java.util.Collection<LoopContext> loops() {
        return loops.values();
    }

    public ProxyRecorder recorder() {
        return recorder.get();
    }

    public Router router() {
        return router;
    }

    public DrainCoordinator drains() {
        return drains;
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

    /**
     * Applies a routing change: resolves new backends here (the caller's thread, not an event loop), starts the
     * drain of a colour that stopped being live, then lets each loop close the idle connections no longer kept.
     */
    public void onRoutingChange(Change change) {
        addresses.resolveAll(change.current());
        router.onChange(change);
        HealthRegistry.Delta delta = health.sync(change.current());
        if (healthChecks != null) {
            healthChecks.apply(delta);
        }
        drains.onChange(change);
        for (LoopContext context : loops.values()) {
            context.eventLoop().execute(context::onRoutingChange);
        }
    }

    /**
     * Starts each loop's periodic tasks: eviction of upstream connections idle for too long, and the response
     * timeout sweep (every quarter of the timeout, between 10 ms and 1 s, so a timeout fires at most a quarter late).
     */
    public void scheduleIdleEviction() {
        long periodMillis = Math.max(100, config.timeouts().upstreamIdle().toMillis() / 2);
        long sweepMillis = Math.min(1_000, Math.max(10, config.timeouts().response().toMillis() / 4));
        for (LoopContext context : loops.values()) {
            context.eventLoop().scheduleWithFixedDelay(context::evictIdleConnections,
                    periodMillis, periodMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
            context.eventLoop().scheduleWithFixedDelay(context::sweepResponseTimeouts,
                    sweepMillis, sweepMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    /** Closes idle upstream connections on every loop (shutdown). */
    public void closeIdleUpstreams() {
        for (LoopContext context : loops.values()) {
            context.eventLoop().execute(context::closeAllIdle);
        }
    }
}
