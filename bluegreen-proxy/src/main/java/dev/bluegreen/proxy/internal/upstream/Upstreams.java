package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import java.net.InetSocketAddress;

/**
 * Where an exchange gets its connection to a backend, on its own event loop. {@link UpstreamPools} is the HTTP/1.1
 * kind (a pool of keep-alive connections per backend); another kind of upstream (HTTP/2 streams over a few
 * multiplexed connections) would be another implementation.
 */
public interface Upstreams {

    /**
     * Hands {@code callback} a connection to {@code backend} of {@code colour}: an idle one when there is one, else a
     * new one. Calls back on this loop, synchronously when an idle connection is there.
     */
    void acquire(Colour colour, Backend backend, InetSocketAddress address, AcquireCallback callback);

    /** Hands {@code callback} a new connection to {@code backend} of {@code colour}, never an idle one. */
    void connectNew(Colour colour, Backend backend, InetSocketAddress address, AcquireCallback callback);
}
