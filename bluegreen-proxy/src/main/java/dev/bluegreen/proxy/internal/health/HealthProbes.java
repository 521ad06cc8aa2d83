package dev.bluegreen.proxy.internal.health;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BackendProtocol;
import dev.bluegreen.proxy.BackendProtocols;
import dev.bluegreen.proxy.HealthCheckSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one check of one backend in the protocol its pool speaks: {@link HealthProbe} over HTTP/1.1,
 * {@link Http2HealthProbe} over h2c or h2 (an HTTP check or a gRPC one), with TLS verified as requests verify it.
 * Immutable; thread-safe.
 *
 * @param bootstrap  a bootstrap with the transport's channel type; cloned onto a loop per check
 * @param settings   what to check and how long to wait
 * @param protocols  what each pool speaks
 * @param http1Tls   TLS towards HTTP/1.1 backends, or {@code null} for cleartext
 * @param h2Tls      TLS towards h2 backends (ALPN offering h2), or {@code null} when no pool speaks h2
 * @param open       the checks' connections while they are open: closed by the proxy's stop before its event loops
 *                   end, since a TLS record half read by a loop that is ending would never be released
 */
public record HealthProbes(Bootstrap bootstrap, HealthCheckSettings settings, BackendProtocols protocols,
                           SslContext http1Tls, SslContext h2Tls, ChannelGroup open) {

    /** Checks {@code backend} of {@code colour} at {@code address}; completes on {@code loop}, never exceptionally. */
    CompletableFuture<HealthProbe.Result> run(Colour colour, EventLoop loop, Backend backend,
                                              InetSocketAddress address) {
        BackendProtocol protocol = protocols.protocol(colour);
        if (protocol.http2()) {
            return Http2HealthProbe.run(bootstrap, loop, backend, address, settings,
                    protocol == BackendProtocol.H2 ? h2Tls : null, open);
        }
        return HealthProbe.run(bootstrap, loop, backend, address, settings, http1Tls, open);
    }
}
