package dev.bluegreen.proxy.internal.http2;

import dev.bluegreen.proxy.internal.request.ClientProtocol;
import dev.bluegreen.proxy.internal.request.MessageHeads;
import dev.bluegreen.proxy.internal.request.RequestChecks;
import dev.bluegreen.proxy.internal.request.RequestRejectedException;
import dev.bluegreen.proxy.internal.request.RequestRules;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The request of one HTTP/2 stream, as the client side expects a request: checked by the same rules as an HTTP/1.1
 * request ({@link RequestChecks}), and timed and limited the same way. One per stream, called by its
 * {@link Http2ServerStream} with each decoded message.
 *
 * <ul>
 *   <li>The head passes {@link RequestChecks} for {@link ClientProtocol#HTTP_2}; a refused head goes on with a failed
 *       {@code decoderResult()} and the rest of the stream's request is dropped.</li>
 *   <li>The body counts against {@code maxBodySize}, and a read of it the exchange asked for must be answered within
 *       {@code requestBodyTimeout}: else the exchange gets a failed end (413 or 408).</li>
 * </ul>
 */
final class Http2StreamRequests {

    private final RequestRules rules;
    private final EventExecutor executor;
    private final Consumer<HttpObject> failedEnds;
    private boolean rejected;
    private boolean headSeen;
    private boolean bodyComplete;
    private boolean closed;
    private long bodyBytes;
    /** When the exchange asked for body bytes that have not come yet; 0 if it is not waiting. */
    private long bodyReadSinceNanos;
    private ScheduledFuture<?> bodyTimer;

    /**
     * @param executor   the stream's event loop, where its body timer runs
     * @param failedEnds where the failed end of a request that stalled goes, in place of the rest of its body
     */
    Http2StreamRequests(RequestRules rules, EventExecutor executor, Consumer<HttpObject> failedEnds) {
        this.rules = rules;
        this.executor = executor;
        this.failedEnds = failedEnds;
    }

    /**
     * Checks the next message of the request.
     *
     * @return what goes on in its place: the message itself, a refused head (marked failed), a failed end in place of
     *         a piece past the body limit; {@code null} for what follows a refusal, which is released
     */
    HttpObject check(HttpObject msg) {
        if (rejected) {
            ReferenceCountUtil.release(msg);
            return null;
        }
        if (msg instanceof HttpRequest request) {
            headSeen = true;
            bodyComplete = Http2RequestDecoder.endsStream(request);
            onHead(request);
            return request;
        }
        if (msg instanceof HttpContent content) {
            return onContent(content);
        }
        return msg;
    }

    /** Checks a head; a refused one is marked failed. */
    private void onHead(HttpRequest request) {
        HttpHeaders headers = request.headers();
        RequestRejectedException rejection = RequestChecks.check(request, rules, ClientProtocol.HTTP_2);
        if (rejection != null) {
            rejected = true;
            request.setDecoderResult(DecoderResult.failure(rejection));
            return;
        }
        if (rules.dropUnderscoreHeaders()) {
            MessageHeads.dropUnderscoreHeaders(headers);
        }
    }

    private HttpObject onContent(HttpContent content) {
        bodyReadSinceNanos = 0;
        bodyBytes += content.content().readableBytes();
        long limit = rules.limits().maxBodySize();
        if (limit > 0 && bodyBytes > limit) {
            content.release();
            return fail(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "content too large: more than " + limit + " bytes");
        }
        if (content instanceof LastHttpContent last) {
            RequestRejectedException trailers = RequestChecks.checkTrailers(last.trailingHeaders(), rules);
            if (trailers != null) {
                content.release();
                return fail(trailers.status(), trailers.getMessage());
            }
            bodyComplete = true;
            cancelTimer();
        }
        return content;
    }

    /**
     * The exchange asks for more of the body and none is waiting: the client has the body timeout to send some. The
     * first read, for the head, is not timed (a stream exists only once its HEADERS frame has come), nor is any read
     * of a request whose head ended the stream, as a GET's does: no timer to schedule and cancel per stream.
     */
    void readAsked() {
        if (headSeen && !bodyComplete && !rejected && !closed && bodyReadSinceNanos == 0) {
            bodyReadSinceNanos = System.nanoTime();
            if (bodyTimer == null) {
                long timeout = rules.limits().requestBodyTimeout().toNanos();
                bodyTimer = executor.schedule(this::checkBodyTimeout, timeout, TimeUnit.NANOSECONDS);
            }
        }
    }

    private void checkBodyTimeout() {
        bodyTimer = null;
        if (bodyComplete || rejected || closed || bodyReadSinceNanos == 0) {
            return;
        }
        long timeout = rules.limits().requestBodyTimeout().toNanos();
        long waited = System.nanoTime() - bodyReadSinceNanos;
        if (waited >= timeout) {
            failedEnds.accept(fail(HttpResponseStatus.REQUEST_TIMEOUT, "request timeout: no request body bytes for "
                    + rules.limits().requestBodyTimeout().toMillis() + " ms"));
            return;
        }
        bodyTimer = executor.schedule(this::checkBodyTimeout, timeout - waited, TimeUnit.NANOSECONDS);
    }

    /** A failed end, in place of what the client did not (properly) send; nothing after it goes on. */
    private LastHttpContent fail(HttpResponseStatus status, String message) {
        rejected = true;
        cancelTimer();
        LastHttpContent failed = new DefaultLastHttpContent();
        failed.setDecoderResult(DecoderResult.failure(new RequestRejectedException(status, message)));
        return failed;
    }

    /** The stream is gone: its timer with it. */
    void close() {
        closed = true;
        cancelTimer();
    }

    private void cancelTimer() {
        if (bodyTimer != null) {
            bodyTimer.cancel(false);
            bodyTimer = null;
        }
    }
}
