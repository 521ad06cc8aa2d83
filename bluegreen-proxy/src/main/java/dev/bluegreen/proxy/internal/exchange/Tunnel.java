package dev.bluegreen.proxy.internal.exchange;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import dev.bluegreen.proxy.internal.request.MessageHeads;
import dev.bluegreen.proxy.internal.upstream.Upstream;
import dev.bluegreen.proxy.internal.upstream.UpstreamListener;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay of a connection upgraded by a 101 (RFC 9110 §7.8), such as a WebSocket: bytes both ways, each side read
 * only as fast as the other side takes writes. It stays on the colour and backend its exchange was pinned to until
 * either side closes, or until the drain deadline sends it away: a WebSocket then gets a close frame with status
 * 1001 (going away) to both peers, each put between two frames, before both connections close.
 *
 * <p>Once open, the tunnel is its upstream connection's listener; the exchange hands it what the client side sends.
 * All methods run on the client connection's event loop (which is also the upstream connection's).
 */
final class Tunnel implements UpstreamListener {

    private static final Logger log = LoggerFactory.getLogger(Tunnel.class);

    /** How long a going-away WebSocket may take to reach the end of the frame it is in, before it is cut. */
    private static final long GOING_AWAY_LIMIT_MILLIS = 2_000;
    /**
     * How long a closing tunnel waits for each side to take what is queued for it before closing that side unflushed:
     * a peer that reads nothing would otherwise keep its connection open for ever (and a backend connection held so
     * counts as busy, which no drain gets past).
     */
    private static final long FLUSH_LIMIT_MILLIS = 2_000;

    /** Told, once, when the tunnel closes: with the future of the client side's last flush. */
    private final Consumer<ChannelFuture> onClosed;
    /**
     * The exchange's tally: the bytes relayed each way count as its request and response bytes, so that a colour's
     * {@code bluegreen.request.bytes} and {@code bluegreen.response.bytes} show its WebSockets' traffic too.
     */
    private final ExchangeTally tally;
    private final ChannelHandlerContext client;
    private final Channel upstream;
    private final WebSocketFrames clientFrames;
    private final WebSocketFrames upstreamFrames;
    private boolean goingAway;
    private boolean closeSentToClient;
    private boolean closeSentToUpstream;
    private boolean waitingForUpstreamWritable;
    private boolean waitingForClientWritable;
    /** Since when the tunnel waits for the client (the backend) to take what was written to it; 0 while not. */
    private long clientStalledSinceNanos;
    private long upstreamStalledSinceNanos;
    private boolean closed;

    /**
     * Relays {@code switching}, the backend's 101, to the client and turns both connections into a tunnel.
     *
     * @param onClosed told, once, when the tunnel closes, with the future of the client side's last flush
     */
    static Tunnel open(HttpResponse switching, ClientSide client, Upstream upstream, ExchangeTally tally,
                       Consumer<ChannelFuture> onClosed) {
        String protocol = MessageHeads.prepareSwitchingProtocols(switching);
        // Taken while the client side still speaks HTTP: the bytes it read past the request are the tunnel's.
        ByteBuf early = client.takeBytesAfterUpgrade();
        ChannelHandlerContext clientContext = client.startTunnel(switching);
        boolean webSocket = protocol != null && protocol.toLowerCase(Locale.ROOT).contains("websocket");
        Tunnel tunnel = new Tunnel(clientContext, upstream.startTunnel(), webSocket, tally, onClosed);
        upstream.attach(tunnel);
        log.debug("{}: tunnel open ({})", clientContext.channel(), protocol);
        tunnel.start(early);
        return tunnel;
    }

    private Tunnel(ChannelHandlerContext client, Channel upstream, boolean webSocket, ExchangeTally tally,
                   Consumer<ChannelFuture> onClosed) {
        this.onClosed = onClosed;
        this.tally = tally;
        this.client = client;
        this.upstream = upstream;
        this.clientFrames = webSocket ? new WebSocketFrames() : null;
        this.upstreamFrames = webSocket ? new WebSocketFrames() : null;
    }

    /** Starts relaying: {@code early}, the client's bytes read already (or {@code null}), go first. */
    void start(ByteBuf early) {
        upstream.read();
        if (early != null) {
            // Relayed as bytes just read would be: the client is read on once the backend takes them.
            fromClient(early);
        } else {
            client.read();
        }
    }

    /** Bytes from the client, bound for the backend. */
    void fromClient(ByteBuf bytes) {
        if (closed || closeSentToUpstream) {
            bytes.release();
            return;
        }
        if (goingAway) {
            bytes = untilBoundary(bytes, clientFrames);
            if (bytes == null) {
                sendCloseToUpstream();
                return;
            }
        } else if (clientFrames != null) {
            clientFrames.follow(bytes, false);
        }
        tally.requestBody(bytes.readableBytes());
        upstream.writeAndFlush(bytes, upstream.voidPromise());
        if (goingAway && clientFrames.atBoundary()) {
            sendCloseToUpstream();
        } else if (upstream.isWritable()) {
            client.read();
        } else {
            waitingForUpstreamWritable = true;
            upstreamStalledSinceNanos = stalledSince(upstreamStalledSinceNanos);
        }
    }

    /** Bytes from the backend, bound for the client; flushed when the upstream read completes. */
    @Override
    public void onUpstreamBytes(ByteBuf bytes) {
        if (closed || closeSentToClient) {
            bytes.release();
            return;
        }
        if (goingAway) {
            bytes = untilBoundary(bytes, upstreamFrames);
            if (bytes == null) {
                sendCloseToClient();
                return;
            }
        } else if (upstreamFrames != null) {
            upstreamFrames.follow(bytes, false);
        }
        tally.responseBody(bytes.readableBytes());
        client.write(bytes, client.voidPromise());
        if (goingAway && upstreamFrames.atBoundary()) {
            sendCloseToClient();
        }
    }

    /**
     * While going away: the part of {@code bytes} up to the end of the frame in progress (the rest, later frames,
     * is dropped), or {@code null} if the bytes seen so far already end a frame.
     */
    private static ByteBuf untilBoundary(ByteBuf bytes, WebSocketFrames frames) {
        int keep = frames.follow(bytes, true);
        if (keep == 0) {
            bytes.release();
            return null;
        }
        if (keep > 0) {
            bytes.writerIndex(bytes.readerIndex() + keep);
        }
        return bytes;
    }

    @Override
    public void onUpstreamReadComplete() {
        if (closed) {
            return;
        }
        client.flush();
        if (closeSentToClient) {
            return;
        }
        if (client.channel().isWritable()) {
            upstream.read();
        } else {
            waitingForClientWritable = true;
            clientStalledSinceNanos = stalledSince(clientStalledSinceNanos);
        }
    }

    /** The client side can take writes again. */
    void onClientWritable() {
        if (waitingForClientWritable && !closed) {
            waitingForClientWritable = false;
            clientStalledSinceNanos = 0;
            upstream.read();
        }
    }

    @Override
    public void onUpstreamWritable() {
        if (waitingForUpstreamWritable && !closed) {
            waitingForUpstreamWritable = false;
            upstreamStalledSinceNanos = 0;
            client.read();
        }
    }

    /** The upstream codec's empty end after the 101 head, decoded before the codec left: not part of the tunnel. */
    @Override
    public void onUpstreamMessage(HttpObject message) {
        ReferenceCountUtil.release(message);
    }

    @Override
    public void onUpstreamClosed() {
        close();
    }

    @Override
    public void onUpstreamFailure(Throwable cause) {
        log.debug("tunnel to the backend failed", cause);
    }

    /**
     * Whether a side has taken none of what the tunnel wrote to it for {@code limitNanos}, at {@code nowNanos}: a
     * client that stops reading (or a backend) holds the other side's connection, read no further, for as long as it
     * likes; the send timeout bounds that, as it does for a response.
     */
    boolean stalledFor(long nowNanos, long limitNanos) {
        return !closed && (overdue(clientStalledSinceNanos, nowNanos, limitNanos)
                || overdue(upstreamStalledSinceNanos, nowNanos, limitNanos));
    }

    private static long stalledSince(long sinceNanos) {
        return sinceNanos != 0 ? sinceNanos : System.nanoTime();
    }

    private static boolean overdue(long sinceNanos, long nowNanos, long limitNanos) {
        return sinceNanos != 0 && nowNanos - sinceNanos >= limitNanos;
    }

    /** Cuts the tunnel at once: both connections close without waiting for a side that takes nothing. */
    void cut() {
        close();
        client.channel().close();
        upstream.close();
    }

    /**
     * The drain deadline: a WebSocket gets a 1001 close frame to each peer at the next frame boundary of the
     * direction toward it; any other protocol has no such frame, so both connections close.
     */
    void goAway() {
        if (closed || goingAway) {
            return;
        }
        goingAway = true;
        if (clientFrames == null) {
            close();
            return;
        }
        if (upstreamFrames.atBoundary()) {
            sendCloseToClient();
        } else {
            upstream.read();
        }
        if (clientFrames.atBoundary()) {
            sendCloseToUpstream();
        } else {
            client.read();
        }
        client.executor().schedule(this::close, GOING_AWAY_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void sendCloseToClient() {
        closeSentToClient = true;
        ByteBuf frame = client.alloc().buffer(4);
        WebSocketFrames.writeCloseToClient(frame);
        client.writeAndFlush(frame, client.voidPromise());
        closeIfBothSent();
    }

    private void sendCloseToUpstream() {
        closeSentToUpstream = true;
        ByteBuf frame = upstream.alloc().buffer(8);
        WebSocketFrames.writeCloseToServer(frame, ThreadLocalRandom.current().nextInt());
        upstream.writeAndFlush(frame, upstream.voidPromise());
        closeIfBothSent();
    }

    private void closeIfBothSent() {
        if (closeSentToClient && closeSentToUpstream) {
            close();
        }
    }

    /**
     * One side closed, or the tunnel was sent away: close both once what was written has been flushed, or after
     * {@link #FLUSH_LIMIT_MILLIS} without it.
     */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        ChannelFuture clientFlushed = client.writeAndFlush(Unpooled.EMPTY_BUFFER);
        ChannelFuture upstreamFlushed = upstream.writeAndFlush(Unpooled.EMPTY_BUFFER);
        upstreamFlushed.addListener(ChannelFutureListener.CLOSE);
        if (!clientFlushed.isDone() || !upstreamFlushed.isDone()) {
            client.executor().schedule(() -> {
                closeUnflushed(upstreamFlushed);
                closeUnflushed(clientFlushed);
            }, FLUSH_LIMIT_MILLIS, TimeUnit.MILLISECONDS);
        }
        onClosed.accept(clientFlushed);
    }

    private static void closeUnflushed(ChannelFuture flushed) {
        if (!flushed.isDone()) {
            log.debug("{}: took none of a closing tunnel's last bytes in {} ms; closed", flushed.channel(),
                    FLUSH_LIMIT_MILLIS);
            flushed.channel().close();
        }
    }
}
