package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BackendProtocols;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * All the upstream connections of one event loop, whatever their protocol: each colour's requests go to the kind its
 * pool speaks ({@link UpstreamPools} for HTTP/1.1, {@link Http2Upstreams} for h2c and h2), and what the loop does to
 * its connections as a whole (a routing change, a drain deadline, evictions, pre-warm, shutdown) reaches both.
 * Confined to its loop.
 */
public final class LoopUpstreams implements Upstreams {

    private final UpstreamPools http1;
    private final Http2Upstreams http2;
    private final BackendProtocols protocols;

    /**
     * @param http1     the loop's HTTP/1.1 pools, whose keep rules both kinds follow
     * @param http2     the loop's HTTP/2 connections, or {@code null} when no pool speaks HTTP/2
     * @param protocols which kind each colour's requests go to
     */
    public LoopUpstreams(UpstreamPools http1, Http2Upstreams http2, BackendProtocols protocols) {
        if (http2 == null && (protocols.protocol(Colour.BLUE).http2() || protocols.protocol(Colour.GREEN).http2())) {
            throw new IllegalArgumentException("http2: null, but " + protocols + " (expected: HTTP/2 upstreams)");
        }
        this.http1 = http1;
        this.http2 = http2;
        this.protocols = protocols;
    }

    /** HTTP/1.1 to both colours. */
    public static LoopUpstreams http1(UpstreamPools pools) {
        return new LoopUpstreams(pools, null, BackendProtocols.defaults());
    }

    private Upstreams of(Colour colour) {
        return protocols.protocol(colour).http2() ? http2 : http1;
    }

    @Override
    public void acquire(Colour colour, Backend backend, InetSocketAddress address, AcquireCallback callback) {
        of(colour).acquire(colour, backend, address, callback);
    }

    @Override
    public void connectNew(Colour colour, Backend backend, InetSocketAddress address, AcquireCallback callback) {
        of(colour).connectNew(colour, backend, address, callback);
    }

    /**
     * How many connections to {@code backend} of {@code colour} are ready for the next requests: idle HTTP/1.1 ones,
     * or HTTP/2 ones of any load (each takes many requests).
     */
    public int readyCount(Colour colour, Backend backend) {
        return protocols.protocol(colour).http2() ? http2.connectionCount(colour, backend)
                : http1.idleCount(colour, backend);
    }

    /** Opens the warm window of {@code colour} (see {@link UpstreamPools#startWarmWindow}) for both kinds. */
    public void startWarmWindow(Colour colour) {
        http1.startWarmWindow(colour);
        if (http2 != null) {
            // At the window's end what the colour still has without streams closes, as for HTTP/1.1.
            http2.eventLoop().schedule(http2::onRoutingChange, UpstreamPools.WARM_WINDOW_NANOS + 1, TimeUnit.NANOSECONDS);
        }
    }

    /** Applies a routing change: connections no longer kept close once they carry nothing. */
    public void onRoutingChange() {
        http1.onRoutingChange();
        if (http2 != null) {
            http2.onRoutingChange();
        }
    }

    /**
     * Closes the idle connections of {@code colour} that are no longer kept (its drain deadline: busy ones close with
     * their exchanges; those warm for a rollback stay).
     */
    public void closeIdleNotKept(Colour colour) {
        http1.closeIdleNotKept(colour);
        if (http2 != null) {
            http2.closeIdleNotKept(colour);
        }
    }

    /**
     * Closes connections idle for longer than {@code idleTimeoutNanos}, and HTTP/2 connections without streams whose
     * colour is no longer kept: the HTTP/1.1 pools end a colour's rollback window on a timer of their own, and the
     * HTTP/2 connections follow at this periodic sweep.
     */
    public void evictIdle(long idleTimeoutNanos) {
        http1.evictIdle(idleTimeoutNanos);
        if (http2 != null) {
            http2.onRoutingChange();
            http2.evictIdle(idleTimeoutNanos);
        }
    }

    /** Closes every idle connection (shutdown). */
    public void closeAllIdle() {
        http1.closeAllIdle();
        if (http2 != null) {
            http2.closeAllIdle();
        }
    }
}
