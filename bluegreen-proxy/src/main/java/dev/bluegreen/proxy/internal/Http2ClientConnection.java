package dev.bluegreen.proxy.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an HTTP/1.1 client connection's {@link ClientConnectionHandler} does for the connection as a whole, for an
 * HTTP/2 connection, whose requests each have a stream (and a handler) of their own:
 *
 * <pre>
 * client channel:  [SslHandler →] Http2FrameCodec → Http2MultiplexHandler → Http2ClientConnection
 * </pre>
 *
 * <ul>
 *   <li>counts the connection as one client connection;</li>
 *   <li>closes it (GOAWAY, then close once its streams are done) when it has had no stream for the idle timeout;</li>
 *   <li>with {@code closeClientConnectionsAfterSwitch}, closes it the same way at its first new stream after the
 *       live colour changed, so the client reconnects;</li>
 *   <li>takes the errors the frame codec leaves (a reset connection) and closes.</li>
 * </ul>
 *
 * Closing the channel goes through the frame codec, which sends GOAWAY and lets the open streams finish within the
 * shutdown grace period (RFC 9113 §6.8); that is also how the proxy's shutdown and drain reach HTTP/2 clients.
 */
final class Http2ClientConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(Http2ClientConnection.class);

    private final ProxyRuntime runtime;
    private ChannelHandlerContext ctx;
    private int openStreams;
    private long idleSinceNanos;
    private long epoch;
    private boolean closing;
    private ScheduledFuture<?> idleTimer;

    Http2ClientConnection(ProxyRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // Added to an active connection, once the protocol is known.
        this.ctx = ctx;
        epoch = runtime.drains().liveColourChanges();
        runtime.counters().clientConnected();
        idleSinceNanos = System.nanoTime();
        scheduleIdleCheck(runtime.config().idleTimeout().toNanos());
    }

    /** A stream opened on this connection (its child channel is being initialised). */
    void streamOpened(Channel stream) {
        openStreams++;
        stream.closeFuture().addListener(closed -> streamClosed());
        if (runtime.config().closeClientConnectionsAfterSwitch() && !closing
                && epoch != runtime.drains().liveColourChanges()) {
            // Serve this stream, refuse new ones: the client reconnects for its next requests.
            log.debug("{}: the live colour changed since the connection opened; sending GOAWAY", ctx.channel());
            closeGracefully();
        }
    }

    private void streamClosed() {
        openStreams--;
        if (openStreams == 0) {
            idleSinceNanos = System.nanoTime();
        }
    }

    private void closeGracefully() {
        closing = true;
        // Later on the loop, not from inside the stream's initialisation.
        ctx.executor().execute(() -> ctx.channel().close());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        runtime.counters().clientDisconnected();
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
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
        long timeout = runtime.config().idleTimeout().toNanos();
        if (openStreams > 0) {
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
