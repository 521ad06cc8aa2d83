package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.codec.Http1UpstreamCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.1 connection to a backend, and the last handler of its pipeline. It belongs to one {@link BackendPool}
 * on one event loop and serves at most one exchange at a time; while it sits idle in the pool nothing may arrive on
 * it, so anything that does (data or a close) retires it.
 *
 * <pre>
 * upstream channel:  [SslHandler →] Http1UpstreamCodec → Http1Upstream ⇄ the exchange (an UpstreamListener)
 * </pre>
 */
final class Http1Upstream extends ChannelInboundHandlerAdapter implements Upstream {

    private static final Logger log = LoggerFactory.getLogger(Http1Upstream.class);

    private final BackendPool pool;
    private Channel channel;
    /** The connection's codec, {@code null} once a tunnel removed it. */
    private Http1UpstreamCodec codec;
    private UpstreamListener listener;
    private long idleSinceNanos;
    /** Whether the pool handed it out from its idle connections rather than new. */
    private boolean reused;

    Http1Upstream(BackendPool pool) {
        this.pool = pool;
    }

    Channel channel() {
        return channel;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    @Override
    public Colour colour() {
        return pool.colour();
    }

    @Override
    public Backend backend() {
        return pool.backend();
    }

    @Override
    public boolean reused() {
        return reused;
    }

    /** The pool hands it out: {@code fromIdle} when it served (or was warmed for) an earlier request. */
    void handedOut(boolean fromIdle) {
        this.reused = fromIdle;
    }

    @Override
    public void attach(UpstreamListener listener) {
        this.listener = listener;
    }

    @Override
    public void detach() {
        listener = null;
        idleSinceNanos = System.nanoTime();
    }

    @Override
    public void write(HttpObject message) {
        channel.write(message, channel.voidPromise());
    }

    @Override
    public void writeAndFlush(HttpObject message) {
        channel.writeAndFlush(message, channel.voidPromise());
    }

    @Override
    public void read() {
        channel.read();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void release(boolean reusable) {
        // Bytes beyond the response (a body on the answer to a HEAD, say) came in the same read: they would be taken
        // for the start of the next response on this connection, which could then only be a 502.
        pool.release(this, reusable && !holdsStrayBytes());
    }

    @Override
    public Channel startTunnel() {
        channel.pipeline().remove(Http1UpstreamCodec.class);
        codec = null;
        return channel;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        codec = ctx.pipeline().get(Http1UpstreamCodec.class);
    }

    /** Whether the codec holds bytes of no response: see {@link Http1UpstreamCodec#holdsUndecodedBytes()}. */
    private boolean holdsStrayBytes() {
        Http1UpstreamCodec current = codec;
        return current != null && current.holdsUndecodedBytes();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        UpstreamListener current = listener;
        if (current != null && msg instanceof HttpObject object) {
            current.onUpstreamMessage(object);
            return;
        }
        if (current != null && msg instanceof ByteBuf bytes) {
            // The connection is a tunnel: its HTTP codec is gone.
            current.onUpstreamBytes(bytes);
            return;
        }
        // Bytes on an idle pooled connection: the backend is out of step with us, so this connection can't be
        // trusted for another request.
        ReferenceCountUtil.release(msg);
        log.debug("{}: unexpected data on an idle upstream connection to {}; closing it", ctx.channel(), pool);
        ctx.close();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamListener current = listener;
        if (current != null) {
            current.onUpstreamReadComplete();
        } else if (holdsStrayBytes()) {
            // Bytes too few to make a message arrived on an idle pooled connection: the codec holds them rather than
            // passing them on (channelRead never sees them), and the next response would be read behind them.
            log.debug("{}: unexpected data on an idle upstream connection to {}; closing it", ctx.channel(), pool);
            ctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        UpstreamListener current = listener;
        if (current != null && ctx.channel().isWritable()) {
            current.onUpstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pool.connectionClosed(this);
        UpstreamListener current = listener;
        listener = null;
        if (current != null) {
            current.onUpstreamClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException || cause.getCause() instanceof SSLException) {
            log.debug("{}: upstream connection to {} failed", ctx.channel(), pool, cause);
        } else {
            // Not the network (nor a TLS handshake, which BackendPool reports): a failure of the proxy itself (out
            // of direct memory, a bug), worth seeing.
            log.warn("{}: upstream connection to {} failed in the proxy", ctx.channel(), pool, cause);
        }
        UpstreamListener current = listener;
        if (current != null) {
            current.onUpstreamFailure(cause);
        }
        ctx.close();
    }

    @Override
    public String toString() {
        return pool + " " + channel;
    }
}
