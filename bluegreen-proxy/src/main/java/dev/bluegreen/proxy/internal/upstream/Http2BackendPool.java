package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.Failures;
import dev.bluegreen.proxy.internal.codec.Http2Codecs;
import dev.bluegreen.proxy.internal.codec.RefusedPush;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/2 connections of one event loop to one backend of one colour: at most {@code maxConnections}, each carrying
 * as many streams as it has room for. A request takes a stream on the least busy connection with room; when none has
 * room it waits (at most {@code waitNanos}, then it fails like a refused connection) and, below the limit, a new
 * connection is opened for it. Every method runs on the owner's event loop, so nothing here is locked.
 *
 * <p>A connection whose last stream ends stays open (idle) while its owner keeps connections of this colour and
 * backend; otherwise it closes then, which is how a colour that stopped being live drains.
 */
final class Http2BackendPool {

    private static final Logger log = LoggerFactory.getLogger(Http2BackendPool.class);

    /** A request waiting for a stream, and its time limit. */
    private static final class Waiter {
        final AcquireCallback callback;
        ScheduledFuture<?> timer;

        Waiter(AcquireCallback callback) {
            this.callback = callback;
        }
    }

    private final Http2PoolOwner owner;
    private final Colour colour;
    private final Backend backend;
    private InetSocketAddress address;
    private final boolean tls;
    private final int maxConnections;
    private final int streamCap;
    private final long waitNanos;
    private final List<Http2Connection> connections = new ArrayList<>(2);
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int connecting;

    /** @param tls whether to connect with TLS ({@code h2}) rather than cleartext ({@code h2c}) */
    Http2BackendPool(Http2PoolOwner owner, Colour colour, Backend backend, InetSocketAddress address, boolean tls) {
        this.owner = owner;
        this.colour = colour;
        this.backend = backend;
        this.address = address;
        this.tls = tls;
        this.maxConnections = owner.limits().maxConnectionsPerBackend();
        this.streamCap = owner.limits().maxStreamsPerConnection();
        this.waitNanos = owner.streamWaitNanos();
    }

    Colour colour() {
        return colour;
    }

    Backend backend() {
        return backend;
    }

    /**
     * The backend's address now (its name may have moved, {@link BackendAddresses}): new connections go there; those to
     * the old address take no new streams and close once they carry none.
     */
    void useAddress(InetSocketAddress latest) {
        if (latest == address || latest.equals(address)) {
            return;
        }
        log.debug("{}: the address is now {} (was {}); retiring {} connection(s)", this, latest, address,
                connections.size());
        address = latest;
        for (Http2Connection connection : new ArrayList<>(connections)) {
            Http2Connection.State before = connection.state();
            if (connection.retire()) {
                connectionGoingAway(connection, before);
                if (connection.streams() == 0) {
                    connection.close();
                }
            }
        }
    }

    /** Connections open or opening, including those going away. */
    int connectionCount() {
        return connections.size();
    }

    /** Hands {@code callback} a stream: at once on a connection with room, else when one has room. */
    void acquire(AcquireCallback callback) {
        Http2Connection connection = waiters.isEmpty() ? withRoom() : null;
        if (connection != null) {
            open(connection, callback);
            return;
        }
        Waiter waiter = new Waiter(callback);
        waiters.addLast(waiter);
        waiter.timer = owner.eventLoop().schedule(() -> waitedTooLong(waiter), waitNanos, TimeUnit.NANOSECONDS);
        grow();
    }

    private void open(Http2Connection connection, AcquireCallback callback) {
        markIdle(connection, false);
        connection.openStream(callback);
    }

    /**
     * Opens one more connection if below the limit, and hands {@code callback} a stream (on it, or on another
     * connection that has room first): a replay after a stale stream, a pre-warm.
     */
    void connectNew(AcquireCallback callback) {
        if (live() < maxConnections) {
            connect();
        }
        acquire(callback);
    }

    /** The least busy ready connection with room, or {@code null}. */
    private Http2Connection withRoom() {
        Http2Connection best = null;
        for (int i = 0; i < connections.size(); i++) {
            Http2Connection connection = connections.get(i);
            if (connection.hasRoom() && (best == null || connection.streams() < best.streams())) {
                best = connection;
            }
        }
        return best;
    }

    /** Connections that may still carry new streams: ready or connecting. */
    private int live() {
        int live = 0;
        for (int i = 0; i < connections.size(); i++) {
            Http2Connection.State state = connections.get(i).state();
            if (state == Http2Connection.State.READY || state == Http2Connection.State.CONNECTING) {
                live++;
            }
        }
        return live;
    }

    /** Opens a connection for the waiting requests if none is on its way and the limit allows. */
    private void grow() {
        if (!waiters.isEmpty() && connecting == 0 && live() < maxConnections) {
            connect();
        }
    }

    private void connect() {
        Http2Connection connection = new Http2Connection(this, streamCap);
        connections.add(connection);
        connecting++;
        SslContext context = tls ? owner.upstreamTls() : null;
        Bootstrap bootstrap = owner.bootstrap().handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                // The connection is read continuously: each stream's flow control, not the socket, holds the backend.
                ch.config().setAutoRead(true);
                if (context != null) {
                    // The backend's host is what its certificate must name, and the SNI sent. The HTTP/2 handlers
                    // come once the handshake has agreed to h2: nothing is written before, nor sent to a backend
                    // that does not speak it.
                    ch.pipeline().addLast("tls", context.newHandler(ch.alloc(), backend.host(), backend.port()));
                } else {
                    addHttp2Handlers(ch, connection);
                }
            }
        });
        // Counted from the connect on, not once it is up: a drain must not end while a connection to its colour is
        // still being opened (as for HTTP/1.1). The close, whenever and however it comes, is counted once.
        owner.counters().connectionOpened(colour);
        ChannelFuture connect = bootstrap.connect(address);
        Channel channel = connect.channel();
        connection.bind(channel);
        channel.closeFuture().addListener(closed -> connectionClosed(connection));
        connect.addListener(future -> {
            if (!future.isSuccess()) {
                connectFailed(connection, future.cause());
                return;
            }
            SslHandler handshaking = channel.pipeline().get(SslHandler.class);
            if (handshaking != null) {
                handshaking.handshakeFuture().addListener(handshake -> afterHandshake(connection, handshaking,
                        handshake.isSuccess() ? null : handshake.cause()));
            }
            // A backend that takes the connection but never answers the preface is a failed connect too.
            channel.eventLoop().schedule(() -> {
                if (connection.state() == Http2Connection.State.CONNECTING) {
                    connectFailed(connection, new ConnectTimeoutException("no HTTP/2 SETTINGS from " + this
                            + " within " + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms"));
                }
            }, waitNanos, TimeUnit.NANOSECONDS);
        });
    }

    private static void addHttp2Handlers(Channel channel, Http2Connection connection) {
        channel.pipeline().addLast("h2", Http2Codecs.upstream())
                .addLast("h2-streams", new Http2MultiplexHandler(RefusedPush.INSTANCE))
                .addLast("h2-connection", connection);
    }

    /**
     * The TLS handshake ended: a backend that agreed to h2 gets the HTTP/2 handlers (the preface goes out); one that
     * failed verification, or picked anything but h2, is as good as one that refused the connection.
     */
    private void afterHandshake(Http2Connection connection, SslHandler handshaking, Throwable failure) {
        if (failure == null && ApplicationProtocolNames.HTTP_2.equals(handshaking.applicationProtocol())) {
            if (connection.channel().isActive()) {
                addHttp2Handlers(connection.channel(), connection);
            }
            return;
        }
        if (failure == null) {
            failure = new ConnectException(this + " did not agree to h2 through ALPN (it chose "
                    + (handshaking.applicationProtocol() == null ? "nothing" : handshaking.applicationProtocol())
                    + ")");
        }
        log.warn("TLS handshake with {} ({}) failed: {}", this, address, Failures.rootCause(failure).toString());
        connectFailed(connection, failure);
    }

    /**
     * The backend answered the connection preface with something that is not HTTP/2, such as an HTTP/1 server's
     * {@code HTTP/1.1 400}: as good as a refused connection, like a failed TLS handshake, and said at WARN, since a
     * pool given the wrong backend protocol fails every request this way.
     */
    void notHttp2(Http2Connection connection, Throwable cause) {
        ConnectException failure = new ConnectException(this + " did not answer in HTTP/2 ("
                + Failures.rootCause(cause).getMessage() + "); does it speak " + (tls ? "h2" : "h2c") + "?");
        log.warn("HTTP/2 connection to {} ({}) failed: {}", this, address, failure.getMessage());
        connectFailed(connection, failure);
    }

    /** The connection never became ready: the requests that waited for it fail if nothing else can serve them. */
    private void connectFailed(Http2Connection connection, Throwable cause) {
        if (!connections.remove(connection)) {
            return;
        }
        if (connection.state() == Http2Connection.State.CONNECTING) {
            // A connection retired while connecting (its address moved) was no longer counted as on its way.
            connecting--;
        }
        connection.channel().close();
        log.debug("HTTP/2 connect to {} failed: {}", this, cause.toString());
        if (withRoom() == null && connecting == 0) {
            failWaiters(cause);
        }
        owner.poolMayBeUnused(colour, backend);
    }

    private void failWaiters(Throwable cause) {
        Waiter waiter;
        while ((waiter = waiters.pollFirst()) != null) {
            waiter.timer.cancel(false);
            waiter.callback.failed(cause);
        }
    }

    private void waitedTooLong(Waiter waiter) {
        if (waiters.remove(waiter)) {
            waiter.callback.failed(new ConnectTimeoutException("no HTTP/2 stream free on " + this + " within "
                    + TimeUnit.NANOSECONDS.toMillis(waitNanos) + " ms"));
        }
    }

    /** Streams go to waiting requests while some connection has room; more connections open as needed. */
    private void serveWaiters() {
        while (!waiters.isEmpty()) {
            Http2Connection connection = withRoom();
            if (connection == null) {
                break;
            }
            Waiter waiter = waiters.pollFirst();
            waiter.timer.cancel(false);
            open(connection, waiter.callback);
        }
        grow();
    }

    // ---- what the connections tell their pool ----------------------------------------------------------------

    void connectionReady(Http2Connection connection) {
        connecting--;
        markIdle(connection, connection.streams() == 0);
        serveWaiters();
    }

    /** The backend changed its SETTINGS: its room may have grown. */
    void roomChanged(Http2Connection connection) {
        serveWaiters();
    }

    void connectionGoingAway(Http2Connection connection, Http2Connection.State before) {
        if (before == Http2Connection.State.CONNECTING) {
            connecting--;
        }
        markIdle(connection, false);
        serveWaiters();
    }

    void streamClosed(Http2Connection connection) {
        if (connection.streams() == 0 && connection.state() != Http2Connection.State.CLOSED) {
            if (connection.state() == Http2Connection.State.GOING_AWAY || !owner.keeps(colour, backend)) {
                connection.close();
            } else {
                markIdle(connection, true);
            }
        } else {
            markIdle(connection, false);
        }
        serveWaiters();
    }

    /** The connection's channel closed, whatever closed it (the backend, the proxy, a failed connect). */
    private void connectionClosed(Http2Connection connection) {
        Http2Connection.State before = connection.closed();
        markIdle(connection, false);
        owner.counters().connectionClosed(colour);
        if (connections.remove(connection)) {
            if (before == Http2Connection.State.CONNECTING) {
                connecting--;
                if (withRoom() == null && connecting == 0) {
                    failWaiters(new ConnectException(this + " closed the connection before its HTTP/2 SETTINGS"));
                }
            }
            serveWaiters();
        }
        owner.poolMayBeUnused(colour, backend);
    }

    /**
     * Counts a ready connection without streams as idle (the meters' {@code idle} state): the idle count follows each
     * connection's own flag, so that every change is counted once.
     */
    private void markIdle(Http2Connection connection, boolean nowIdle) {
        boolean idleBefore = connection.countedIdle();
        if (nowIdle && !idleBefore && connection.state() == Http2Connection.State.READY) {
            connection.countedIdle(true);
            owner.counters().idleAdded(colour);
        } else if (!nowIdle && idleBefore) {
            connection.countedIdle(false);
            owner.counters().idleRemoved(colour);
        }
    }

    // ---- what the loop does with the pool as a whole ----------------------------------------------------------

    /** Closes every connection without streams; busy ones close when their last stream ends, if not kept. */
    void closeIdle() {
        for (Http2Connection connection : new ArrayList<>(connections)) {
            if (connection.streams() == 0 && connection.state() == Http2Connection.State.READY) {
                connection.close();
            }
        }
    }

    /** Closes connections without streams since before {@code deadlineNanos}. */
    void evictIdleSince(long deadlineNanos) {
        for (Http2Connection connection : new ArrayList<>(connections)) {
            if (connection.streams() == 0 && connection.state() == Http2Connection.State.READY
                    && connection.idleSinceNanos() - deadlineNanos < 0) {
                connection.close();
            }
        }
    }

    @Override
    public String toString() {
        return colour.label() + "/" + backend.id();
    }
}
