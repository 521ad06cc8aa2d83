package dev.bluegreen.proxy.internal.http2;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.codec.Http2ClientStreamCodec;
import dev.bluegreen.proxy.internal.exchange.AbstractClientSide;
import dev.bluegreen.proxy.internal.grpc.GrpcCallEnd;
import dev.bluegreen.proxy.internal.grpc.GrpcCallRecorder;
import dev.bluegreen.proxy.internal.grpc.GrpcCallSource;
import dev.bluegreen.proxy.internal.mirror.MirrorTap;
import dev.bluegreen.proxy.internal.request.ClientAddress;
import dev.bluegreen.proxy.internal.request.ClientProtocol;
import dev.bluegreen.proxy.internal.request.ErrorResponses;
import dev.bluegreen.proxy.internal.request.RequestRejectedException;
import dev.bluegreen.proxy.internal.request.TrailerFields;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Connection;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2Stream;
import io.netty.handler.codec.http2.Http2StreamFrame;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 stream of a client connection: its one request, as an exchange, and its response. A stream has no
 * channel of its own: {@link Http2ClientConnection} hands it the frames of its stream, and it writes its response
 * through the connection's frame codec.
 *
 * <pre>
 * frames in:   Http2RequestDecoder → Http2StreamRequests (checks, limits, body timer) → one message per read()
 *                  [→ MirrorTap] → the exchange
 * frames out:  the exchange [→ MirrorTap] → GrpcCallEnd → Http2ClientStreamCodec → the connection's frame codec
 * </pre>
 *
 * <ul>
 *   <li>The request is read as the exchange asks for it, a message at a time: its DATA is taken from the stream's
 *       flow-control window only then, so a client sends a body only as fast as the backend takes it.</li>
 *   <li>A malformed request resets the stream with {@code PROTOCOL_ERROR} (RFC 9113 §8.1.1); a request refused by
 *       policy (a limit, a host not served here) is answered with its status.</li>
 *   <li>A response that ends while the client is still sending its request is followed by {@code RST_STREAM
 *       NO_ERROR}, which asks the client to stop sending without error (RFC 9113 §8.1); a response cut short resets
 *       the stream ({@code CANCEL}), after what {@link GrpcCallEnd} writes to end a gRPC call.</li>
 *   <li>Interim responses go out as a HEADERS frame of their own (RFC 9113 §8.1); a stream never upgrades.</li>
 * </ul>
 */
final class Http2ServerStream extends AbstractClientSide implements Http2RequestDecoder.Output, GrpcCallRecorder {

    private static final Logger log = LoggerFactory.getLogger(Http2ServerStream.class);

    private final Http2ClientConnection connection;
    private final ChannelHandlerContext ctx;
    private final Http2FrameStream frameStream;
    private final Http2Stream stream;
    private final Http2Connection codecConnection;
    private final Http2ClientStreamCodec streamCodec;
    private final Http2RequestDecoder decoder = new Http2RequestDecoder();
    private final Http2StreamRequests requests;
    private final GrpcCallEnd grpc = new GrpcCallEnd(this);
    /** Shadow traffic's, or {@code null} when it is off. */
    private final MirrorTap mirror;
    /** Messages decoded before the exchange asked for them; made when the first one comes (a GET's never does). */
    private ArrayDeque<HttpObject> waiting;
    /** The exchange asked for a message that has not arrived yet. */
    private boolean demand;
    private boolean reset;
    private boolean ended;
    /** The connection will tell this stream when it may be writable again. */
    private boolean awaitingWritable;
    /** The error code of the backend's reset of its stream mid-response, for the cut to relay; -1 if none. */
    private long upstreamReset = -1;

    /**
     * @param ctx         the context of the connection's handler, through which the stream writes
     * @param frameStream the codec's stream, from the frame that opened it
     */
    Http2ServerStream(Http2StreamServices services, Http2ClientConnection connection, ChannelHandlerContext ctx,
            Http2FrameStream frameStream, Http2Connection codecConnection) {
        super(services.loops(), ClientProtocol.HTTP_2);
        this.connection = connection;
        this.ctx = ctx;
        this.frameStream = frameStream;
        this.codecConnection = codecConnection;
        this.stream = codecConnection.stream(frameStream.id());
        this.streamCodec = services.streamCodec();
        this.requests = new Http2StreamRequests(services.rules(), ctx.executor(), this::deliver);
        this.mirror = services.mirror() == null ? null : services.mirror().newTap(this::colourUnderWay);
        opened(ctx.channel());
        demand = true;
    }

    /** The connection's, shared by its streams: not made again (nor its {@code Forwarded} element) per stream. */
    @Override
    protected ClientAddress clientAddress(Channel channel) {
        return connection.clientAddress();
    }

    /** A frame of this stream from the client. */
    void onFrame(Http2StreamFrame frame) {
        if (reset || ended) {
            release(frame);
        } else if (frame instanceof Http2HeadersFrame headers) {
            decoder.headers(headers, this);
        } else if (frame instanceof Http2DataFrame data) {
            int padding = data.initialFlowControlledBytes() - data.content().readableBytes();
            HttpContent content = Http2RequestDecoder.content(data);
            // The padding is nobody's to read: back to the window at once; the data as the exchange takes it.
            consume(padding);
            message(content);
        } else {
            ReferenceCountUtil.release(frame);
        }
    }

    /** Releases a frame that comes after the stream was reset or ended, and gives its bytes back to the window. */
    private void release(Http2StreamFrame frame) {
        if (frame instanceof Http2DataFrame data) {
            consume(data.initialFlowControlledBytes());
        }
        ReferenceCountUtil.release(frame);
    }

    /** A decoded message of the request: checked, then to the exchange, or kept until it asks. */
    @Override
    public void message(HttpObject msg) {
        if (msg instanceof HttpRequest request) {
            grpc.requestHead(request);
        }
        int bytes = bodyBytes(msg);
        HttpObject checked = requests.check(msg);
        if (checked != msg) {
            // Dropped after a refusal, or a failed end in its place: its bytes go back to the window now.
            consume(bytes);
        }
        if (checked != null) {
            deliver(checked);
        }
    }

    private void deliver(HttpObject msg) {
        if (demand && (waiting == null || waiting.isEmpty())) {
            demand = false;
            pass(msg);
        } else {
            if (waiting == null) {
                waiting = new ArrayDeque<>(4);
            }
            waiting.add(msg);
        }
    }

    /** Hands the exchange its next message (through the mirror's tap), and opens the window by what it took. */
    private void pass(HttpObject msg) {
        int bytes = bodyBytes(msg);
        if (mirror == null) {
            received(msg);
        } else if (msg instanceof HttpRequest request) {
            mirror.headArriving(request, ctx.executor(), ctx.alloc());
            received(request);
            mirror.headPassed(request);
        } else {
            mirror.requestContent(msg);
            received(msg);
        }
        consume(bytes);
    }

    /** The body bytes {@code msg} carries, which the stream's window counts; none for a head. */
    private static int bodyBytes(HttpObject msg) {
        return msg instanceof HttpContent content ? content.content().readableBytes() : 0;
    }

    @Override
    public void read() {
        HttpObject next = waiting == null ? null : waiting.poll();
        if (next != null) {
            pass(next);
            return;
        }
        demand = true;
        requests.readAsked();
    }

    /** Gives {@code bytes} of the stream's DATA back to the client's window (and the connection's). */
    private void consume(int bytes) {
        if (bytes <= 0 || ended) {
            return;
        }
        try {
            if (codecConnection.local().flowController().consumeBytes(stream, bytes)) {
                ctx.flush();
            }
        } catch (Http2Exception e) {
            log.debug("{}: could not return {} bytes to the window", this, bytes, e);
        }
    }

    /** The request is malformed: counted as refused (400), and the stream reset. */
    @Override
    public void malformed(String why) {
        log.debug("{}: malformed request: {}", this, why);
        loop().services().recorder().get().requestRejected(HttpResponseStatus.BAD_REQUEST.code());
        reset(Http2Error.PROTOCOL_ERROR);
    }

    /**
     * The frame codec found a stream error (RFC 9113 §5.4.2): the stream is reset with the error's own code. Only a
     * {@code PROTOCOL_ERROR} means a malformed request (counted as refused, 400); another code is the client breaking
     * the protocol's flow control (a {@code FLOW_CONTROL_ERROR}: DATA beyond the stream's window, a WINDOW_UPDATE
     * that overflows it, RFC 9113 §6.9, §6.9.1) or the like, which is no request to count.
     */
    void streamError(Http2Error error, String why) {
        if (error == Http2Error.PROTOCOL_ERROR) {
            malformed(why);
            return;
        }
        log.debug("{}: stream error {}: {}", this, error, why);
        reset(error);
    }

    /** Handling a frame of this stream failed unexpectedly (a bug): the stream is reset, the connection goes on. */
    void failed(RuntimeException cause) {
        log.warn("{}: failed on a frame from the client; resetting the stream", this, cause);
        reset(Http2Error.INTERNAL_ERROR);
    }

    @Override
    protected void reject(RequestRejectedException rejection) {
        loop().services().recorder().get().requestRejected(rejection.status().code());
        log.debug("{}: {} {}", this, rejection.status().code(), rejection.getMessage());
        if (rejection.malformed()) {
            reset(Http2Error.PROTOCOL_ERROR);
            return;
        }
        afterExchange(answer(rejection.status(), rejection.getMessage(), false), true);
    }

    @Override
    public void write(HttpObject part) {
        writeFrames(part, ctx.voidPromise());
    }

    @Override
    public ChannelFuture writeLast(HttpObject last, boolean awaited) {
        if (last instanceof LastHttpContent end) {
            // The one place a response's trailers pass on their way to an HTTP/2 client.
            TrailerFields.strip(end.trailingHeaders(), this);
        }
        ChannelPromise promise = awaited ? ctx.newPromise() : ctx.voidPromise();
        writeFrames(last, promise);
        ctx.flush();
        return promise;
    }

    /**
     * Writes one message of the response as its frames, the last of them with {@code promise}. Nothing is written
     * once the stream is gone or reset (the promise fails): its frames would only fail in the codec.
     */
    private void writeFrames(Object msg, ChannelPromise promise) {
        if (mirror != null) {
            mirror.writing(msg);
        }
        grpc.writing(msg);
        if (ended || reset) {
            ReferenceCountUtil.release(msg);
            fail(promise, new IllegalStateException("the stream has ended or was reset"));
            return;
        }
        if (msg instanceof Http2ResetFrame resetFrame) {
            ctx.write(resetFrame.stream(frameStream), promise);
            return;
        }
        List<Object> frames = new ArrayList<>(2);
        try {
            streamCodec.frames(ctx, (HttpObject) msg, frames);
        } catch (Exception e) {
            // A response head HTTP/2 can't carry: the client must not take what it gets for the response.
            log.debug("{}: response not convertible to HTTP/2", this, e);
            fail(promise, e);
            reset(Http2Error.INTERNAL_ERROR);
            return;
        } finally {
            // The frames hold what they need of it (the body, retained).
            ReferenceCountUtil.release(msg);
        }
        for (int i = 0, last = frames.size() - 1; i <= last; i++) {
            Http2StreamFrame frame = ((Http2StreamFrame) frames.get(i)).stream(frameStream);
            ctx.write(frame, i == last ? promise : ctx.voidPromise());
        }
    }

    /**
     * Fails a write that did not happen. Not a void promise: failing one fires the failure down the connection's
     * pipeline, whose last handler closes the connection, every other stream with it.
     */
    private static void fail(ChannelPromise promise, Throwable cause) {
        if (!promise.isVoid()) {
            promise.tryFailure(cause);
        }
    }

    @Override
    public void flush() {
        ctx.flush();
    }

    /**
     * Whether the socket and the stream's window take writes now. When they don't, the connection tells the stream
     * (and so its exchange) at its next chance that they may again.
     */
    @Override
    public boolean isWritable() {
        if (ended) {
            return false;
        }
        boolean writable = ctx.channel().isWritable() && codecConnection.remote().flowController().isWritable(stream);
        if (!writable && !awaitingWritable) {
            awaitingWritable = true;
            connection.awaitWritable(this);
        }
        return writable;
    }

    @Override
    public ChannelFuture answer(HttpResponseStatus status, String message, boolean close,
                                Consumer<HttpHeaders> fields) {
        FullHttpResponse answer = ErrorResponses.of(ctx.alloc(), status, message, close);
        fields.accept(answer.headers());
        return writeLast(answer, true);
    }

    @Override
    public void writeInterim(HttpResponse interim) {
        writeFrames(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, interim.status(), Unpooled.EMPTY_BUFFER,
                interim.headers(), EmptyHttpHeaders.INSTANCE), ctx.voidPromise());
        ctx.flush();
    }

    @Override
    public ChannelHandlerContext startTunnel(HttpResponse switching) {
        throw new IllegalStateException("an HTTP/2 stream does not switch protocols (RFC 9113 §8.6)");
    }

    @Override
    protected void afterExchange(ChannelFuture lastWrite, boolean close) {
        if (lastWrite == null) {
            // The response was cut short: the client must not take what it got for the whole of it.
            cut();
        } else if (!lastWrite.isVoid()) {
            // If the client is still sending (an early answer, a refusal), ask it to stop.
            lastWrite.addListener(written -> reset(Http2Error.NO_ERROR));
        }
    }

    /**
     * Ends a response cut short: with the backend's own reset when it reset its stream, else a gRPC call with what
     * {@link GrpcCallEnd} gives, then a reset.
     */
    private void cut() {
        if (upstreamReset >= 0 && !ended) {
            grpc.backendReset(upstreamReset);
            reset(upstreamReset);
            return;
        }
        Object end = ended ? null : grpc.cut();
        if (end == null) {
            reset(Http2Error.CANCEL);
            return;
        }
        ChannelPromise written = ctx.newPromise();
        writeFrames(end, written);
        ctx.flush();
        written.addListener(done -> reset(Http2Error.CANCEL));
    }

    @Override
    public void abandon() {
        reset(Http2Error.CANCEL);
    }

    @Override
    public void upstreamReset(long errorCode) {
        upstreamReset = errorCode;
    }

    /** Resets the stream, unless it has ended already; what is still waiting to be read goes. */
    private void reset(Http2Error error) {
        reset(error.code());
    }

    private void reset(long errorCode) {
        if (reset || ended) {
            return;
        }
        reset = true;
        releaseWaiting();
        Http2ResetFrame frame = new DefaultHttp2ResetFrame(errorCode).stream(frameStream);
        // Told like any write: after a reset of its own no call took place, or its end went out already.
        grpc.writing(frame);
        ctx.writeAndFlush(frame, ctx.voidPromise());
    }

    /** The stream, which could not be written, may be now: its exchange goes on if so. */
    void mayBeWritable() {
        awaitingWritable = false;
        if (isWritable()) {
            writable();
        }
    }

    /** The stream closed (both sides ended, or reset by either side), or its connection did. */
    void ended() {
        if (ended) {
            return;
        }
        ended = true;
        releaseWaiting();
        requests.close();
        grpc.streamClosed();
        if (mirror != null) {
            mirror.abandonLive();
        }
        closed();
    }

    private void releaseWaiting() {
        if (waiting != null) {
            HttpObject msg;
            while ((msg = waiting.poll()) != null) {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /** A gRPC call on this stream ended: recorded against the colour that served it, if any did. */
    @Override
    public void callEnded(int status, GrpcCallSource source) {
        Colour colour = exchangeColour();
        if (colour != null) {
            loop().services().recorder().get().grpcCallEnded(colour, status, source);
        }
    }

    /** The stream's own connection is the HTTP/2 connection's business: a stream is never asked to drain. */
    @Override
    public boolean isDraining() {
        return false;
    }

    @Override
    public String toString() {
        return ctx.channel() + " stream " + frameStream.id();
    }
}
