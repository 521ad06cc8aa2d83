package dev.bluegreen.testing;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the requests of one connection of a {@link TestBackend}, after {@code HttpServerCodec}:
 * <pre>
 *   HttpServerCodec → BackendHandler
 * </pre>
 * Each request is read as it streams (counted and CRC32-summed, never aggregated) and answered according to the
 * {@link Behaviour} read when its head arrived. Responses go out in request order (RFC 9112 section 9.3.2):
 * messages of a pipelined request wait in a queue until the response before them is complete. Keep-alive
 * follows RFC 9112 section 9.3 ({@link HttpUtil#isKeepAlive}). Backpressure lives in {@link #updateReading()}:
 * reading pauses while the channel is not writable or the queue holds too many bytes. Event loop only.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {

    private static final Logger log = LoggerFactory.getLogger(BackendHandler.class);
    private static final int MAX_QUEUED_BYTES = 1024 * 1024;

    private final TestBackend backend;
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private long queuedBytes;
    private boolean draining;
    private boolean closing;
    private ChannelHandlerContext ctx;
    private BackendResponses responses;
    private Exchange current;

    BackendHandler(TestBackend backend) {
        this.backend = backend;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.responses = new BackendResponses(ctx, backend.name());
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        backend.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        Exchange exchange = current;
        current = null;
        if (exchange != null) {
            if (exchange.gateWaiter != null) {
                exchange.behaviour.gate().cancel(exchange.gateWaiter);
            }
            record(exchange);
        }
        for (Object msg = queued.poll(); msg != null; msg = queued.poll()) {
            ReferenceCountUtil.release(msg);
        }
        queuedBytes = 0;
        backend.connectionClosed();
        ctx.fireChannelInactive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
        } else if (!queued.isEmpty() || (current != null && current.requestComplete)) {
            queued.add(msg);
            queuedBytes += queuedSize(msg);
            updateReading();
        } else {
            handle(msg);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null && current.download != null) {
            current.download.resume();
        }
        updateReading();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("{}: closing connection after {}", backend.name(), cause.toString());
        ctx.close();
    }

    private void handle(Object msg) {
        try {
            if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
                rejectMalformed(http.decoderResult().cause());
                return;
            }
            if (msg instanceof HttpRequest request) {
                onHead(request);
            }
            if (msg instanceof HttpContent content && current != null && !current.requestComplete) {
                onContent(current, content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpRequest request) {
        Behaviour behaviour = backend.behaviour();
        Exchange exchange = new Exchange(request, behaviour, remotePort());
        current = exchange;
        Behaviour.Kind kind = behaviour.kind();
        if (behaviour.expectContinue() && kind != Behaviour.Kind.CLOSE_ON_REQUEST
                && HttpUtil.is100ContinueExpected(request)) {
            responses.interimContinue();
        }
        Gate gate = behaviour.gate();
        if (gate == null) {
            exchange.released = true;
        } else {
            exchange.gateWaiter = () -> {
                try {
                    ctx.executor().execute(() -> onReleased(exchange));
                } catch (RejectedExecutionException e) {
                    log.debug("{}: released after the backend stopped", backend.name());
                }
            };
            exchange.released = gate.arrive(exchange.gateWaiter);
        }
        if (kind == Behaviour.Kind.ECHO) {
            exchange.responseStarted = true;
            responses.echoHead(exchange);
        }
        proceed(exchange);
    }

    private void onContent(Exchange exchange, HttpContent content) {
        ByteBuf data = content.content();
        boolean echo = exchange.behaviour.kind() == Behaviour.Kind.ECHO;
        if (data.isReadable()) {
            exchange.received(data);
            if (echo && !exchange.head) {
                responses.echoContent(data.retain());
            }
        }
        if (content instanceof LastHttpContent) {
            exchange.requestComplete = true;
            record(exchange);
            if (echo) {
                responses.echoEnd(exchange, f -> responseDone(exchange, f));
            } else {
                proceed(exchange);
            }
        }
    }

    private void onReleased(Exchange exchange) {
        if (exchange == current) {
            exchange.released = true;
            proceed(exchange);
        }
    }

    /** Starts the response once the exchange was released and, except for a close, its request was read. */
    private void proceed(Exchange exchange) {
        if (exchange != current || !exchange.released || exchange.responseStarted) {
            return;
        }
        Behaviour behaviour = exchange.behaviour;
        if (behaviour.kind() == Behaviour.Kind.CLOSE_ON_REQUEST) {
            record(exchange);
            current = null;
            closing = true;
            ctx.close();
            return;
        }
        if (!exchange.requestComplete) {
            return;
        }
        exchange.responseStarted = true;
        ChannelFutureListener onDone = f -> responseDone(exchange, f);
        switch (behaviour.kind()) {
            case REPLY -> responses.text(exchange, HttpResponseStatus.OK, backend.name(), onDone);
            case STATUS -> responses.text(exchange, HttpResponseStatus.valueOf(behaviour.status()), behaviour.body(), onDone);
            case DOWNLOAD -> {
                exchange.download = responses.download(exchange, onDone);
                exchange.download.resume();
            }
            case NEVER_RESPOND -> log.debug("{}: not answering {} {}", backend.name(), exchange.method, exchange.uri);
            default -> throw new IllegalStateException("unexpected behaviour: " + behaviour);
        }
    }

    private void responseDone(Exchange exchange, ChannelFuture future) {
        if (!future.isSuccess()) {
            log.debug("{}: response write failed: {}", backend.name(), String.valueOf(future.cause()));
            ctx.close();
            return;
        }
        if (exchange != current) {
            return;
        }
        current = null;
        if (!exchange.keepAlive) {
            closing = true;
            ctx.close();
            return;
        }
        drainQueued();
        updateReading();
    }

    /** Handles queued pipelined messages in order until a request's response is under way again. */
    private void drainQueued() {
        if (draining) {
            return; // a response completed inside handle(); the loop below goes on with the queue
        }
        draining = true;
        try {
            while (!queued.isEmpty() && !closing && (current == null || !current.requestComplete)) {
                Object msg = queued.poll();
                queuedBytes -= queuedSize(msg);
                handle(msg);
            }
        } finally {
            draining = false;
        }
    }

    private void updateReading() {
        boolean read = !closing && ctx.channel().isWritable() && queuedBytes < MAX_QUEUED_BYTES;
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    private void rejectMalformed(Throwable cause) {
        log.debug("{}: malformed request: {}", backend.name(), String.valueOf(cause));
        boolean started = current != null && current.responseStarted;
        current = null;
        closing = true;
        if (started) {
            ctx.close();
        } else {
            responses.badRequestAndClose();
        }
    }

    private void record(Exchange exchange) {
        if (!exchange.recorded) {
            exchange.recorded = true;
            backend.record(exchange.seen());
        }
    }

    private int remotePort() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress address ? address.getPort() : -1;
    }

    private static int queuedSize(Object msg) {
        return msg instanceof HttpContent content ? content.content().readableBytes() : 0;
    }
}
