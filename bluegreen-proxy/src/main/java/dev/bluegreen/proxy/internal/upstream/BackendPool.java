package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.proxy.internal.exchange.LoopContext;
import dev.bluegreen.proxy.internal.http1.Codecs;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keep-alive connections to one backend of one colour, owned by one event loop: every method runs on that loop, so
 * nothing here is locked. Idle connections are reused most-recently-used first (the warmest, least likely to have
 * been closed by the backend's own idle timer).
 *
 * <p>A connection goes back to the pool only if it is still {@linkplain LoopContext#keeps kept} (its colour is live
 * and the backend still in that colour's pool); otherwise it is closed as soon as its exchange ends. That is how a
 * colour that stopped being live drains.
 */
public final class BackendPool {

    private static final Logger log = LoggerFactory.getLogger(BackendPool.class);

    /** What an acquire hands back: a connection ready for a request, or the reason there is none. */
    public interface AcquireCallback {
        void acquired(UpstreamConnection connection, boolean reused);

        void failed(Throwable cause);
    }

    private final LoopContext loop;
    private final Colour colour;
    private final Backend backend;
    private final InetSocketAddress address;
    private final ArrayDeque<UpstreamConnection> idle = new ArrayDeque<>();
    private int open;

    public BackendPool(LoopContext loop, Colour colour, Backend backend, InetSocketAddress address) {
        this.loop = loop;
        this.colour = colour;
        this.backend = backend;
        this.address = address;
    }

    public Colour colour() {
        return colour;
    }

    public Backend backend() {
        return backend;
    }

    public int idleCount() {
        return idle.size();
    }

    public int openCount() {
        return open;
    }

    /**
     * Hands {@code callback} a connection: an idle one that is still open, else a new one. Calls back on this
     * event loop, synchronously when an idle connection is available.
     */
    public void acquire(AcquireCallback callback) {
        UpstreamConnection connection;
        while ((connection = pollIdle()) != null) {
            if (connection.channel().isActive()) {
                callback.acquired(connection, true);
                return;
            }
        }
        connectNew(callback);
    }

    /** Opens a new connection, never reusing an idle one (a replay after a stale reused connection). */
    public void connectNew(AcquireCallback callback) {
        UpstreamConnection connection = new UpstreamConnection(this);
        Bootstrap bootstrap = loop.runtime().upstreamBootstrap().clone(loop.eventLoop())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslContext tls = loop.runtime().config().protocols().upstreamTls();
                        if (tls != null) {
                            // The backend's host is what its certificate must name, and the SNI sent.
                            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), backend.host(), backend.port()));
                        }
                        ch.pipeline().addLast("http", Codecs.upstream());
                        ch.pipeline().addLast("upstream", connection);
                    }
                });
        ChannelFuture connect = bootstrap.connect(address);
        connect.addListener(future -> {
            if (!future.isSuccess()) {
                callback.failed(future.cause());
                return;
            }
            SslHandler tls = connect.channel().pipeline().get(SslHandler.class);
            if (tls == null) {
                callback.acquired(connection, false);
                return;
            }
            // A backend whose certificate fails verification is as good as one that refused the connection: the
            // exchange tries the next backend rather than sending the request into a failing handshake.
            tls.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    callback.acquired(connection, false);
                } else {
                    log.warn("TLS handshake with {} ({}) failed: {}", this, address, rootCause(handshake.cause()));
                    callback.failed(handshake.cause());
                }
            });
            // Auto-read is off: the handshake needs reads to make progress.
            connect.channel().read();
        });
    }

    /** The innermost cause: TLS engines wrap the reason (an untrusted chain, a wrong name) in generic errors. */
    private static String rootCause(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.toString();
    }

    /**
     * Takes a connection back after its exchange. It stays open for the next request only if the exchange left it
     * clean ({@code reusable}) and this pool is still kept; otherwise it is closed.
     */
    public void release(UpstreamConnection connection, boolean reusable) {
        Channel channel = connection.channel();
        connection.detach(System.nanoTime());
        if (reusable && channel.isActive() && loop.keeps(colour, backend)) {
            idle.addFirst(connection);
            counters().idleAdded(colour);
            // Ask for one read so that a close by the backend (or stray bytes) is noticed while the connection idles.
            channel.read();
        } else {
            channel.close();
        }
    }

    /** Closes every idle connection; busy ones close when their exchange releases them. */
    public void closeIdle() {
        UpstreamConnection connection;
        while ((connection = pollIdle()) != null) {
            connection.channel().close();
        }
    }

    /** Closes idle connections unused since before {@code deadlineNanos}. */
    public void evictIdleSince(long deadlineNanos) {
        for (Iterator<UpstreamConnection> it = idle.descendingIterator(); it.hasNext(); ) {
            UpstreamConnection connection = it.next();
            if (connection.idleSinceNanos() - deadlineNanos < 0) {
                it.remove();
                counters().idleRemoved(colour);
                connection.channel().close();
            }
        }
    }

    private UpstreamConnection pollIdle() {
        UpstreamConnection connection = idle.pollFirst();
        if (connection != null) {
            counters().idleRemoved(colour);
        }
        return connection;
    }

    private ProxyCounters counters() {
        return loop.runtime().counters();
    }

    void connectionOpened() {
        open++;
        loop.runtime().counters().connectionOpened(colour);
    }

    void connectionClosed(UpstreamConnection connection) {
        open--;
        if (idle.remove(connection)) {
            counters().idleRemoved(colour);
        }
        loop.runtime().counters().connectionClosed(colour);
        loop.poolMayBeUnused(this);
    }

    @Override
    public String toString() {
        return colour.label() + "/" + backend.id();
    }
}
