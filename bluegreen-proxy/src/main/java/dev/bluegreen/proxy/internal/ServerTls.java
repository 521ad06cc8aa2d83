package dev.bluegreen.proxy.internal;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.proxy.TlsSettings;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The TLS the listeners serve, replaceable while they run: a renewed certificate is served from the next connection
 * on, without a restart; connections already open keep the context they were accepted with.
 *
 * <p>The context and the settings it was made from change together, in one volatile write, so a connection never
 * gets one settings' certificate with another's handshake timeout. Thread-safe: replaced from any thread, read on
 * the event loops.
 */
public final class ServerTls {

    private record Serving(TlsSettings settings, SslContext context) {
    }

    private final Function<TlsSettings, SslContext> contexts;
    private volatile Serving serving;

    /**
     * Serves {@code settings} from now on.
     *
     * @param settings the settings to serve
     * @param contexts makes the server context of settings (ALPN as the listener offers it)
     * @throws IllegalArgumentException if {@code contexts} can't make a context of {@code settings}
     */
    public ServerTls(TlsSettings settings, Function<TlsSettings, SslContext> contexts) {
        this.contexts = requireNonNull(contexts, "contexts");
        this.serving = serve(settings);
    }

    /**
     * The handler of a new connection, with the context and the handshake timeout served now.
     *
     * @param alloc the connection's allocator
     * @return its TLS handler
     */
    public SslHandler newHandler(ByteBufAllocator alloc) {
        Serving now = serving;
        SslHandler handler = now.context().newHandler(alloc);
        handler.setHandshakeTimeoutMillis(now.settings().handshakeTimeout().toMillis());
        return handler;
    }

    /** The settings served to new connections. */
    public TlsSettings settings() {
        return serving.settings();
    }

    /**
     * Serves {@code next} to connections accepted from now on. The context is made first: if it can't be, nothing
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
        return new Serving(requireNonNull(settings, "settings"), contexts.apply(settings));
    }
}
