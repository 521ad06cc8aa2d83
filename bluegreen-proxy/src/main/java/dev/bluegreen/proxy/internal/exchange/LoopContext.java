package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.drain.DrainParticipant;
import dev.bluegreen.proxy.internal.routing.PoolIdHashes;
import dev.bluegreen.proxy.internal.upstream.LoopUpstreams;
import dev.bluegreen.proxy.internal.upstream.UpstreamPools;
import dev.bluegreen.proxy.internal.upstream.Upstreams;
import io.netty.channel.EventLoop;

/**
 * What one event loop owns: its upstream pools, its exchanges under way, its retry budget and its round-robin
 * position, with the services its exchanges share with the other loops. Only its own event loop touches its state, so
 * it needs no locks; the client connections of this loop find it once, when they open, and pass it on explicitly.
 */
public final class LoopContext implements DrainParticipant {

    private final EventLoop eventLoop;
    private final ExchangeServices services;
    private final LoopUpstreams pools;
    private final Upstreams upstreams;
    private final ResponseHeadPolicy responseHeads;
    private final ActiveExchanges active = new ActiveExchanges();
    private final RetryBudget retryBudget = new RetryBudget();
    private final PoolIdHashes idHashes = new PoolIdHashes();
    /** Where a pick writes a slow start's ramped weights: one pick at a time on a loop. */
    private int[] rampedWeights = new int[0];
    private int roundRobin;

    /** A loop whose exchanges take their connections from its HTTP/1.1 {@code pools}. */
    public LoopContext(EventLoop eventLoop, ExchangeServices services, UpstreamPools pools) {
        this(eventLoop, services, LoopUpstreams.http1(pools));
    }

    /** A loop whose exchanges take their connections from {@code upstreams}, each colour's of its protocol. */
    public LoopContext(EventLoop eventLoop, ExchangeServices services, LoopUpstreams upstreams) {
        this(eventLoop, services, upstreams, upstreams);
    }

    /**
     * @param pools     this loop's HTTP/1.1 connection pools, which drains and evictions reach
     * @param upstreams where this loop's exchanges take their connections from
     */
    LoopContext(EventLoop eventLoop, ExchangeServices services, UpstreamPools pools, Upstreams upstreams) {
        this(eventLoop, services, LoopUpstreams.http1(pools), upstreams);
    }

    private LoopContext(EventLoop eventLoop, ExchangeServices services, LoopUpstreams pools, Upstreams upstreams) {
        this.eventLoop = eventLoop;
        this.services = services;
        this.pools = pools;
        this.upstreams = upstreams;
        this.responseHeads = new ResponseHeadPolicy(services.config(), services.router(),
                services.liveColourChanges());
    }

    @Override
    public EventLoop eventLoop() {
        return eventLoop;
    }

    /** What this loop's exchanges share with the other loops'. */
    public ExchangeServices services() {
        return services;
    }

    /** This loop's connections to the backends, of every protocol. */
    public LoopUpstreams pools() {
        return pools;
    }

    /** Where this loop's exchanges take their connections to the backends from. */
    Upstreams upstreams() {
        return upstreams;
    }

    ResponseHeadPolicy responseHeads() {
        return responseHeads;
    }

    /** How many retries on another backend this loop's exchanges may still make. */
    RetryBudget retryBudget() {
        return retryBudget;
    }

    /** The hashes of the pools' backend ids, for consistent hashing. */
    PoolIdHashes idHashes() {
        return idHashes;
    }

    /** An array for the ramped weights of a pool of {@code size} backends, this loop's, for one pick at a time. */
    int[] rampedWeights(int size) {
        if (rampedWeights.length < size) {
            rampedWeights = new int[size];
        }
        return rampedWeights;
    }

    /** The next position of this loop's round robin. */
    int nextRoundRobin() {
        return roundRobin++;
    }

    /**
     * Counts {@code exchange} as under way for the colour it is pinned to: in the proxy's counts, and on this loop's
     * list, which drains and the response-timeout sweep reach.
     */
    void exchangeStarted(ActiveExchanges.Node exchange) {
        services.counters().exchangeStarted(exchange.colour());
        active.add(exchange);
    }

    /** Counts {@code exchange} as no longer under way for {@code colour}, the colour it was counted for. */
    void exchangeEnded(ActiveExchanges.Node exchange, Colour colour) {
        active.remove(exchange, colour);
        services.counters().exchangeEnded(colour);
    }

    @Override
    public int closeColour(Colour colour) {
        int closed = active.closeAll(colour, false);
        pools.closeIdleNotKept(colour);
        return closed;
    }

    @Override
    public int closeReplaced(Colour colour, long generation) {
        return active.closeRoutedBefore(colour, generation);
    }

    /**
     * Ends every exchange still under way as a drain deadline would, each as gracefully as its protocol allows: the
     * proxy's grace period is over. Runs on this loop.
     */
    public void endAll() {
        for (Colour colour : Colour.values()) {
            active.closeAll(colour, true);
        }
    }

    /** Times out the exchanges whose backend has been silent for the response timeout (a periodic sweep). */
    public void sweepResponseTimeouts() {
        active.checkResponseTimeouts(System.nanoTime());
    }

    /** Closes idle upstream connections unused for longer than the upstream idle timeout (a periodic sweep). */
    public void evictIdleConnections() {
        pools.evictIdle(services.config().timeouts().upstreamIdle().toNanos());
    }
}
