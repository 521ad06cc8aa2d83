package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.proxy.internal.codec.Http2Codecs;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 connection to a backend, shared by the exchanges of one event loop as streams, and the last handler of
 * its pipeline. It belongs to one {@link Http2BackendPool}, which asks it for streams while it has room.
 *
 * <pre>
 * upstream connection:  [SslHandler →] Http2FrameCodec → Http2MultiplexHandler → Http2Connection
 *                       (with TLS, the HTTP/2 handlers are added once the handshake has agreed to h2)
 * </pre>
 *
 * <ul>
 *   <li>It is ready once the backend's first SETTINGS arrive; its room is the backend's
 *       {@code SETTINGS_MAX_CONCURRENT_STREAMS} (RFC 9113 §6.5.2), at most the pool's own cap, less its open
 *       streams.</li>
 *   <li>A GOAWAY from the backend (RFC 9113 §6.8) takes it out of the pool's choice at once: the streams the backend
 *       lets finish go on, new requests go to another connection, and it closes when its last stream has.</li>
 * </ul>
 */
final class Http2Connection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Http2Connection.class);

    /** Where a connection is in its life; it only moves down this list. */
    enum State { CONNECTING, READY, GOING_AWAY, CLOSED }

    private final Http2BackendPool pool;
    private final int streamCap;
    private Channel channel;
    private State state = State.CONNECTING;
    private long maxStreams;
    private int streams;
    private long streamsOpened;
    private long idleSinceNanos = System.nanoTime();
    /** Whether the pool counts it among the idle connections (the meters' {@code idle} state). */
    private boolean countedIdle;

    /** @param streamCap the most streams the proxy opens on it at once, whatever the backend allows */
    Http2Connection(Http2BackendPool pool, int streamCap) {
        this.pool = pool;
        this.streamCap = streamCap;
        this.maxStreams = streamCap;
    }

    State state() {
        return state;
    }

    Channel channel() {
        return channel;
    }

    int streams() {
        return streams;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    boolean countedIdle() {
        return countedIdle;
    }

    void countedIdle(boolean counted) {
        this.countedIdle = counted;
    }

    /** Whether a new stream may open on it now. */
    boolean hasRoom() {
        return state == State.READY && streams < maxStreams;
    }

    /** Opens a stream for one exchange; {@code callback} hears of it on this loop (synchronously, as a rule). */
    void openStream(AcquireCallback callback) {
        streams++;
        streamsOpened++;
        Http2Upstream upstream = new Http2Upstream(pool.colour(), pool.backend(), streamsOpened > 1,
                this::streamClosed);
        new Http2StreamChannelBootstrap(channel)
                // Reads are asked for one at a time, as the client takes the response: HTTP/2 flow control then
                // holds the backend to the stream's window.
                .option(ChannelOption.AUTO_READ, false)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast("http", new Http2StreamFrameToHttpObjectCodec(false))
                                .addLast("upstream", upstream);
                    }
                })
                .open()
                .addListener(opened -> {
                    if (opened.isSuccess()) {
                        callback.acquired(upstream);
                    } else {
                        upstream.streamClosed();
                        callback.failed(opened.cause());
                    }
                });
    }

    private void streamClosed() {
        streams--;
        if (streams == 0) {
            idleSinceNanos = System.nanoTime();
        }
        pool.streamClosed(this);
    }

    /**
     * Takes it out of the pool's choice without a GOAWAY from the backend (its address moved): the streams under way
     * go on, none is added.
     *
     * @return whether it was taking streams (connecting or ready) until now
     */
    boolean retire() {
        if (state == State.CONNECTING || state == State.READY) {
            state = State.GOING_AWAY;
            return true;
        }
        return false;
    }

    /** Closes it: GOAWAY, then the close once what is under way is done (the frame codec's graceful close). */
    void close() {
        if (state != State.CLOSED) {
            channel.close();
        }
    }

    /** The channel it is made of, from the moment it is being connected (its handlers may come later). */
    void bind(Channel channel) {
        this.channel = channel;
    }

    /**
     * Its channel closed.
     *
     * @return the state it was in until now
     */
    State closed() {
        State before = state;
        state = State.CLOSED;
        return before;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame settings) {
                onSettings(ctx, settings);
            } else if (msg instanceof Http2GoAwayFrame goAway) {
                onGoAway(goAway);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onSettings(ChannelHandlerContext ctx, Http2SettingsFrame frame) {
        Long announced = frame.settings().maxConcurrentStreams();
        if (announced != null) {
            maxStreams = Math.min(announced, streamCap);
        }
        if (state == State.CONNECTING) {
            state = State.READY;
            // The connection window is shared by the streams: widen it so that one stream whose client is slow to
            // take its response cannot hold the whole window and stall the others (as on the client side).
            int increment = (int) Math.min(Integer.MAX_VALUE, (long) streamCap * Http2Codecs.UPSTREAM_STREAM_WINDOW)
                    - Http2CodecUtil.DEFAULT_WINDOW_SIZE;
            if (increment > 0) {
                ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(increment));
            }
            pool.connectionReady(this);
        } else {
            pool.roomChanged(this);
        }
    }

    private void onGoAway(Http2GoAwayFrame goAway) {
        if (state == State.CLOSED || state == State.GOING_AWAY) {
            return;
        }
        log.debug("{}: GOAWAY from {} (error {}, last stream {}); {} stream(s) left", channel, pool,
                goAway.errorCode(), goAway.lastStreamId(), streams);
        State before = state;
        state = State.GOING_AWAY;
        pool.connectionGoingAway(this, before);
        if (streams == 0) {
            close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state == State.CONNECTING && Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            // Before the backend's SETTINGS: it does not speak HTTP/2 (an HTTP/1 server's "HTTP/1.1 400").
            pool.notHttp2(this, cause);
            ctx.close();
            return;
        }
        if (cause instanceof IOException || cause.getCause() instanceof SSLException
                || Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            log.debug("{}: HTTP/2 connection to {} failed", ctx.channel(), pool, cause);
        } else {
            log.warn("{}: HTTP/2 connection to {} failed in the proxy", ctx.channel(), pool, cause);
        }
        ctx.close();
    }

    @Override
    public String toString() {
        return pool + " " + channel + " " + state + " " + streams + "/" + maxStreams + " streams";
    }
}
