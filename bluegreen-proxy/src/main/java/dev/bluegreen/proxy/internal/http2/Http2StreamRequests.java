package dev.bluegreen.proxy.internal.http2;

import dev.bluegreen.proxy.internal.request.ClientProtocol;
import dev.bluegreen.proxy.internal.request.MessageHeads;
import dev.bluegreen.proxy.internal.request.RequestChecks;
import dev.bluegreen.proxy.internal.request.RequestRejectedException;
import dev.bluegreen.proxy.internal.request.RequestRules;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The request of one HTTP/2 stream, as the client side expects a request: checked by the same rules as an HTTP/1.1
 * request ({@link RequestChecks}), and timed and limited the same way.
 *
 * <pre>
 * stream channel:  Http2RequestDecoder → Http2ClientStreamCodec (responses) → Http2StreamRequests
 *                      → OneMessagePerRead → Http2StreamHandler
 * </pre>
 *
 * <ul>
 *   <li>The head passes {@link RequestChecks} for {@link ClientProtocol#HTTP_2}; a refused head goes on with a failed
 *       {@code decoderResult()} and the rest of the stream's request is dropped.</li>
 *   <li>The body counts against {@code maxBodySize}, and a read of it the exchange asked for must be answered within
 *       {@code requestBodyTimeout}: else the exchange gets a failed end (413 or 408).</li>
 * </ul>
 */
public final class Http2StreamRequests extends ChannelDuplexHandler {

    private final RequestRules rules;
    private ChannelHandlerContext ctx;
    private boolean rejected;
    private boolean headSeen;
    private boolean bodyComplete;
    private long bodyBytes;
    /** When the exchange asked for body bytes that have not come yet; 0 if it is not waiting. */
    private long bodyReadSinceNanos;
    private ScheduledFuture<?> bodyTimer;

    public Http2StreamRequests(RequestRules rules) {
        this.rules = rules;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejected) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            headSeen = true;
            bodyComplete = Http2RequestDecoder.endsStream(request);
            onHead(request);
            ctx.fireChannelRead(request);
        } else if (msg instanceof HttpContent content) {
            onContent(content);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** Checks a head; a refused one is marked failed. @return whether it passed */
    private boolean onHead(HttpRequest request) {
        HttpHeaders headers = request.headers();
        RequestRejectedException rejection = RequestChecks.check(request, rules, ClientProtocol.HTTP_2);
        if (rejection != null) {
            rejected = true;
            request.setDecoderResult(DecoderResult.failure(rejection));
            return false;
        }
        if (rules.dropUnderscoreHeaders()) {
            MessageHeads.dropUnderscoreHeaders(headers);
        }
        return true;
    }

    private void onContent(HttpContent content) {
        bodyReadSinceNanos = 0;
        bodyBytes += content.content().readableBytes();
        long limit = rules.limits().maxBodySize();
        if (limit > 0 && bodyBytes > limit) {
            content.release();
            fail(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "content too large: more than " + limit + " bytes");
            return;
        }
        if (content instanceof LastHttpContent) {
            bodyComplete = true;
            cancelTimer();
        }
        ctx.fireChannelRead(content);
    }

    /**
     * The exchange asks for more of the body: the client has the body timeout to send some. The first read, for the
     * head, is not timed (a stream exists only once its HEADERS frame has come), nor is any read of a request whose
     * head ended the stream, as a GET's does: no timer to schedule and cancel per stream.
     */
    @Override
    public void read(ChannelHandlerContext ctx) {
        if (headSeen && !bodyComplete && !rejected && bodyReadSinceNanos == 0) {
            bodyReadSinceNanos = System.nanoTime();
            if (bodyTimer == null) {
                long timeout = rules.limits().requestBodyTimeout().toNanos();
                bodyTimer = ctx.executor().schedule(this::checkBodyTimeout, timeout, TimeUnit.NANOSECONDS);
            }
        }
        ctx.read();
    }

    private void checkBodyTimeout() {
        bodyTimer = null;
        if (bodyComplete || rejected || bodyReadSinceNanos == 0 || !ctx.channel().isActive()) {
            return;
        }
        long timeout = rules.limits().requestBodyTimeout().toNanos();
        long waited = System.nanoTime() - bodyReadSinceNanos;
        if (waited >= timeout) {
            fail(HttpResponseStatus.REQUEST_TIMEOUT, "request timeout: no request body bytes for "
                    + rules.limits().requestBodyTimeout().toMillis() + " ms");
            return;
        }
        bodyTimer = ctx.executor().schedule(this::checkBodyTimeout, timeout - waited, TimeUnit.NANOSECONDS);
    }

    /** Ends the request with a failed end in place of what the client did not (properly) send. */
    private void fail(HttpResponseStatus status, String message) {
        rejected = true;
        cancelTimer();
        LastHttpContent failed = new DefaultLastHttpContent();
        failed.setDecoderResult(DecoderResult.failure(new RequestRejectedException(status, message)));
        ctx.fireChannelRead(failed);
    }

    private void cancelTimer() {
        if (bodyTimer != null) {
            bodyTimer.cancel(false);
            bodyTimer = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
    }
}
