package dev.bluegreen.proxy.internal.listener;

import dev.bluegreen.proxy.RequestLimits;
import dev.bluegreen.proxy.internal.http1.LingeringClose;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
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

    private final int max;
    private final RequestLimits limits;
    private final AtomicInteger open = new AtomicInteger();

    /** @param limits the cap ({@code maxClientConnections}, 0 for none) and how a refused connection lingers */
    ClientConnectionLimit(RequestLimits limits) {
        this.max = limits.maxClientConnections();
        this.limits = limits;
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
     * Answers 503 and closes the way RFC 9112 §9.6 asks ({@link LingeringClose}): closing with the client's request
     * still unread would reset the connection, and a reset can destroy the 503 before the client reads it.
     */
    private void refuse(Channel channel) {
        LingeringClose.after(channel.writeAndFlush(Unpooled.wrappedBuffer(REFUSAL)), limits);
    }
}
