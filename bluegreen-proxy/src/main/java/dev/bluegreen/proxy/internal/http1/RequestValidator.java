package dev.bluegreen.proxy.internal.http1;

import dev.bluegreen.proxy.internal.codec.Http1ServerCodec;
import dev.bluegreen.proxy.internal.codec.PipelineDepthExceededException;
import dev.bluegreen.proxy.internal.request.RequestRejectedException;
import dev.bluegreen.proxy.internal.request.ClientProtocol;
import dev.bluegreen.proxy.internal.request.MessageHeads;
import dev.bluegreen.proxy.internal.request.RequestChecks;
import dev.bluegreen.proxy.internal.request.RequestRules;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Checks each decoded request against the proxy's {@link RequestRules} before anything of it is routed, and times
 * how long the client takes to send it. A request it refuses goes on with a failed {@code decoderResult()} naming
 * the status ({@link RequestRejectedException}), which the connection handler answers and closes on, like a
 * message the codec itself could not decode; everything the client sends after it is dropped, since the stream
 * can't be resynchronised (RFC 9112 §11.2).
 *
 * <pre>
 * client channel:  ReadActivity → Http1ServerCodec → RequestValidator → OneMessagePerRead
 *                  → Http1ClientConnection
 * </pre>
 *
 * <p>Sitting before {@code OneMessagePerRead}, it sees each message as soon as it is decoded, while the message
 * may still wait its turn behind a pipelined exchange; its answer waits with it, so responses stay in order.
 *
 * <p>Timeouts (one timer per connection, re-armed only when it fires): a request head must arrive whole within
 * {@code requestHeaderTimeout} of its first byte (or, for a pipelined head begun in the read that ended the
 * previous request, of when the proxy starts waiting for it), however slowly the bytes trickle (the slowloris
 * defence), else 408; a read of the request body the proxy asked for must be answered within
 * {@code requestBodyTimeout}, else 408 (or the connection closed if the response has started). Time the proxy itself
 * spends not reading (waiting for the backend to take the body, or for the previous exchange to end) never counts,
 * nor does a client's wait for {@code 100 Continue}.
 */
public final class RequestValidator extends ChannelDuplexHandler {

    private enum Phase { HEAD, BODY, REQUEST_DONE, REJECTED, TUNNEL }

    private final RequestRules rules;
    private final ReadActivity readActivity = new ReadActivity(this);
    private ChannelHandlerContext ctx;
    private Phase phase = Phase.HEAD;
    private long bodyBytes;
    private int requests;
    /** When the first byte of the request head under way arrived; 0 if none has. */
    private long headStartNanos;
    /**
     * The request asked for {@code 100 Continue} and none of its body has come: the client may rightly wait for the
     * backend's answer before sending it (RFC 9110 §10.1.1), so the body timeout does not run yet.
     */
    private boolean awaitingContinue;
    /** Part of the next request's head came with the end of the previous request and waits in the codec. */
    private boolean nextHeadStarted;
    /** When the proxy asked for request body bytes that have not come yet; 0 if it is not waiting. */
    private long bodyReadSinceNanos;
    private ScheduledFuture<?> timer;
    private long timerDeadlineNanos;
    /** What the current read decoded, handed on when the read is complete. */
    private final List<HttpObject> batch = new ArrayList<>(4);
    /** Where in {@link #batch} the head of the request under way is, or -1 if it was handed on already. */
    private int headInBatch = -1;

    public RequestValidator(RequestRules rules) {
        this.rules = rules;
    }

    /** The handler to place in front of the codec, which tells this one when bytes arrive and reads are asked. */
    public ReadActivity readActivity() {
        return readActivity;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (phase == Phase.REJECTED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            onHead(request);
        } else if (msg instanceof HttpContent content) {
            onContent(content);
        } else {
            if (msg instanceof ByteBuf) {
                // The codec is gone: the connection is a tunnel now and no longer HTTP.
                enterTunnel();
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Hands on what this read decoded. Holding it until the read is complete costs nothing (same event-loop task)
     * and lets a request whose body is malformed within the same read be refused whole, before its head is routed.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushBatch();
        ctx.fireChannelReadComplete();
    }

    private void flushBatch() {
        headInBatch = -1;
        while (!batch.isEmpty()) {
            // Taken out before it is handed on: whatever happens downstream, it is never handed on or released twice.
            ctx.fireChannelRead(batch.remove(0));
        }
    }

    private void onHead(HttpRequest request) {
        headStartNanos = 0;
        nextHeadStarted = false;
        if (request.decoderResult().isFailure()) {
            phase = Phase.REJECTED;
            if (request.decoderResult().cause() instanceof PipelineDepthExceededException tooDeep) {
                // Well formed, refused for the proxy's capacity: 503, which a client may retry (RFC 9110 §15.6.4).
                request.setDecoderResult(DecoderResult.failure(
                        new RequestRejectedException(HttpResponseStatus.SERVICE_UNAVAILABLE, tooDeep.getMessage())));
            }
            batch.add(request);
            return;
        }
        RequestRejectedException rejected = RequestChecks.check(request, rules, ClientProtocol.HTTP_1);
        if (rejected != null) {
            phase = Phase.REJECTED;
            request.setDecoderResult(DecoderResult.failure(rejected));
            batch.add(request);
            return;
        }
        if (rules.dropUnderscoreHeaders()) {
            MessageHeads.dropUnderscoreHeaders(request.headers());
        }
        requests++;
        int maxRequests = rules.limits().maxRequestsPerConnection();
        if (maxRequests > 0 && requests >= maxRequests) {
            // The last request this connection serves: its response says so, and the connection closes after it.
            request.headers().add(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        bodyBytes = 0;
        awaitingContinue = HttpUtil.is100ContinueExpected(request);
        phase = Phase.BODY;
        headInBatch = batch.size();
        batch.add(request);
    }

    private void onContent(HttpContent content) {
        if (content.decoderResult().isFailure()) {
            Throwable cause = content.decoderResult().cause();
            if (cause instanceof TooLongHttpLineException) {
                // Netty's line limit is the request line's, but in a body the line is a chunk size and its
                // extensions (RFC 9112 §7.1.1): a malformed body, not a target too long for 414.
                cause = new RequestRejectedException(HttpResponseStatus.BAD_REQUEST, "bad request: a chunk line of"
                        + " more than " + rules.limits().maxRequestLineLength() + " bytes", true);
            }
            rejectBody(content, cause);
            return;
        }
        bodyBytes += content.content().readableBytes();
        long limit = rules.limits().maxBodySize();
        if (limit > 0 && bodyBytes > limit) {
            // A chunked body grew past the limit: the part forwarded so far is cut off and the exchange fails.
            rejectBody(content, new RequestRejectedException(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "content too large: more than " + limit + " bytes"));
            return;
        }
        RequestRejectedException trailers = content instanceof LastHttpContent last
                ? RequestChecks.checkTrailers(last.trailingHeaders(), rules) : null;
        if (trailers != null) {
            rejectBody(content, trailers);
            return;
        }
        if (content instanceof LastHttpContent) {
            phase = Phase.REQUEST_DONE;
            bodyReadSinceNanos = 0;
            headStartNanos = 0;
        }
        batch.add(content);
    }

    /**
     * The body of the request under way is refused. If its head is still held here, the request is refused whole
     * (nothing of it reaches a backend); else the exchange under way gets a failed end and aborts.
     */
    private void rejectBody(HttpContent content, Throwable cause) {
        phase = Phase.REJECTED;
        cancelTimer();
        content.release();
        if (headInBatch >= 0) {
            for (int i = batch.size() - 1; i > headInBatch; i--) {
                ReferenceCountUtil.release(batch.remove(i));
            }
            batch.get(headInBatch).setDecoderResult(DecoderResult.failure(cause));
            return;
        }
        DefaultLastHttpContent failed = new DefaultLastHttpContent();
        failed.setDecoderResult(DecoderResult.failure(cause));
        batch.add(failed);
    }

    /** Sends a failed message on to the connection handler in place of what the client did not (properly) send. */
    private void fail(HttpObject failed, HttpResponseStatus status, String message) {
        phase = Phase.REJECTED;
        cancelTimer();
        failed.setDecoderResult(DecoderResult.failure(new RequestRejectedException(status, message)));
        batch.add(failed);
        flushBatch();
    }

    // ---- timing, fed by ReadActivity -------------------------------------------------------------------------

    /** Bytes arrived from the client (before decoding). */
    void bytesArrived() {
        bodyReadSinceNanos = 0;
        if (phase == Phase.BODY) {
            awaitingContinue = false;
        }
        if (phase == Phase.REQUEST_DONE) {
            // Bytes after a complete request are the next one's.
            phase = Phase.HEAD;
        }
        if (phase == Phase.HEAD && headStartNanos == 0) {
            headStartNanos = System.nanoTime();
            armTimer(rules.limits().requestHeaderTimeout().toNanos());
        }
    }

    /**
     * A read's bytes went through the codec.
     *
     * @param partialHeadLeft whether the codec kept bytes it could not decode yet beyond the request it completed:
     *                        the start of a pipelined head, which is timed from when the proxy waits for it
     */
    void readDecoded(boolean partialHeadLeft) {
        if (phase == Phase.REQUEST_DONE && partialHeadLeft) {
            nextHeadStarted = true;
        }
    }

    /** A read from the socket was asked for. */
    void readRequested() {
        if (phase == Phase.REQUEST_DONE && nextHeadStarted) {
            // The proxy waits for the rest of a head it has part of: from now on the client is the one to blame.
            nextHeadStarted = false;
            phase = Phase.HEAD;
            headStartNanos = System.nanoTime();
            armTimer(rules.limits().requestHeaderTimeout().toNanos());
            return;
        }
        if (phase == Phase.BODY && !awaitingContinue && bodyReadSinceNanos == 0) {
            bodyReadSinceNanos = System.nanoTime();
            armTimer(rules.limits().requestBodyTimeout().toNanos());
        }
    }

    /**
     * Makes sure the timer fires by {@code delayNanos} from now. A timer already due by then stays: requests that
     * come quickly one after another share one timer, which looks at what is outstanding when it fires.
     */
    private void armTimer(long delayNanos) {
        long deadline = System.nanoTime() + delayNanos;
        if (timer != null) {
            if (deadline - timerDeadlineNanos >= 0) {
                return;
            }
            timer.cancel(false);
        }
        timerDeadlineNanos = deadline;
        timer = ctx.executor().schedule(this::checkTimeouts, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void checkTimeouts() {
        timer = null;
        if (!ctx.channel().isActive() || phase == Phase.REJECTED || phase == Phase.TUNNEL) {
            return;
        }
        if (ctx.pipeline().get(Http1ServerCodec.class) == null) {
            enterTunnel();
            return;
        }
        long now = System.nanoTime();
        long headerTimeout = rules.limits().requestHeaderTimeout().toNanos();
        long bodyTimeout = rules.limits().requestBodyTimeout().toNanos();
        if (phase == Phase.HEAD && headStartNanos != 0) {
            long waited = now - headStartNanos;
            if (waited >= headerTimeout) {
                // RFC 9110 §15.5.9: the client did not produce a request within the time the server waits.
                fail(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"),
                        HttpResponseStatus.REQUEST_TIMEOUT, "request timeout: the request head took longer than "
                                + rules.limits().requestHeaderTimeout().toMillis() + " ms");
                return;
            }
            armTimer(headerTimeout - waited);
        } else if (phase == Phase.BODY && bodyReadSinceNanos != 0) {
            long waited = now - bodyReadSinceNanos;
            if (waited >= bodyTimeout) {
                fail(new DefaultLastHttpContent(), HttpResponseStatus.REQUEST_TIMEOUT,
                        "request timeout: no request body bytes for "
                                + rules.limits().requestBodyTimeout().toMillis() + " ms");
                return;
            }
            armTimer(bodyTimeout - waited);
        }
    }

    private void enterTunnel() {
        phase = Phase.TUNNEL;
        cancelTimer();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        releaseBatch();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelTimer();
        releaseBatch();
    }

    private void releaseBatch() {
        batch.forEach(ReferenceCountUtil::release);
        batch.clear();
        headInBatch = -1;
    }
}
