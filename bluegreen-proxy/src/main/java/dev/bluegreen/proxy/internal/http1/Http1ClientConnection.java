package dev.bluegreen.proxy.internal.http1;

import dev.bluegreen.proxy.RequestLimits;
import dev.bluegreen.proxy.internal.codec.Http1ServerCodec;
import dev.bluegreen.proxy.internal.codec.InterimResponses;
import dev.bluegreen.proxy.internal.exchange.AbstractClientSide;
import dev.bluegreen.proxy.internal.exchange.LoopContexts;
import dev.bluegreen.proxy.internal.request.ClientProtocol;
import dev.bluegreen.proxy.internal.request.ErrorResponses;
import dev.bluegreen.proxy.internal.request.RequestRejectedException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of an HTTP/1.1 client connection: its requests, one exchange at a time.
 *
 * <pre>
 * client channel:  ReadActivity → Http1ServerCodec → RequestValidator → OneMessagePerRead → Http1ClientConnection
 * </pre>
 *
 * <p>The channel does not read on its own: this handler asks for one message at a time, and asks for the next
 * request only once the current exchange has ended, so pipelined requests wait their turn in the
 * {@code OneMessagePerRead} handler and their responses go out in order (RFC 9112 §9.3.2). Besides, it counts the
 * connection, closes it when idle for the idle timeout, closes it gracefully (after the exchange under way) when
 * the proxy stops, and gives a response's trailers only to a request that asked for them ({@link Http1Trailers}).
 */
public final class Http1ClientConnection extends AbstractClientSide implements ChannelInboundHandler {

    private static final Logger log = LoggerFactory.getLogger(Http1ClientConnection.class);

    private final long idleTimeoutNanos;
    private final Http1Trailers trailers = new Http1Trailers();
    private ChannelHandlerContext ctx;
    /** The connection's codec, or {@code null} in a pipeline without one (a test's). */
    private Http1ServerCodec codec;
    private boolean draining;
    /** The last response on the connection has been sent (or cut): whatever the client sent after it is dropped. */
    private boolean ending;
    private long idleSinceNanos;
    private ScheduledFuture<?> idleTimer;

    public Http1ClientConnection(LoopContexts loops, long idleTimeoutNanos) {
        super(loops, ClientProtocol.HTTP_1);
        this.idleTimeoutNanos = idleTimeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.codec = ctx.pipeline().get(Http1ServerCodec.class);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        idleSinceNanos = System.nanoTime();
        opened(ctx.channel());
        ctx.read();
        loop().services().counters().clientConnected();
        scheduleIdleCheck(idleTimeoutNanos);
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        loop().services().counters().clientDisconnected();
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        closed();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (ending) {
            // RFC 9112 §9.6: after the response that ends the connection no further request is processed. One the
            // client pipelined behind it, decoded already and held until asked for, would otherwise be sent on when
            // the closing reads again: a backend would act on it (a POST) with its response going nowhere.
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            // Only between exchanges (reads are asked for one at a time): the next response is this request's.
            trailers.requestHead(request);
        }
        received(msg);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            writable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void read() {
        ctx.read();
    }

    @Override
    public void write(HttpObject part) {
        ctx.write(trailers.toClient(part), ctx.voidPromise());
    }

    @Override
    public ChannelFuture writeLast(HttpObject last, boolean awaited) {
        HttpObject toClient = trailers.toClient(last);
        return awaited ? ctx.writeAndFlush(toClient) : ctx.writeAndFlush(toClient, ctx.voidPromise());
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public ChannelFuture answer(HttpResponseStatus status, String message, boolean close,
                                Consumer<HttpHeaders> fields) {
        FullHttpResponse answer = ErrorResponses.of(ctx.alloc(), status, message, close);
        fields.accept(answer.headers());
        return ctx.writeAndFlush(answer);
    }

    @Override
    public void abandon() {
        ctx.close();
    }

    /**
     * Answers a request the proxy can't read on with an error, then closes, lingering: the stream can't be trusted,
     * and the client may still be sending the rest of it.
     */
    @Override
    protected void reject(RequestRejectedException rejection) {
        loop().services().recorder().get().requestRejected(rejection.status().code());
        log.debug("{}: {} {}", ctx.channel(), rejection.status().code(), rejection.getMessage());
        LingeringClose.after(answer(rejection.status(), rejection.getMessage(), true), limits());
    }

    private RequestLimits limits() {
        return loop().services().config().requestRules().limits();
    }

    /**
     * Interim responses are written past the codec: its encoder pairs every response head with one request (to know
     * which answer a HEAD), and an interim head would take the pairing of the final response.
     */
    @Override
    public void writeInterim(HttpResponse interim) {
        ChannelHandlerContext codec = ctx.pipeline().context(Http1ServerCodec.class);
        codec.writeAndFlush(InterimResponses.encode(ctx.alloc(), interim), codec.voidPromise());
    }

    @Override
    public ByteBuf takeBytesAfterUpgrade() {
        return codec == null ? null : codec.takeBytesAfterUpgrade();
    }

    /** The 101 goes out past the codec (as an interim response would), then the codec leaves: bytes from now on. */
    @Override
    public ChannelHandlerContext startTunnel(HttpResponse switching) {
        writeInterim(switching);
        ctx.pipeline().remove(OneMessagePerRead.class);
        ctx.pipeline().remove(Http1ServerCodec.class);
        return ctx;
    }

    @Override
    protected void afterExchange(ChannelFuture lastWrite, boolean close) {
        idleSinceNanos = System.nanoTime();
        if (close || draining) {
            ending = true;
            if (lastWrite == null) {
                // The response was cut short: close behind whatever is still queued for the client, not in front
                // of it, and at once, the way a failure should look.
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else {
                // A whole response, maybe the proxy's own error with the request unread behind it: linger.
                LingeringClose.after(lastWrite.isVoid() ? ctx.writeAndFlush(Unpooled.EMPTY_BUFFER) : lastWrite,
                        limits());
            }
            return;
        }
        if (codec != null) {
            // After a request that asked to upgrade and got no 101, the bytes behind it are HTTP/1.1 again.
            codec.readOnAfterUpgrade();
        }
        ctx.read();
    }

    @Override
    public boolean isDraining() {
        return draining;
    }

    /** Begins a graceful close: now if idle, else after the exchange under way. Runs on the channel's loop. */
    public void closeGracefully() {
        draining = true;
        if (busy()) {
            closeAfterExchange();
        } else {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: client connection failed", ctx.channel(), cause);
        ctx.close();
    }

    @Override
    public String toString() {
        return ctx == null ? "HTTP/1.1 client connection" : ctx.channel().toString();
    }

    // The rest of a channel handler's events, passed on: the connection's last handler acts on none of them.

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
    }

    @Override
    public void channelRegistered(ChannelHandlerContext ctx) {
        ctx.fireChannelRegistered();
    }

    @Override
    public void channelUnregistered(ChannelHandlerContext ctx) {
        ctx.fireChannelUnregistered();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        ctx.fireUserEventTriggered(evt);
    }

    private void scheduleIdleCheck(long delayNanos) {
        idleTimer = ctx.executor().schedule(this::checkIdle, delayNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Closes a keep-alive connection that has had no request for the idle timeout. One timer per connection,
     * re-armed only when it fires, rather than one per request.
     */
    private void checkIdle() {
        if (!ctx.channel().isActive()) {
            return;
        }
        if (busy()) {
            scheduleIdleCheck(idleTimeoutNanos);
            return;
        }
        long idleFor = System.nanoTime() - idleSinceNanos;
        if (idleFor >= idleTimeoutNanos) {
            log.debug("{}: idle for {} ms; closing", ctx.channel(), TimeUnit.NANOSECONDS.toMillis(idleFor));
            ctx.close();
        } else {
            scheduleIdleCheck(idleTimeoutNanos - idleFor);
        }
    }
}
