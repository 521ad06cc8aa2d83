package dev.bluegreen.proxy.internal.http1;

import dev.bluegreen.proxy.RequestLimits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1.1 client connection after the proxy's last response on it the way RFC 9112 §9.6 asks: the output
 * is shut down first (the client reads the response and then the end of the stream), then whatever the client still
 * sends is read and dropped until it closes its side, or for {@code lingeringCloseTime}, or until
 * {@code lingeringCloseBytes} were dropped, and only then is the connection closed.
 *
 * <p>Closing at once with the client's bytes unread (the rest of a 64 KiB header after a 431, a body after a 413, a
 * pipelined request) makes the kernel answer with a reset instead of an orderly close, and a reset may destroy the
 * response before the client reads it; a client still sending gets its write refused and never reads the status.
 *
 * <p>The handler goes in front of the HTTP handlers (behind TLS, if any), so nothing the client sends from then on
 * is taken for a request:
 *
 * <pre>
 * client channel:  [tls →] linger: LingeringClose → (the HTTP/1.1 handlers, no longer reached)
 * </pre>
 */
public final class LingeringClose extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(LingeringClose.class);

    private final long maxBytes;
    private long dropped;

    private LingeringClose(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /**
     * Closes {@code lastWrite}'s channel lingering, once {@code lastWrite} is done; at once if the write failed.
     *
     * @param limits the lingering close's time and size
     */
    public static void after(ChannelFuture lastWrite, RequestLimits limits) {
        lastWrite.addListener(written -> {
            Channel channel = lastWrite.channel();
            if (written.isSuccess()) {
                start(channel, limits.lingeringCloseTime(), limits.lingeringCloseBytes());
            } else {
                channel.close();
            }
        });
    }

    private static void start(Channel channel, Duration time, long maxBytes) {
        if (!channel.isActive() || channel.pipeline().get(LingeringClose.class) != null) {
            return;
        }
        if (time.isZero() || !(channel instanceof DuplexChannel duplex)) {
            channel.close();
            return;
        }
        ChannelPipeline pipeline = channel.pipeline();
        LingeringClose handler = new LingeringClose(maxBytes);
        SslHandler tls = pipeline.get(SslHandler.class);
        if (tls == null) {
            pipeline.addFirst("linger", handler);
            duplex.shutdownOutput();
        } else {
            // TLS ends with close_notify before the TCP half-close, so the client can tell the end from a truncation.
            pipeline.addAfter(pipeline.context(tls).name(), "linger", handler);
            tls.closeOutbound().addListener(closed -> duplex.shutdownOutput());
        }
        ScheduledFuture<?> timer = channel.eventLoop().schedule(() -> {
            log.debug("{}: lingering close over after {} ms; closing", channel, time.toMillis());
            channel.close();
        }, time.toNanos(), TimeUnit.NANOSECONDS);
        channel.closeFuture().addListener(closed -> timer.cancel(false));
        // Reads were asked for one message at a time by the HTTP handlers; from now on read whatever comes.
        channel.config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes) {
            dropped += bytes.readableBytes();
        }
        ReferenceCountUtil.release(msg);
        if (dropped > maxBytes) {
            log.debug("{}: dropped {} bytes in a lingering close; closing", ctx.channel(), dropped);
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // The client reset or the connection failed: nothing is left to wait for.
        ctx.close();
    }
}
