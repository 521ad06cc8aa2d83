package dev.bluegreen.proxy.internal;

import dev.bluegreen.proxy.Http2Options;
import io.netty.handler.ssl.SslContext;
import java.time.Duration;

/**
 * The protocols of both sides: TLS on the listener and to the backends, HTTP/2 towards clients.
 *
 * @param serverTls   the listener's TLS context (ALPN configured), or {@code null} for cleartext
 * @param upstreamTls the context for connections to backends, or {@code null} for cleartext
 * @param http2       whether and how HTTP/2 is served to clients
 * @param handshakeTimeout how long a client may take to complete the TLS handshake on the listener
 */
public record ProtocolConfig(SslContext serverTls, SslContext upstreamTls, Http2Options http2,
                             Duration handshakeTimeout) {

    /** The builder's default: cleartext both ways, HTTP/2 with its defaults (h2c with prior knowledge). */
    public static ProtocolConfig defaults() {
        return new ProtocolConfig(null, null, Http2Options.defaults(), Duration.ofSeconds(10));
    }
}
