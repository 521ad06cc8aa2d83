package dev.bluegreen.proxy.internal.upstream;

/** What {@link UpstreamPools#acquire} hands back, on the pool's event loop: a connection, or why there is none. */
public interface AcquireCallback {

    /** A connection ready for a request, new or {@linkplain Upstream#reused() reused}. */
    void acquired(Upstream upstream);

    /** No connection: the connect (or its TLS handshake) failed. */
    void failed(Throwable cause);
}
