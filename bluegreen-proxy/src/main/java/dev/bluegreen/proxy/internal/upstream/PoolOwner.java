package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import io.netty.bootstrap.Bootstrap;
import io.netty.handler.ssl.SslContext;

/** What a {@link BackendPool} needs of the loop's {@link UpstreamPools}, which owns it. */
interface PoolOwner {

    /** A bootstrap for a new connection on the owner's event loop (its handler is the caller's to set). */
    Bootstrap bootstrap();

    /** TLS towards the backends, or {@code null} for cleartext. */
    SslContext upstreamTls();

    /** The proxy's live counts of connections. */
    ProxyCounters counters();

    /** Whether connections to {@code backend} of {@code colour} may be kept for later requests. */
    boolean keeps(Colour colour, Backend backend);

    /** The pool of {@code backend} of {@code colour} may have no connection left: forget it if it is not kept. */
    void poolMayBeUnused(Colour colour, Backend backend);
}
