package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.proxy.internal.listener.ProxyRuntime;
import dev.bluegreen.proxy.internal.listener.PreviewListener;
import dev.bluegreen.proxy.internal.routing.Route;
import dev.bluegreen.proxy.internal.request.RequestRejectedException;
import dev.bluegreen.proxy.internal.request.ErrorResponses;
import dev.bluegreen.proxy.internal.request.MessageHeads;
import dev.bluegreen.proxy.internal.request.ForwardedHeaders;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of a client connection: it turns each request into an {@link Exchange}, one at a time.
 *
 * <pre>
 * client channel:  HttpServerCodec → OneMessagePerRead → ClientConnectionHandler ⇄ Exchange ⇄ upstream channel
 * </pre>
 *
 * <p>The channel does not read on its own: this handler asks for one message at a time, and asks for the next
 * request only once the current exchange has ended, so pipelined requests wait their turn in the
 * {@code OneMessagePerRead} handler and their responses go out in order (RFC 9112 §9.3.2).
 *
 * <p>Routing happens here: the routing snapshot is read once, when the request head arrives, and the exchange is
 * pinned to the colour the {@link Router} picks by it, the live colour unless preview, a shift or a sticky session
 * says otherwise (DESIGN.md, invariant 1). The connection itself belongs to no colour:
 * the next request on it is routed afresh.
 */
public final class ClientConnectionHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(ClientConnectionHandler.class);

    private final ProxyRuntime runtime;
    private ChannelHandlerContext ctx;
    private LoopContext loop;
    private Exchange exchange;
    private boolean draining;
    private long idleSinceNanos;
    private ScheduledFuture<?> idleTimer;
    /** The proxy's count of live-colour changes when this connection opened. */
    private long epoch;
    /** The client's address as X-Forwarded-For gives it, worked out once per connection. */
    private String clientIp;
    /** Whether the client connected with TLS. */
    private boolean secure;
    /** Whether this connection came through the preview listener: all its requests go to the idle colour. */
    private boolean previewListener;

    /**
     * Whether this handler serves one HTTP/2 stream rather than a connection: a stream is one exchange, and the
     * connection it belongs to is counted and idled by {@link Http2ClientConnection}.
     */
    private final boolean stream;

    public ClientConnectionHandler(ProxyRuntime runtime) {
        this(runtime, false);
    }

    public ClientConnectionHandler(ProxyRuntime runtime, boolean stream) {
        this.runtime = runtime;
        this.stream = stream;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        loop = runtime.loop(ctx.channel().eventLoop());
        epoch = runtime.drains().liveColourChanges();
        clientIp = ForwardedHeaders.clientIp(ctx.channel().remoteAddress());
        // An HTTP/2 stream's connection, and the listener it came through, is its parent channel.
        Channel connection = stream ? ctx.channel().parent() : ctx.channel();
        previewListener = connection.hasAttr(PreviewListener.ATTRIBUTE);
        secure = connection.pipeline().get(SslHandler.class) != null;
        idleSinceNanos = System.nanoTime();
        if (!stream) {
            runtime.counters().clientConnected();
            scheduleIdleCheck(runtime.config().timeouts().clientIdle().toNanos());
        }
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!stream) {
            runtime.counters().clientDisconnected();
        }
        if (idleTimer != null) {
            idleTimer.cancel(false);
        }
        Exchange current = exchange;
        exchange = null;
        if (current != null) {
            current.onClientClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            onRequestHead(request);
        } else if (msg instanceof ByteBuf bytes) {
            Exchange current = exchange;
            if (current != null) {
                current.onClientBytes(bytes);
            } else {
                bytes.release();
            }
        } else if (msg instanceof HttpContent content) {
            Exchange current = exchange;
            if (content.decoderResult().isFailure()) {
                onBadContent(current, content);
            } else if (current != null) {
                current.onClientContent(content);
            } else {
                // The end of a request the proxy already answered itself.
                content.release();
                ctx.read();
            }
        } else {
            ReferenceCountUtil.release(msg);
            ctx.read();
        }
    }

    private void onRequestHead(HttpRequest request) {
        if (exchange != null) {
            // Unreachable while reads are only asked for between exchanges; never serve two at once.
            ReferenceCountUtil.release(request);
            log.warn("{}: a request arrived while {} was under way; closing", ctx.channel(), exchange);
            ctx.close();
            return;
        }
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            respondAndClose(statusFor(result.cause()), messageFor(result.cause()));
            return;
        }
        if (request.headers().contains(HttpHeaderNames.CONTENT_LENGTH) && HttpUtil.isTransferEncodingChunked(request)) {
            // RFC 9112 §6.3: both framings at once is how requests are smuggled; the message can't be trusted.
            respondAndClose(HttpResponseStatus.BAD_REQUEST,
                    "bad request: both Content-Length and Transfer-Encoding are present");
            return;
        }
        RoutingSnapshot snapshot = runtime.admin().snapshot();
        Route route = runtime.router().route(request, snapshot, previewListener);
        Colour colour = route.colour();
        Environment environment = snapshot.environment(colour);
        if (environment.isEmpty()) {
            String pool = route.kind().pool();
            log.warn("503: the {} pool ({}) has no backends; {} {}", pool, colour.label(), request.method(),
                    request.uri());
            boolean close = draining || !HttpUtil.isKeepAlive(request) || MessageHeads.hasBody(request);
            ChannelFuture written = ctx.writeAndFlush(ErrorResponses.of(ctx.alloc(),
                    HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "no backend in the " + pool + " pool (" + colour.label() + ")", close));
            finish(written, close);
            return;
        }
        exchange = new Exchange(this, ctx, loop, request, colour, snapshot.generation(), environment, epoch,
                clientIp);
        exchange.routed(route);
        exchange.start();
    }

    /**
     * A request body the codec could not decode, that stalled, or that grew past its limit: the exchange fails
     * (the backend never sees a clean end of it) and the connection closes, since it can't be resynchronised.
     */
    private void onBadContent(Exchange current, HttpContent content) {
        content.release();
        Throwable cause = content.decoderResult().cause();
        if (current != null) {
            current.onClientFailed(statusFor(cause), messageFor(cause));
        } else {
            ctx.close();
        }
    }

    private static String messageFor(Throwable cause) {
        return cause instanceof RequestRejectedException ? cause.getMessage() : "bad request: " + cause.getMessage();
    }

    private static HttpResponseStatus statusFor(Throwable cause) {
        if (cause instanceof RequestRejectedException rejected) {
            return rejected.status();
        }
        if (cause instanceof TooLongHttpLineException) {
            return HttpResponseStatus.REQUEST_URI_TOO_LONG;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
        }
        if (cause instanceof TooLongFrameException) {
            return HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
        }
        return HttpResponseStatus.BAD_REQUEST;
    }

    /** Answers a request the proxy can't read on with an error, then closes: the stream can't be trusted. */
    private void respondAndClose(HttpResponseStatus status, String message) {
        runtime.recorder().requestRejected(status.code());
        log.debug("{}: {} {}", ctx.channel(), status.code(), message);
        ctx.writeAndFlush(ErrorResponses.of(ctx.alloc(), status, message, true))
                .addListener(ChannelFutureListener.CLOSE);
    }

    /** Called by the exchange when it has ended; the next request may be read. */
    void exchangeEnded(Exchange ended, ChannelFuture lastWrite, boolean close) {
        if (exchange != ended) {
            return;
        }
        exchange = null;
        finish(lastWrite, close);
    }

    private void finish(ChannelFuture lastWrite, boolean close) {
        idleSinceNanos = System.nanoTime();
        if (close || draining) {
            if (lastWrite != null && !lastWrite.isVoid()) {
                lastWrite.addListener(ChannelFutureListener.CLOSE);
            } else {
                // Close behind whatever is still queued for the client, not in front of it.
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        ctx.read();
    }

    /** Whether the client connected with TLS (for {@code X-Forwarded-Proto}). */
    boolean isSecure() {
        return secure;
    }

    /** Whether the proxy is shutting down and this connection should close after its current exchange. */
    boolean isDraining() {
        return draining;
    }

    /** Begins a graceful close: now if idle, else after the exchange under way. Runs on the channel's loop. */
    public void closeGracefully() {
        draining = true;
        if (exchange == null) {
            ctx.close();
        } else {
            exchange.closeClientAfterResponse();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Exchange current = exchange;
        if (current != null && ctx.channel().isWritable()) {
            current.onClientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: client connection failed", ctx.channel(), cause);
        ctx.close();
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
        long timeout = runtime.config().timeouts().clientIdle().toNanos();
        if (exchange != null) {
            scheduleIdleCheck(timeout);
            return;
        }
        long idleFor = System.nanoTime() - idleSinceNanos;
        if (idleFor >= timeout) {
            log.debug("{}: idle for {} ms; closing", ctx.channel(), TimeUnit.NANOSECONDS.toMillis(idleFor));
            ctx.close();
        } else {
            scheduleIdleCheck(timeout - idleFor);
        }
    }
}
