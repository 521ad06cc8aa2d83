package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Colour;

/**
 * What the proxy speaks to the backends of each pool, and how it shares HTTP/2 connections among requests. Immutable;
 * the {@code with...} methods validate their value and return a copy.
 *
 * <pre>{@code
 * BlueGreenProxy.builder(admin)
 *         .backendProtocols(BackendProtocols.of(BackendProtocol.H2C).withMaxConnectionsPerBackend(4))
 *         .build();
 * }</pre>
 *
 * <p>HTTP/1.1 (the default) keeps a pool of keep-alive connections per backend and sends one request at a time on
 * each. HTTP/2 ({@link BackendProtocol#H2C h2c}, {@link BackendProtocol#H2 h2}) sends each request as a stream of a
 * connection it shares: each event loop keeps at most {@link #maxConnectionsPerBackend()} connections to each backend
 * and opens a stream on one that has room, within the backend's {@code SETTINGS_MAX_CONCURRENT_STREAMS} and at most
 * {@link #maxStreamsPerConnection()}. A request that finds every connection full waits for a stream (at most the
 * connect timeout, then it fails like a refused connection and the next backend is tried). A backend's GOAWAY sends
 * new requests to another connection; the streams it lets finish do.
 *
 * <p>Each pool has its own protocol, so a new version may move from HTTP/1.1 to HTTP/2; the protocols are fixed when
 * the proxy is built.
 */
public final class BackendProtocols {

    private static final BackendProtocols DEFAULTS = new BackendProtocols(BackendProtocol.HTTP1,
            BackendProtocol.HTTP1, 2, 100);

    private final BackendProtocol blue;
    private final BackendProtocol green;
    private final int maxConnectionsPerBackend;
    private final int maxStreamsPerConnection;

    private BackendProtocols(BackendProtocol blue, BackendProtocol green, int maxConnectionsPerBackend,
                             int maxStreamsPerConnection) {
        this.blue = blue;
        this.green = green;
        this.maxConnectionsPerBackend = maxConnectionsPerBackend;
        this.maxStreamsPerConnection = maxStreamsPerConnection;
    }

    /** HTTP/1.1 to both pools; for HTTP/2, 2 connections per backend per event loop, 100 streams per connection. */
    public static BackendProtocols defaults() {
        return DEFAULTS;
    }

    /** {@code protocol} to both pools, with the default limits. */
    public static BackendProtocols of(BackendProtocol protocol) {
        requireNonNull(protocol, "protocol");
        return new BackendProtocols(protocol, protocol, DEFAULTS.maxConnectionsPerBackend,
                DEFAULTS.maxStreamsPerConnection);
    }

    /** A copy where both pools speak {@code protocol}, with the same limits. */
    public BackendProtocols withProtocol(BackendProtocol protocol) {
        requireNonNull(protocol, "protocol");
        return new BackendProtocols(protocol, protocol, maxConnectionsPerBackend, maxStreamsPerConnection);
    }

    /** A copy where the pool of {@code colour} speaks {@code protocol}. */
    public BackendProtocols withProtocol(Colour colour, BackendProtocol protocol) {
        requireNonNull(colour, "colour");
        requireNonNull(protocol, "protocol");
        return colour == Colour.BLUE
                ? new BackendProtocols(protocol, green, maxConnectionsPerBackend, maxStreamsPerConnection)
                : new BackendProtocols(blue, protocol, maxConnectionsPerBackend, maxStreamsPerConnection);
    }

    /**
     * How many HTTP/2 connections each event loop may keep to one backend. Default 2.
     *
     * @throws IllegalArgumentException unless 1-64
     */
    public BackendProtocols withMaxConnectionsPerBackend(int connections) {
        if (connections < 1 || connections > 64) {
            throw new IllegalArgumentException("maxConnectionsPerBackend: " + connections + " (expected: 1-64)");
        }
        return new BackendProtocols(blue, green, connections, maxStreamsPerConnection);
    }

    /**
     * How many streams the proxy opens at once on one HTTP/2 connection, at most; the backend's
     * {@code SETTINGS_MAX_CONCURRENT_STREAMS} lowers it further. Default 100.
     *
     * @throws IllegalArgumentException unless 1-10000
     */
    public BackendProtocols withMaxStreamsPerConnection(int streams) {
        if (streams < 1 || streams > 10_000) {
            throw new IllegalArgumentException("maxStreamsPerConnection: " + streams + " (expected: 1-10000)");
        }
        return new BackendProtocols(blue, green, maxConnectionsPerBackend, streams);
    }

    /** The protocol of the pool of {@code colour}. */
    public BackendProtocol protocol(Colour colour) {
        return requireNonNull(colour, "colour") == Colour.BLUE ? blue : green;
    }

    /** Whether either pool speaks {@code protocol}. */
    public boolean uses(BackendProtocol protocol) {
        return blue == protocol || green == protocol;
    }

    /** The most HTTP/2 connections per backend per event loop. */
    public int maxConnectionsPerBackend() {
        return maxConnectionsPerBackend;
    }

    /** The most streams the proxy opens at once on one HTTP/2 connection. */
    public int maxStreamsPerConnection() {
        return maxStreamsPerConnection;
    }

    /**
     * Checks these protocols against the settings that depend on them (at {@code build()}).
     *
     * @param upstreamTls whether TLS to the backends is configured
     * @param checks      the active health checks, or {@code null}
     * @throws IllegalArgumentException if h2 lacks TLS, TLS is set with both pools on h2c, or a gRPC health check
     *                                  would meet a pool that speaks HTTP/1.1
     */
    void checkFits(boolean upstreamTls, HealthCheckSettings checks) {
        if (uses(BackendProtocol.H2) && !upstreamTls) {
            throw new IllegalArgumentException("backendProtocol: h2 without upstreamTls (expected: upstreamTls(...)"
                    + " to verify the backends' certificates, or h2c for cleartext HTTP/2)");
        }
        if (upstreamTls && !uses(BackendProtocol.HTTP1) && !uses(BackendProtocol.H2)) {
            throw new IllegalArgumentException("upstreamTls: set, but both pools speak h2c, which is cleartext"
                    + " (expected: backendProtocol h2 for HTTP/2 over TLS, or no upstreamTls)");
        }
        if (checks != null && checks.isGrpc()) {
            for (Colour colour : Colour.values()) {
                if (!protocol(colour).http2()) {
                    throw new IllegalArgumentException("healthChecks: a gRPC check needs HTTP/2 to the backends,"
                            + " but the " + colour.label() + " pool speaks http1 (expected: backendProtocol h2c"
                            + " or h2)");
                }
            }
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof BackendProtocols that && blue == that.blue && green == that.green
                && maxConnectionsPerBackend == that.maxConnectionsPerBackend
                && maxStreamsPerConnection == that.maxStreamsPerConnection;
    }

    @Override
    public int hashCode() {
        return ((blue.hashCode() * 31 + green.hashCode()) * 31 + maxConnectionsPerBackend) * 31
                + maxStreamsPerConnection;
    }

    @Override
    public String toString() {
        return "BackendProtocols[blue " + blue + ", green " + green + ", " + maxConnectionsPerBackend
                + " HTTP/2 connections per backend per loop, " + maxStreamsPerConnection + " streams each]";
    }
}
