package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.Failures;
import dev.bluegreen.proxy.internal.codec.Http1Codecs;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
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
 * Keep-alive HTTP/1.1 connections to one backend of one colour, owned by one event loop: every method runs on that
 * loop, so nothing here is locked. Idle connections are reused most-recently-used first (the warmest, least likely to
 * have been closed by the backend's own idle timer).
 *
 * <p>A connection goes back to the pool only if its owner ({@link PoolOwner}) still keeps connections of this colour
 * and backend; otherwise it is closed as soon as its exchange ends. That is how a colour that stopped being live
 * drains.
 */
final class BackendPool {

    private static final Logger log = LoggerFactory.getLogger(BackendPool.class);

    private final PoolOwner owner;
    private final Colour colour;
    private final Backend backend;
    private InetSocketAddress address;
    private final ArrayDeque<Http1Upstream> idle = new ArrayDeque<>();
    private int open;

    BackendPool(PoolOwner owner, Colour colour, Backend backend, InetSocketAddress address) {
        this.owner = owner;
        this.colour = colour;
        this.backend = backend;
        this.address = address;
    }

    Colour colour() {
        return colour;
    }

    /**
     * The backend's address now (its name may have moved, {@link BackendAddresses}): new connections go there, and
     * the idle ones to the old address close, as they lead where the name no longer points.
     */
    void useAddress(InetSocketAddress latest) {
        if (latest != address && !latest.equals(address)) {
            log.debug("{}: the address is now {} (was {}); closing {} idle connection(s)", this, latest, address,
                    idle.size());
            address = latest;
            closeIdle();
        }
    }

    Backend backend() {
        return backend;
    }

    int idleCount() {
        return idle.size();
    }

    int openCount() {
        return open;
    }

    /**
     * Hands {@code callback} a connection: an idle one that is still open, else a new one. Calls back on this
     * event loop, synchronously when an idle connection is available.
     */
    void acquire(AcquireCallback callback) {
        Http1Upstream connection;
        while ((connection = pollIdle()) != null) {
            if (connection.channel().isActive()) {
                connection.handedOut(true);
                callback.acquired(connection);
                return;
            }
        }
        connectNew(callback);
    }

    /** Opens a new connection, never reusing an idle one (a replay after a stale reused connection, a pre-warm). */
    void connectNew(AcquireCallback callback) {
        Http1Upstream connection = new Http1Upstream(this);
        SslContext tls = owner.upstreamTls();
        Bootstrap bootstrap = owner.bootstrap().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                if (tls != null) {
                    // The backend's host is what its certificate must name, and the SNI sent.
                    ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), backend.host(), backend.port()));
                }
                ch.pipeline().addLast("http", Http1Codecs.upstream());
                ch.pipeline().addLast("upstream", connection);
            }
        });
        // Counted from the connect on, not once it is up: a drain must not end while a connection to its colour is
        // still being opened (for an exchange that ended meanwhile, say), which the backend would accept after.
        connectionOpened();
        ChannelFuture connect = bootstrap.connect(address);
        connect.addListener(future -> {
            if (!future.isSuccess()) {
                connectionClosed(null);
                callback.failed(future.cause());
                return;
            }
            connection.handedOut(false);
            SslHandler handshaking = connect.channel().pipeline().get(SslHandler.class);
            if (handshaking == null) {
                callback.acquired(connection);
                return;
            }
            // A backend whose certificate fails verification is as good as one that refused the connection: the
            // exchange tries the next backend rather than sending the request into a failing handshake.
            handshaking.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    callback.acquired(connection);
                } else {
                    // The innermost cause, as a string: TLS engines wrap the reason (an untrusted chain, a wrong
                    // name) in generic errors, and a Throwable as the last argument would log a stack trace.
                    log.warn("TLS handshake with {} ({}) failed: {}", this, address,
                            Failures.rootCause(handshake.cause()).toString());
                    callback.failed(handshake.cause());
                }
            });
            // Auto-read is off: the handshake needs reads to make progress.
            connect.channel().read();
        });
    }

    /**
     * Takes a connection back after its exchange. It stays open for the next request only if the exchange left it
     * clean ({@code reusable}) and this pool is still kept; otherwise it is closed.
     */
    void release(Http1Upstream connection, boolean reusable) {
        Channel channel = connection.channel();
        connection.detach();
        if (reusable && channel.isActive() && owner.keeps(colour, backend)) {
            idle.addFirst(connection);
            counters().idleAdded(colour);
            // Ask for one read so that a close by the backend (or stray bytes) is noticed while the connection idles.
            channel.read();
        } else {
            channel.close();
        }
    }

    /** Closes every idle connection; busy ones close when their exchange releases them. */
    void closeIdle() {
        Http1Upstream connection;
        while ((connection = pollIdle()) != null) {
            connection.channel().close();
        }
    }

    /** Closes idle connections unused since before {@code deadlineNanos}. */
    void evictIdleSince(long deadlineNanos) {
        for (Iterator<Http1Upstream> it = idle.descendingIterator(); it.hasNext(); ) {
            Http1Upstream connection = it.next();
            if (connection.idleSinceNanos() - deadlineNanos < 0) {
                it.remove();
                counters().idleRemoved(colour);
                connection.channel().close();
            }
        }
    }

    private Http1Upstream pollIdle() {
        Http1Upstream connection = idle.pollFirst();
        if (connection != null) {
            counters().idleRemoved(colour);
        }
        return connection;
    }

    private ProxyCounters counters() {
        return owner.counters();
    }

    void connectionOpened() {
        open++;
        counters().connectionOpened(colour);
    }

    /** A connection closed, or (when {@code connection} is {@code null}) a connect failed. */
    void connectionClosed(Http1Upstream connection) {
        open--;
        if (connection != null && idle.remove(connection)) {
            counters().idleRemoved(colour);
        }
        counters().connectionClosed(colour);
        owner.poolMayBeUnused(colour, backend);
    }

    @Override
    public String toString() {
        return colour.label() + "/" + backend.id();
    }
}
