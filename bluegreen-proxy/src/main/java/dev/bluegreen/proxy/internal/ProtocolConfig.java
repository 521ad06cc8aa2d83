package dev.bluegreen.proxy.internal;

import dev.bluegreen.proxy.BackendProtocols;
import dev.bluegreen.proxy.Http2Options;
import io.netty.handler.ssl.SslContext;

/**
 * The protocols of both sides: TLS on the listener and to the backends, HTTP/2 towards clients, what each pool's
 * backends speak.
 *
 * @param serverTls   the listeners' TLS (ALPN configured, replaceable while they run), or {@code null} for cleartext
 * @param upstreamTls the context for HTTP/1.1 connections to backends, or {@code null} for cleartext
 * @param http2       whether and how HTTP/2 is served to clients
 * @param backends    the protocol of each pool and the limits of HTTP/2 connections to backends
 * @param upstreamH2Tls the context for h2 connections to backends (ALPN offering {@code h2}), or {@code null} when
 *                    no pool speaks h2
 */
public record ProtocolConfig(ServerTls serverTls, SslContext upstreamTls, Http2Options http2,
                             BackendProtocols backends, SslContext upstreamH2Tls) {

    /** The builder's default: cleartext both ways, HTTP/2 with its defaults (h2c with prior knowledge), HTTP/1.1 to the backends. */
    public static ProtocolConfig defaults() {
        return new ProtocolConfig(null, null, Http2Options.defaults(), BackendProtocols.defaults(), null);
    }
}
