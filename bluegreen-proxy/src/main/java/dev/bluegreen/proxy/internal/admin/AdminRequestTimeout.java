package dev.bluegreen.proxy.internal.admin;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an admin connection that has not sent a whole request within the request timeout of being accepted or of
 * the endpoint's last answer on it: a client that sends a head a byte at a time (slowloris), one that sends part of a
 * request and stops, or one that connects and sends nothing. Without it each such connection was held for ever, and
 * enough of them would take the process's file descriptors, which the proxy's own listener needs. Idle keep-alive
 * connections go the same way (browsers and scripts simply connect again).
 *
 * <p>The clock runs only while no request waits for its answer: a request that has arrived whole stops it, and the
 * answer to the last one waiting starts it again once written. Time the endpoint spends on a request (a switch whose
 * guards take their time) never counts against the client. A body the endpoint refuses as too large
 * ({@link AdminBodyLimit}) never reaches this handler, so reading and dropping it counts: it must end within the
 * timeout too. One timer per connection; everything runs on the connection's event loop.
 *
 * <pre>
 * admin channel:  [SslHandler →] HttpServerCodec → AdminBodyLimit → AdminRequestTimeout → OneMessagePerRead
 *                 → BrowserRequestCheck → [BearerTokenCheck] → AdminHttpHandler
 * </pre>
 */
public final class AdminRequestTimeout extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(AdminRequestTimeout.class);

    private final long timeoutNanos;
    /** Requests that have arrived whole and whose final answers have not been written yet. */
    private int unanswered;
    private ScheduledFuture<?> timer;

    /** A handler closing a connection that takes longer than {@code timeout} to send a request. */
    public AdminRequestTimeout(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        arm(ctx);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            // Aggregated before this handler: the request has arrived whole.
            unanswered++;
            cancel();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof LastHttpContent && isFinal(msg)) {
            promise = promise.unvoid();
            promise.addListener(written -> answered(ctx));
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    /** Whether {@code msg} ends a final answer: a 1xx (such as {@code 100 Continue}) answers nothing yet. */
    private static boolean isFinal(Object msg) {
        return !(msg instanceof HttpResponse response)
                || response.status().codeClass() != HttpStatusClass.INFORMATIONAL;
    }

    private void answered(ChannelHandlerContext ctx) {
        if (unanswered > 0) {
            unanswered--;
        }
        if (unanswered == 0 && ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    private void arm(ChannelHandlerContext ctx) {
        cancel();
        timer = ctx.executor().schedule(() -> {
            timer = null;
            log.debug("{}: no whole admin request within {} ms; closing", ctx.channel(),
                    TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
            ctx.close();
        }, timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
