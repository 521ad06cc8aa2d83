package dev.bluegreen.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.proxy.TlsSettings;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The TLS the listeners serve, replaceable while they run: a renewed certificate is served from the next connection
 * on, without a restart; connections already open keep the context they were accepted with. With certificates by
 * server name, a connection's handler reads the client's hello first and picks the context its SNI names
 * ({@link SniHandler}: an exact name before a wildcard, the default context for any other name or none).
 *
 * <p>The contexts and the settings they were made from change together, in one volatile write, so a connection never
 * gets one settings' certificate with another's handshake timeout. Thread-safe: replaced from any thread, read on
 * the event loops.
 */
public final class ServerTls {

    /**
     * The largest client hello read to find its server name: far above a real one (a few kB, post-quantum key shares
     * included) and bounded, so that a client can't make the proxy buffer the 16 MB a handshake message may declare.
     */
    private static final int MAX_CLIENT_HELLO_LENGTH = 64 * 1024;

    /**
     * The server contexts of one {@link TlsSettings}.
     *
     * @param fallback     for clients that name no server, or one without a certificate of its own
     * @param byServerName by server name (lower case; {@code *.domain} for a wildcard); empty without SNI
     */
    public record Contexts(SslContext fallback, Map<String, SslContext> byServerName) {

        /** Checks and copies. */
        public Contexts {
            requireNonNull(fallback, "fallback");
            byServerName = Map.copyOf(byServerName);
        }
    }

    private record Serving(TlsSettings settings, SslContext fallback, Mapping<String, SslContext> byServerName) {
    }

    private final Function<TlsSettings, Contexts> contexts;
    private volatile Serving serving;

    /**
     * Serves {@code settings} from now on.
     *
     * @param settings the settings to serve
     * @param contexts makes the server contexts of settings (ALPN as the listener offers it)
     * @throws IllegalArgumentException if {@code contexts} can't make a context of {@code settings}
     */
    public ServerTls(TlsSettings settings, Function<TlsSettings, Contexts> contexts) {
        this.contexts = requireNonNull(contexts, "contexts");
        this.serving = serve(settings);
    }

    /**
     * The handler of a new connection, with the contexts and the handshake timeout served now: an {@link SslHandler},
     * or with certificates by server name a handler that becomes the {@code SslHandler} of the name the client asks
     * for (the handshake timeout then covers the wait for the client's hello, and the handshake after it).
     *
     * @param alloc the connection's allocator
     * @return its TLS handler
     */
    public ChannelHandler newHandler(ByteBufAllocator alloc) {
        Serving now = serving;
        long timeoutMillis = now.settings().handshakeTimeout().toMillis();
        if (now.byServerName() != null) {
            return new SniHandler(now.byServerName(), MAX_CLIENT_HELLO_LENGTH, timeoutMillis);
        }
        SslHandler handler = now.fallback().newHandler(alloc);
        handler.setHandshakeTimeoutMillis(timeoutMillis);
        return handler;
    }

    /** The settings served to new connections. */
    public TlsSettings settings() {
        return serving.settings();
    }

    /**
     * Serves {@code next} to connections accepted from now on. The contexts are made first: if one can't be, nothing
     * changes.
     *
     * @param next the settings to serve
     * @throws IllegalArgumentException if no context can be made of {@code next}
     */
    public void replace(TlsSettings next) {
        serving = serve(next);
    }

    /**
     * Serves the settings served now with their keys read again ({@code reread}, as {@code TlsSettings} rereads
     * them), from the next connection on; if they can't be used, nothing changes.
     *
     * @param reread reads the served settings' keys again; throws if they can't be used
     * @return the settings now served
     */
    public TlsSettings reload(UnaryOperator<TlsSettings> reread) {
        replace(reread.apply(settings()));
        return settings();
    }

    private Serving serve(TlsSettings settings) {
        Contexts made = contexts.apply(requireNonNull(settings, "settings"));
        if (made.byServerName().isEmpty()) {
            return new Serving(settings, made.fallback(), null);
        }
        DomainWildcardMappingBuilder<SslContext> mapping = new DomainWildcardMappingBuilder<>(made.fallback());
        made.byServerName().forEach(mapping::add);
        return new Serving(settings, made.fallback(), mapping.build());
    }
}
