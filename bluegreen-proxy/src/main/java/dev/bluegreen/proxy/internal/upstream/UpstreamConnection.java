package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.proxy.internal.exchange.Exchange;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to a backend, and the last handler of its pipeline. It belongs to one {@link BackendPool} on one
 * event loop and serves at most one {@link Exchange} at a time; while it sits idle in the pool nothing may arrive
 * on it, so anything that does (data or a close) retires it.
 *
 * <pre>
 * upstream channel:  HttpClientCodec → UpstreamConnection ⇄ the current Exchange
 * </pre>
 */
public final class UpstreamConnection extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(UpstreamConnection.class);

    private final BackendPool pool;
    private Channel channel;
    private Exchange exchange;
    private long idleSinceNanos;
    private int exchangesServed;

    UpstreamConnection(BackendPool pool) {
        this.pool = pool;
    }

    public Channel channel() {
        return channel;
    }

    public BackendPool pool() {
        return pool;
    }

    long idleSinceNanos() {
        return idleSinceNanos;
    }

    int exchangesServed() {
        return exchangesServed;
    }

    /** Hands the connection to {@code exchange}; the pool calls this on acquire. */
    public void attach(Exchange exchange) {
        this.exchange = exchange;
        exchangesServed++;
    }

    /** Takes the connection back from its exchange; it is idle from now. */
    public void detach(long nowNanos) {
        this.exchange = null;
        this.idleSinceNanos = nowNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        pool.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Exchange current = exchange;
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
        Exchange current = exchange;
        if (current != null) {
            current.onUpstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange current = exchange;
        if (current != null && ctx.channel().isWritable()) {
            current.onUpstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        pool.connectionClosed(this);
        Exchange current = exchange;
        exchange = null;
        if (current != null) {
            current.onUpstreamClosed();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException || cause.getCause() instanceof javax.net.ssl.SSLException) {
            log.debug("{}: upstream connection to {} failed", ctx.channel(), pool, cause);
        } else {
            // Not the network (nor a TLS handshake, which BackendPool reports): a failure of the proxy itself (out
            // of direct memory, a bug), worth seeing.
            log.warn("{}: upstream connection to {} failed in the proxy", ctx.channel(), pool, cause);
        }
        Exchange current = exchange;
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
