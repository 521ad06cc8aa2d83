package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BackendProtocol;
import dev.bluegreen.proxy.BackendProtocols;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * The HTTP/2 connections of one event loop to the backends of the pools that speak h2c or h2, one
 * {@link Http2BackendPool} per colour and backend; each exchange gets a stream of one of them. Only its own event
 * loop touches it, so it needs no locks. Which colours keep their connections follows the same rules as for
 * HTTP/1.1 ({@link UpstreamPools#keeps}): a colour no longer kept closes its connections as their last streams end.
 */
public final class Http2Upstreams implements Upstreams, Http2PoolOwner {

    private final EventLoop eventLoop;
    private final Bootstrap bootstrap;
    private final BackendProtocols protocols;
    private final SslContext h2Tls;
    private final ProxyCounters counters;
    private final BiPredicate<Colour, Backend> keeps;
    private final long streamWaitNanos;
    private final Map<Colour, Map<Backend, Http2BackendPool>> pools = new EnumMap<>(Colour.class);

    /**
     * @param bootstrap  the upstream bootstrap (channel type, options, no resolver); cloned onto {@code eventLoop}
     * @param protocols  which pools speak h2 (with TLS) or h2c, and the connection and stream limits
     * @param h2Tls      TLS towards h2 backends, offering h2 through ALPN; {@code null} when no pool speaks h2
     * @param keeps      whether connections to a backend of a colour may be kept for later requests
     * @param streamWait how long a request may wait for a stream when every connection is full
     */
    public Http2Upstreams(EventLoop eventLoop, Bootstrap bootstrap, BackendProtocols protocols, SslContext h2Tls,
                          ProxyCounters counters, BiPredicate<Colour, Backend> keeps, Duration streamWait) {
        this.eventLoop = eventLoop;
        this.bootstrap = bootstrap.clone(eventLoop);
        this.protocols = protocols;
        this.h2Tls = h2Tls;
        this.counters = counters;
        this.keeps = keeps;
        this.streamWaitNanos = streamWait.toNanos();
        for (Colour colour : Colour.values()) {
            pools.put(colour, new HashMap<>());
        }
    }

    @Override
    public void acquire(Colour colour, Backend backend, InetSocketAddress address, AcquireCallback callback) {
        pool(colour, backend, address).acquire(callback);
    }

    @Override
    public void connectNew(Colour colour, Backend backend, InetSocketAddress address, AcquireCallback callback) {
        pool(colour, backend, address).connectNew(callback);
    }

    private Http2BackendPool pool(Colour colour, Backend backend, InetSocketAddress address) {
        Map<Backend, Http2BackendPool> byBackend = pools.get(colour);
        Http2BackendPool pool = byBackend.get(backend);
        if (pool == null) {
            pool = new Http2BackendPool(this, colour, backend, address,
                    protocols.protocol(colour) == BackendProtocol.H2);
            byBackend.put(backend, pool);
        } else {
            pool.useAddress(address);
        }
        return pool;
    }

    /** How many connections (open or opening) this loop has to {@code backend} of {@code colour}. */
    public int connectionCount(Colour colour, Backend backend) {
        Http2BackendPool pool = pools.get(colour).get(backend);
        return pool == null ? 0 : pool.connectionCount();
    }

    /** Applies a routing change: pools that are no longer kept close their connections without streams. */
    public void onRoutingChange() {
        for (Map<Backend, Http2BackendPool> byBackend : pools.values()) {
            List<Http2BackendPool> unused = new ArrayList<>();
            for (Http2BackendPool pool : byBackend.values()) {
                if (!keeps(pool.colour(), pool.backend())) {
                    pool.closeIdle();
                    if (pool.connectionCount() == 0) {
                        unused.add(pool);
                    }
                }
            }
            for (Http2BackendPool pool : unused) {
                byBackend.remove(pool.backend());
            }
        }
    }

    /** Closes the connections of {@code colour} that carry no stream (its drain deadline). */
    public void closeIdle(Colour colour) {
        for (Http2BackendPool pool : new ArrayList<>(pools.get(colour).values())) {
            pool.closeIdle();
        }
    }

    /** Closes the connections of {@code colour} that carry no stream and are no longer kept. */
    public void closeIdleNotKept(Colour colour) {
        for (Http2BackendPool pool : new ArrayList<>(pools.get(colour).values())) {
            if (!keeps(colour, pool.backend())) {
                pool.closeIdle();
            }
        }
    }

    /** Closes connections that have carried no stream for longer than {@code idleTimeoutNanos}. */
    public void evictIdle(long idleTimeoutNanos) {
        long deadline = System.nanoTime() - idleTimeoutNanos;
        for (Map<Backend, Http2BackendPool> byBackend : pools.values()) {
            for (Http2BackendPool pool : new ArrayList<>(byBackend.values())) {
                pool.evictIdleSince(deadline);
            }
        }
    }

    /** Closes every connection that carries no stream (shutdown). */
    public void closeAllIdle() {
        for (Colour colour : Colour.values()) {
            closeIdle(colour);
        }
    }

    @Override
    public EventLoop eventLoop() {
        return eventLoop;
    }

    @Override
    public BackendProtocols limits() {
        return protocols;
    }

    @Override
    public long streamWaitNanos() {
        return streamWaitNanos;
    }

    @Override
    public Bootstrap bootstrap() {
        return bootstrap.clone();
    }

    @Override
    public SslContext upstreamTls() {
        return h2Tls;
    }

    @Override
    public ProxyCounters counters() {
        return counters;
    }

    @Override
    public boolean keeps(Colour colour, Backend backend) {
        return keeps.test(colour, backend);
    }

    @Override
    public void poolMayBeUnused(Colour colour, Backend backend) {
        Map<Backend, Http2BackendPool> byBackend = pools.get(colour);
        Http2BackendPool pool = byBackend.get(backend);
        if (pool != null && pool.connectionCount() == 0 && !keeps(colour, backend)) {
            byBackend.remove(backend);
        }
    }
}
