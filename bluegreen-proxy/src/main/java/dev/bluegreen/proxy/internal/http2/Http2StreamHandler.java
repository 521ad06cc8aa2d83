package dev.bluegreen.proxy.internal.http2;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.exchange.ClientSideHandler;
import dev.bluegreen.proxy.internal.exchange.LoopContexts;
import dev.bluegreen.proxy.internal.grpc.GrpcCallRecorder;
import dev.bluegreen.proxy.internal.grpc.GrpcCallSource;
import dev.bluegreen.proxy.internal.request.ClientAddress;
import dev.bluegreen.proxy.internal.request.ClientProtocol;
import dev.bluegreen.proxy.internal.request.RequestRejectedException;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last handler of one HTTP/2 stream: its one request, as an exchange. The connection it belongs to is counted,
 * idled and closed by {@link Http2ClientConnection}.
 *
 * <pre>
 * stream channel:  Http2RequestDecoder → Http2ClientStreamCodec → GrpcCallEnd → Http2StreamRequests
 *                      → OneMessagePerRead → Http2StreamHandler
 * </pre>
 *
 * <ul>
 *   <li>A malformed request resets the stream with {@code PROTOCOL_ERROR} (RFC 9113 §8.1.1); a request refused by
 *       policy (a limit, a host not served here) is answered with its status.</li>
 *   <li>A response that ends while the client is still sending its request is followed by {@code RST_STREAM
 *       NO_ERROR}, which asks the client to stop sending without error (RFC 9113 §8.1); a response cut short resets
 *       the stream ({@code CANCEL}).</li>
 *   <li>Interim responses go out as a HEADERS frame of their own (RFC 9113 §8.1); a stream never upgrades.</li>
 * </ul>
 */
public final class Http2StreamHandler extends ClientSideHandler implements GrpcCallRecorder {

    private static final Logger log = LoggerFactory.getLogger(Http2StreamHandler.class);

    private final Http2ClientConnection connection;

    /**
     * @param loops      the event loops' services
     * @param connection the handler of the connection the stream belongs to
     */
    public Http2StreamHandler(LoopContexts loops, Http2ClientConnection connection) {
        super(loops, ClientProtocol.HTTP_2);
        this.connection = connection;
    }

    @Override
    protected Channel connection(ChannelHandlerContext ctx) {
        return ctx.channel().parent();
    }

    /** The connection's, shared by its streams: not made again (nor its {@code Forwarded} element) per stream. */
    @Override
    protected ClientAddress clientAddress(Channel connection) {
        return this.connection.clientAddress();
    }

    @Override
    protected void reject(RequestRejectedException rejection) {
        loop().services().recorder().get().requestRejected(rejection.status().code());
        log.debug("{}: {} {}", ctx().channel(), rejection.status().code(), rejection.getMessage());
        if (rejection.malformed()) {
            reset(Http2Error.PROTOCOL_ERROR);
            return;
        }
        afterExchange(answer(rejection.status(), rejection.getMessage(), false), true);
    }

    @Override
    public void writeInterim(HttpResponse interim) {
        ctx().writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, interim.status(),
                Unpooled.EMPTY_BUFFER, interim.headers(), EmptyHttpHeaders.INSTANCE), ctx().voidPromise());
    }

    @Override
    public ChannelHandlerContext startTunnel(HttpResponse switching) {
        throw new IllegalStateException("an HTTP/2 stream does not switch protocols (RFC 9113 §8.6)");
    }

    @Override
    protected void afterExchange(ChannelFuture lastWrite, boolean close) {
        if (lastWrite == null) {
            // The response was cut short: the client must not take what it got for the whole of it.
            ctx().close();
        } else if (!lastWrite.isVoid()) {
            // If the client is still sending (an early answer, a refusal), ask it to stop.
            lastWrite.addListener(written -> {
                if (ctx().channel().isActive()) {
                    reset(Http2Error.NO_ERROR);
                }
            });
        }
    }

    /**
     * A reset of the stream. Also what a gRPC call cut short gets, unless {@link
     * dev.bluegreen.proxy.internal.grpc.GrpcCallEnd} ends it first as {@code UNAVAILABLE}.
     */
    private void reset(Http2Error error) {
        ctx().writeAndFlush(new DefaultHttp2ResetFrame(error)).addListener(written -> ctx().close());
    }

    /** A gRPC call on this stream ended: recorded against the colour that served it, if any did. */
    @Override
    public void callEnded(int status, GrpcCallSource source) {
        Colour colour = exchangeColour();
        if (colour != null && loop() != null) {
            loop().services().recorder().get().grpcCallEnded(colour, status, source);
        }
    }

    /** The stream's own connection is the HTTP/2 connection's business: a stream is never asked to drain. */
    @Override
    public boolean isDraining() {
        return false;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Http2Exception protocolError = Http2CodecUtil.getEmbeddedHttp2Exception(cause);
        if (protocolError != null || cause instanceof io.netty.handler.codec.DecoderException) {
            // The stream codec could not turn the request into HTTP (pseudo-header fields missing or wrong).
            log.debug("{}: malformed request: {}", ctx.channel(), cause.toString());
            loop().services().recorder().get().requestRejected(400);
            reset(Http2Error.PROTOCOL_ERROR);
            return;
        }
        log.debug("{}: HTTP/2 stream failed", ctx.channel(), cause);
        ctx.close();
    }
}
