package dev.bluegreen.proxy.internal.http2;

import dev.bluegreen.proxy.Http2Options;
import dev.bluegreen.proxy.internal.ProxyConfig;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import dev.bluegreen.proxy.internal.request.ClientAddress;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2FrameStreamEvent;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.handler.codec.http2.DefaultHttp2WindowUpdateFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.collection.IntObjectMap;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an HTTP/2 client connection: it hands each stream's frames to the stream's
 * {@link Http2ServerStream} (a plain object, not a channel: a child channel and pipeline per stream cost a quarter of
 * the proxy's CPU on h2c), and does for the connection as a whole what an HTTP/1.1 connection's
 * {@link dev.bluegreen.proxy.internal.http1.Http1ClientConnection} does:
 *
 * <pre>
 * client channel:  [SslHandler →] FlushConsolidationHandler → Http2FrameCodec → Http2ClientConnection
 * </pre>
 *
 * <ul>
 *   <li>opens a stream at its first HEADERS frame, and forgets it when the codec says it closed (or the connection
 *       did), telling it so: that is how an exchange learns that its client reset the stream;</li>
 *   <li>tells a stream that waits to be written when it can be again: after each read of the connection (the
 *       client's WINDOW_UPDATE and SETTINGS frames are what open a window) and when its socket drains. The frame
 *       codec's own writability events are off ({@code Http2Codecs.server}): they cost every stream, not the few
 *       that wait;</li>
 *   <li>counts the connection as one client connection;</li>
 *   <li>closes it (GOAWAY, then close once its streams are done) when it has had no stream for the idle timeout;</li>
 *   <li>with {@code closeClientConnectionsAfterSwitch}, closes it the same way at its first new stream after the
 *       live colour changed, so the client reconnects;</li>
 *   <li>takes the errors the frame codec leaves (a reset connection) and closes.</li>
 * </ul>
 *
 * Its {@link #closeGracefully()} is how the proxy's shutdown, the idle timeout and the move after a switch reach an
 * HTTP/2 client: GOAWAY, then close once the open streams are done (RFC 9113 §6.8).
 */
public final class Http2ClientConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Http2ClientConnection.class);

    private final ProxyConfig config;
    private final ProxyCounters counters;
    private final LongSupplier liveColourChanges;
    private final Http2StreamServices streamServices;
    private final Http2FrameCodec codec;
    /** The open streams, by id. */
    private final IntObjectMap<Http2ServerStream> streams = new IntObjectHashMap<>();
    /** The streams that found they could not be written, to be told when they can. */
    private final List<Http2ServerStream> awaitingWritable = new ArrayList<>(4);
    private ChannelHandlerContext ctx;
    private long idleSinceNanos;
    private long epoch;
    private boolean closing;
    private ScheduledFuture<?> idleTimer;
    private ScheduledFuture<?> forcedClose;
    private ClientAddress clientAddress;

    /**
     * @param liveColourChanges how many times the live colour changed since the proxy started
     * @param codec             the connection's frame codec, just before this handler
     */
    public Http2ClientConnection(ProxyConfig config, ProxyCounters counters, LongSupplier liveColourChanges,
            Http2StreamServices streamServices, Http2FrameCodec codec) {
        this.config = config;
        this.counters = counters;
        this.liveColourChanges = liveColourChanges;
        this.streamServices = streamServices;
        this.codec = codec;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // Added to an active connection, once the protocol is known.
        this.ctx = ctx;
        epoch = liveColourChanges.getAsLong();
        counters.clientConnected();
        idleSinceNanos = System.nanoTime();
        scheduleIdleCheck(config.timeouts().clientIdle().toNanos());
        openConnectionWindow(ctx);
    }

    /**
     * Widens the connection's receive window from the protocol's 65,535 bytes to what all its streams may have
     * outstanding together (RFC 9113 §6.9.2 leaves only SETTINGS for streams, WINDOW_UPDATE for the connection):
     * otherwise one stream whose backend is slow to take its body would hold the whole connection window, and
     * stall the other streams' uploads. Memory stays bounded by streams × stream window, as before.
     */
    private void openConnectionWindow(ChannelHandlerContext ctx) {
        Http2Options options = config.protocols().http2();
        long target = (long) options.maxConcurrentStreams() * options.initialWindowSize();
        int increment = (int) Math.min(Integer.MAX_VALUE, target) - Http2CodecUtil.DEFAULT_WINDOW_SIZE;
        if (increment > 0) {
            ctx.writeAndFlush(new DefaultHttp2WindowUpdateFrame(increment));
        }
    }

    /** Who the client is, for the forwarding headers of every stream's request: made on the first stream. */
    public ClientAddress clientAddress() {
        if (clientAddress == null) {
            clientAddress = ClientAddress.of(ctx.channel());
        }
        return clientAddress;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Http2StreamFrame frame) || frame.stream() == null) {
            // SETTINGS, PING, GOAWAY and the like: the codec has acted on them.
            ReferenceCountUtil.release(msg);
            return;
        }
        int id = frame.stream().id();
        Http2ServerStream stream = streams.get(id);
        if (stream == null) {
            if (!(frame instanceof Http2HeadersFrame) || frame.stream().state() == Http2Stream.State.CLOSED) {
                // What comes for a stream this handler no longer has (a reset one's DATA in flight): nothing to do.
                ReferenceCountUtil.release(frame);
                return;
            }
            stream = streamOpened(frame.stream());
        }
        try {
            stream.onFrame(frame);
        } catch (RuntimeException bug) {
            // A failure in one stream's request is that stream's: reset it, and let the connection's other streams
            // go on, rather than let the exception reach exceptionCaught, which closes them all. The frame is not
            // released here: how much of it was taken before the failure is not known, and a second release is worse
            // than a leak the detector reports.
            stream.failed(bug);
        }
    }

    /** A stream opened on this connection, at its first HEADERS frame. */
    private Http2ServerStream streamOpened(Http2FrameStream frameStream) {
        Http2ServerStream stream = new Http2ServerStream(streamServices, this, ctx, frameStream, codec.connection());
        streams.put(frameStream.id(), stream);
        if (config.closeClientConnectionsAfterSwitch() && !closing
                && epoch != liveColourChanges.getAsLong()) {
            // Serve this stream, refuse new ones: the client reconnects for its next requests.
            log.debug("{}: the live colour changed since the connection opened; sending GOAWAY", ctx.channel());
            // Later on the loop, not from inside the stream's first frame.
            ctx.executor().execute(this::closeGracefully);
        }
        return stream;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!(evt instanceof Http2FrameStreamEvent event)) {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        if (event.type() == Http2FrameStreamEvent.Type.State && event.stream().state() == Http2Stream.State.CLOSED) {
            Http2ServerStream stream = streams.remove(event.stream().id());
            if (stream != null) {
                stream.ended();
                streamClosed();
            }
        }
    }

    /** {@code stream} could not be written: it is told at the next chance that it may be writable again. */
    void awaitWritable(Http2ServerStream stream) {
        awaitingWritable.add(stream);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        // What was read may have opened windows: a WINDOW_UPDATE, for a stream or for the connection, or SETTINGS.
        tellAwaitingStreams();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            tellAwaitingStreams();
        }
        ctx.fireChannelWritabilityChanged();
    }

    /** Each stream that waits checks again; one that still can't be written waits again. */
    private void tellAwaitingStreams() {
        if (awaitingWritable.isEmpty()) {
            return;
        }
        // Copied: a stream told writes, and may wait again, meanwhile.
        Http2ServerStream[] waiting = awaitingWritable.toArray(new Http2ServerStream[0]);
        awaitingWritable.clear();
        for (Http2ServerStream stream : waiting) {
            stream.mayBeWritable();
        }
    }

    private void streamClosed() {
        if (streams.isEmpty()) {
            idleSinceNanos = System.nanoTime();
            if (closing) {
                closeAfterFlush();
            }
        }
    }

    /**
     * Sends GOAWAY (NO_ERROR) so the client opens no new streams here, lets the streams under way finish, and
     * closes when the last one has, or at the shutdown grace period, whichever comes first. Runs on the channel's
     * loop. A plain {@code close()} of the channel closes at once (the frame codec is built with close and GOAWAY
     * decoupled), which is what the end of the proxy's grace period needs.
     */
    public void closeGracefully() {
        if (closing || !ctx.channel().isActive()) {
            return;
        }
        closing = true;
        ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
        if (streams.isEmpty()) {
            closeAfterFlush();
            return;
        }
        forcedClose = ctx.executor().schedule(() -> {
            ctx.channel().close();
        }, config.timeouts().shutdownGracePeriod().toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Closes behind what is already written (the last stream's end, the GOAWAY), not in front of it. */
    private void closeAfterFlush() {
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        awaitingWritable.clear();
        if (!streams.isEmpty()) {
            Http2ServerStream[] open = streams.values().toArray(new Http2ServerStream[0]);
            streams.clear();
            for (Http2ServerStream stream : open) {
                stream.ended();
            }
        }
        counters.clientDisconnected();
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        if (forcedClose != null) {
            forcedClose.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2FrameStreamException streamError) {
            // A stream error the codec found (a bad field, a content-length that can't be right, a window overflowed),
            // maybe before the stream's HEADERS frame came through: the codec leaves the reset to the stream's handler.
            Http2FrameStream frameStream = streamError.stream();
            Http2ServerStream stream = streams.get(frameStream.id());
            if (stream == null && frameStream.state() != Http2Stream.State.CLOSED) {
                stream = streamOpened(frameStream);
            }
            if (stream != null) {
                stream.streamError(streamError.error(), String.valueOf(streamError.getCause()));
            }
            return;
        }
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            // A protocol error or a defence that tripped (rapid reset, CONTINUATION flood): the frame codec tells us
            // before it sends GOAWAY with the error's code and closes. Closing here would send NO_ERROR first.
            log.debug("{}: HTTP/2 connection error: {}", ctx.channel(), cause.toString());
            return;
        }
        log.debug("{}: HTTP/2 client connection failed", ctx.channel(), cause);
        ctx.close();
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleTimer = ctx.executor().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** One timer per connection, re-armed when it fires, as on an HTTP/1.1 connection. */
    private void checkIdle() {
        if (!ctx.channel().isActive() || closing) {
            return;
        }
        long timeout = config.timeouts().clientIdle().toNanos();
        if (!streams.isEmpty()) {
            scheduleIdleCheck(timeout);
            return;
        }
        long idleFor = System.nanoTime() - idleSinceNanos;
        if (idleFor >= timeout) {
            log.debug("{}: no stream for {} ms; closing", ctx.channel(), TimeUnit.NANOSECONDS.toMillis(idleFor));
            closeGracefully();
        } else {
            scheduleIdleCheck(timeout - idleFor);
        }
    }
}
