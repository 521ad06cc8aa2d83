package dev.bluegreen.proxy.internal.listener;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import io.netty.util.CharsetUtil;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the client connections one proxy holds open at once. A connection above the cap is answered {@code 503}
 * with {@code Retry-After} and closed before anything is read from it; as connections close, new ones are admitted
 * again. Shared by every event loop of one proxy (one atomic counter).
 */
public final class ClientConnectionLimit {

    private static final Logger log = LoggerFactory.getLogger(ClientConnectionLimit.class);
    private static final byte[] REFUSAL = ("HTTP/1.1 503 Service Unavailable\r\n"
            + "Content-Type: text/plain\r\n"
            + "Retry-After: 1\r\n"
            + "Connection: close\r\n"
            + "Content-Length: 35\r\n"
            + "\r\n"
            + "too many connections to the proxy\r\n").getBytes(CharsetUtil.US_ASCII);

    private static final int LINGER_SECONDS = 2;

    private final int max;
    private final AtomicInteger open = new AtomicInteger();

    /** @param max the cap; 0 for none */
    ClientConnectionLimit(int max) {
        this.max = max;
    }

    /**
     * Counts {@code channel} in if there is room, until it closes.
     *
     * @return false if the proxy holds its maximum already: {@code channel} has been answered 503 and is closing
     */
    boolean admit(Channel channel) {
        if (max <= 0) {
            return true;
        }
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            log.debug("{}: refused, {} client connections open already", channel, max);
            refuse(channel);
            return false;
        }
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        return true;
    }

    /**
     * Answers 503 and closes the way RFC 9112 §9.6 asks: output first, then reading (and dropping) what the client
     * sent until it closes too, or for at most a few seconds. Closing with its request still unread would reset the
     * connection, and a reset can destroy the 503 before the client reads it.
     */
    private static void refuse(Channel channel) {
        channel.pipeline().addLast(new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                ctx.close();
            }
        });
        ByteBuf refusal = Unpooled.wrappedBuffer(REFUSAL);
        channel.writeAndFlush(refusal).addListener((ChannelFutureListener) written -> {
            if (!written.isSuccess() || !(channel instanceof DuplexChannel duplex)) {
                channel.close();
                return;
            }
            duplex.shutdownOutput();
            channel.config().setAutoRead(true);
            channel.eventLoop().schedule(() -> channel.close(), LINGER_SECONDS, TimeUnit.SECONDS);
        });
    }
}
