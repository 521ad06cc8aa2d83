package dev.bluegreen.proxy.internal.upstream;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.grpc.GrpcHeaders;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One stream of an HTTP/2 connection to a backend, as the exchange using it sees it: the request goes out as HTTP/1.1
 * messages that the stream codec turns into frames, the response comes back the same way. It serves one exchange and
 * is never reused: {@link #release} closes the stream (with {@code RST_STREAM CANCEL} if it is not done).
 *
 * <pre>
 * upstream stream:  Http2StreamFrameToHttpObjectCodec → Http2Upstream ⇄ the exchange (an UpstreamListener)
 * </pre>
 *
 * <p>What the stream codec hands up is made to look like what the HTTP/1.1 codec would: a response that ends with its
 * HEADERS frame (a 1xx, a body-less answer, a gRPC "trailers-only" answer) becomes a head and an end, the end carrying
 * the gRPC status fields as trailers (gRPC over HTTP/2, "Trailers-Only"); the codec's stream-id header is dropped.
 * A gRPC request gets {@code te: trailers}, which gRPC servers expect to see (the proxy relays trailers).
 */
final class Http2Upstream extends ChannelInboundHandlerAdapter implements Upstream {

    private static final Logger log = LoggerFactory.getLogger(Http2Upstream.class);
    private static final String STREAM_ID = HttpConversionUtil.ExtensionHeaderNames.STREAM_ID.text().toString();

    private final Colour colour;
    private final Backend backend;
    private final boolean reused;
    private final Runnable onClosed;
    private Channel channel;
    private UpstreamListener listener;
    private boolean closed;
    private boolean refused;
    /** The error code of the backend's RST_STREAM, or -1 if it sent none. */
    private long resetCode = -1;
    /** The backend's SETTINGS_MAX_HEADER_LIST_SIZE when the request's header fields were over it (not sent); or -1. */
    private long headerListLimit = -1;
    /** A request head queued without a flush, not yet written; see {@link #send}. */
    private HttpRequest heldHead;

    /**
     * @param reused   whether its connection carried streams before it (a connection the backend may have closed)
     * @param onClosed runs once, when the stream is closed (its connection counts its streams)
     */
    Http2Upstream(Colour colour, Backend backend, boolean reused, Runnable onClosed) {
        this.colour = colour;
        this.backend = backend;
        this.reused = reused;
        this.onClosed = onClosed;
    }

    @Override
    public Colour colour() {
        return colour;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public boolean reused() {
        return reused;
    }

    @Override
    public boolean refused() {
        return refused;
    }

    @Override
    public String endedAs() {
        if (headerListLimit >= 0) {
            return "refused the request's header fields as larger than its SETTINGS_MAX_HEADER_LIST_SIZE ("
                    + headerListLimit + " bytes)";
        }
        if (resetCode < 0) {
            return Upstream.super.endedAs();
        }
        Http2Error error = Http2Error.valueOf(resetCode);
        return "reset the stream (" + (error == null ? "error code " + resetCode : error.name()) + ")";
    }

    @Override
    public HttpResponseStatus answerStatus() {
        return headerListLimit >= 0 ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                : HttpResponseStatus.BAD_GATEWAY;
    }

    @Override
    public long resetCode() {
        return resetCode;
    }

    @Override
    public void attach(UpstreamListener listener) {
        this.listener = listener;
    }

    @Override
    public void detach() {
        listener = null;
    }

    @Override
    public void write(HttpObject message) {
        send(message, false);
    }

    @Override
    public void writeAndFlush(HttpObject message) {
        send(message, true);
    }

    /**
     * A head queued without a flush (the exchange does that for a request without a body) waits for what follows: if
     * that is an empty end, both go as one HEADERS frame that ends the stream, as HTTP/2 clients send a GET. Sent as
     * HEADERS and then an empty DATA frame ending the stream, such a request makes a backend that has just sent GOAWAY
     * see a DATA frame on a stream it never took, which some (Netty's) take as a connection error, closing the
     * connection with the responses under way.
     */
    private void send(HttpObject message, boolean flush) {
        prepare(message);
        if (heldHead == null && !flush && message instanceof HttpRequest head
                && !(message instanceof FullHttpRequest)) {
            heldHead = head;
            return;
        }
        HttpObject outgoing = message;
        if (heldHead != null) {
            HttpRequest head = heldHead;
            heldHead = null;
            if (message instanceof LastHttpContent end && !end.content().isReadable()
                    && end.trailingHeaders().isEmpty()) {
                end.release();
                outgoing = new DefaultFullHttpRequest(head.protocolVersion(), head.method(), head.uri(),
                        Unpooled.EMPTY_BUFFER, head.headers(), EmptyHttpHeaders.INSTANCE);
            } else {
                channel.write(head, channel.voidPromise());
            }
        }
        if (flush) {
            channel.writeAndFlush(outgoing, channel.voidPromise());
        } else {
            channel.write(outgoing, channel.voidPromise());
        }
    }

    private static void prepare(HttpObject message) {
        if (message instanceof HttpRequest request && GrpcHeaders.isGrpc(request.headers())) {
            // The TE of the client's request was stripped as hop-by-hop; gRPC's own rule puts it back on this hop.
            request.headers().set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        }
    }

    @Override
    public void read() {
        channel.read();
    }

    @Override
    public boolean isWritable() {
        return channel.isWritable();
    }

    @Override
    public void release(boolean reusable) {
        // A stream serves one exchange. Closing a stream that is done sends nothing; one that is not is reset (CANCEL),
        // which ends only this stream, not its connection.
        listener = null;
        heldHead = null;
        channel.close();
    }

    @Override
    public Channel startTunnel() {
        throw new IllegalStateException("an HTTP/2 stream to a backend does not switch protocols (RFC 9113 §8.6)");
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof FullHttpResponse full) {
            try {
                deliverWhole(full);
            } finally {
                full.release();
            }
        } else if (msg instanceof HttpResponse response) {
            response.headers().remove(STREAM_ID);
            deliver(response);
        } else if (msg instanceof HttpContent content) {
            deliver(content);
        } else {
            // A frame the stream codec does not decode.
            ReferenceCountUtil.release(msg);
        }
    }

    /** A response that ended with its HEADERS frame: a head and an end, as the HTTP/1.1 codec would give them. */
    private void deliverWhole(FullHttpResponse full) {
        full.headers().remove(STREAM_ID);
        HttpResponse head = new DefaultHttpResponse(full.protocolVersion(), full.status());
        LastHttpContent end = new DefaultLastHttpContent();
        if (GrpcHeaders.isTrailersOnly(full.status().code(), full.headers())) {
            // gRPC's Trailers-Only: all but the content type are the call's trailers, and must reach a gRPC client
            // as trailers (a HEADERS frame that ends the stream), not as the head of a response with no end.
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, full.headers().get(HttpHeaderNames.CONTENT_TYPE));
            end.trailingHeaders().set(full.headers()).remove(HttpHeaderNames.CONTENT_TYPE);
        } else {
            head.headers().set(full.headers());
        }
        if (deliver(head)) {
            deliver(end);
        }
    }

    /** @return whether a listener took it (else it was released) */
    private boolean deliver(HttpObject message) {
        UpstreamListener current = listener;
        if (current == null) {
            ReferenceCountUtil.release(message);
            return false;
        }
        current.onUpstreamMessage(message);
        return true;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        UpstreamListener current = listener;
        if (current != null) {
            current.onUpstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        UpstreamListener current = listener;
        if (current != null && ctx.channel().isWritable()) {
            current.onUpstreamWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        // A GOAWAY that leaves this stream out (it was not processed): the connection closes it next, and the
        // exchange hears of it as a close before any response, which it may send again.
        if (evt instanceof Http2GoAwayFrame) {
            refused = true;
        }
        // The backend's RST_STREAM comes as an event, not a read (Http2MultiplexHandler: it is not flow-controlled);
        // the stream's close follows. REFUSED_STREAM: not processed, so it may be sent again (RFC 9113 §8.7).
        if (evt instanceof Http2ResetFrame reset) {
            refused |= reset.errorCode() == Http2Error.REFUSED_STREAM.code();
            resetCode = reset.errorCode();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        refused |= leftOutOfGoAway();
        streamClosed();
        UpstreamListener current = listener;
        listener = null;
        if (current != null) {
            current.onUpstreamClosed();
        }
    }

    /**
     * Whether the backend's GOAWAY left this stream out (its id above the last one the GOAWAY named, or no id: never
     * sent). The codec tells a stream so with an event only while it is still open, and it closes such streams first
     * when it takes the GOAWAY in; the connection's own record says it in every case.
     */
    private boolean leftOutOfGoAway() {
        Channel connection = channel.parent();
        Http2FrameCodec codec = connection == null ? null : connection.pipeline().get(Http2FrameCodec.class);
        if (codec == null || !codec.connection().goAwayReceived()) {
            return false;
        }
        int id = ((Http2StreamChannel) channel).stream().id();
        return id < 0 || id > codec.connection().local().lastStreamKnownByPeer();
    }

    private long peerMaxHeaderListSize() {
        Channel connection = channel.parent();
        Http2FrameCodec codec = connection == null ? null : connection.pipeline().get(Http2FrameCodec.class);
        return codec == null ? 0 : codec.encoder().configuration().headersConfiguration().maxHeaderListSize();
    }

    /** The stream is gone: its connection counts one stream less. Runs once. */
    void streamClosed() {
        if (!closed) {
            closed = true;
            onClosed.run();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (Http2CodecUtil.getEmbeddedHttp2Exception(cause) instanceof Http2Exception.HeaderListSizeException) {
            // The frame codec would not encode the request's HEADERS: the backend's SETTINGS said it takes no more
            // (RFC 9113 §6.5.2). Nothing went out (no reset either: the backend never saw the stream); the request
            // can't be sent as it is, to this backend or likely to its peers: 431, not a 502 blaming the backend.
            headerListLimit = peerMaxHeaderListSize();
        }
        if (cause instanceof IOException || cause.getCause() instanceof SSLException
                || Http2CodecUtil.getEmbeddedHttp2Exception(cause) != null) {
            log.debug("{}: HTTP/2 stream to {}/{} failed", ctx.channel(), colour.label(), backend, cause);
        } else {
            log.warn("{}: HTTP/2 stream to {}/{} failed in the proxy", ctx.channel(), colour.label(), backend, cause);
        }
        UpstreamListener current = listener;
        if (current != null) {
            current.onUpstreamFailure(cause);
        }
        ctx.close();
    }

    @Override
    public String toString() {
        return colour.label() + "/" + backend + " " + channel;
    }
}
