package dev.bluegreen.proxy.internal.health;

import dev.bluegreen.core.Backend;
import dev.bluegreen.proxy.HealthCheckSettings;
import dev.bluegreen.proxy.internal.codec.Http2Codecs;
import dev.bluegreen.proxy.internal.codec.RefusedPush;
import dev.bluegreen.proxy.internal.grpc.GrpcHeaders;
import dev.bluegreen.proxy.internal.grpc.GrpcHealthMessages;
import dev.bluegreen.proxy.internal.grpc.GrpcStatus;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.group.ChannelGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * One active check of one backend that speaks HTTP/2, on one event loop: a new connection (h2c with prior knowledge,
 * or TLS where the backend must pick h2 through ALPN), one stream, and the verdict. An HTTP check sends
 * {@code GET <path>} and judges the response's status; a gRPC check calls {@code grpc.health.v1.Health/Check} and
 * passes only on {@code grpc-status 0} with {@code SERVING}. Nothing blocks; the whole check, connect included, is
 * bounded by the settings' timeout.
 *
 * <pre>
 * check connection:  [SslHandler →] Http2FrameCodec → Http2MultiplexHandler → End (frames released, failures)
 * its one stream:    Http2StreamFrameToHttpObjectCodec → Http2HealthProbe.Answer
 * </pre>
 */
final class Http2HealthProbe {

    private static final String NO_H2 = "the backend did not agree to h2 through ALPN";
    /** The name of the connection's last handler, which the HTTP/2 handlers go before. */
    private static final String END = "end";
    /** The most body bytes a gRPC check reads: a health answer is a few bytes. */
    private static final int MAX_ANSWER_BYTES = 1024;
    /** Where a frame's type is in its header (after the 24-bit length), and the type the first frame must have. */
    private static final int FRAME_TYPE_OFFSET = 3;
    private static final int SETTINGS_FRAME = 0x4;
    /** The most characters of a non-HTTP/2 answer a verdict quotes. */
    private static final int FIRST_LINE_CHARS = 40;

    private final Backend backend;
    private final HealthCheckSettings settings;
    private final SslContext tls;
    private final ProbeVerdict verdict = new ProbeVerdict();
    private Channel channel;

    private Http2HealthProbe(Backend backend, HealthCheckSettings settings, SslContext tls) {
        this.backend = backend;
        this.settings = settings;
        this.tls = tls;
    }

    /**
     * Checks {@code backend} at {@code address} from {@code loop}.
     *
     * @param bootstrap a bootstrap with the channel type set; it is cloned onto {@code loop}
     * @param tls       TLS offering h2 through ALPN, or {@code null} for h2c
     * @param open      where the check's connection is kept while open
     * @return the verdict; completes on {@code loop}, never exceptionally
     */
    static CompletableFuture<HealthProbe.Result> run(Bootstrap bootstrap, EventLoop loop, Backend backend,
                                                     InetSocketAddress address, HealthCheckSettings settings,
                                                     SslContext tls, ChannelGroup open) {
        Http2HealthProbe probe = new Http2HealthProbe(backend, settings, tls);
        int timeoutMillis = (int) Math.max(1, settings.timeout().toMillis());
        loop.execute(() -> probe.start(loop, bootstrap.clone(loop), address, timeoutMillis, open));
        return probe.verdict.future();
    }

    private void start(EventLoop loop, Bootstrap bootstrap, InetSocketAddress address, int timeoutMillis,
                       ChannelGroup open) {
        ChannelFuture connect = verdict.connect(loop, bootstrap, address, timeoutMillis, open, ch -> {
            if (tls != null) {
                // The HTTP/2 handlers come once the handshake has agreed to h2 (nothing written before), between the
                // TLS handler and the end of the pipeline, which is there from the start: a failed handshake's
                // exception (an untrusted chain, a cleartext backend's bytes) ends there, not at Netty's tail, which
                // logs a WARN with its stack trace at every check.
                ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), backend.host(), backend.port()))
                        .addLast(END, new End());
            } else {
                ch.pipeline().addLast(END, new End());
                addHttp2Handlers(ch);
            }
        });
        channel = connect.channel();
        connect.addListener(future -> {
            if (!future.isSuccess()) {
                verdict.give(false, HealthProbe.describe(future.cause()));
                return;
            }
            // Only a connection that was made can close "before responding": a failed connect closes the channel
            // too, and some transports (io_uring) complete its close before they fail the connect, which made a
            // stopped backend's reason "closed before responding" rather than "connection refused".
            channel.closeFuture().addListener(closed -> verdict.give(false, closedReason()));
            SslHandler handshaking = channel.pipeline().get(SslHandler.class);
            if (handshaking == null) {
                openStream();
                return;
            }
            handshaking.handshakeFuture().addListener(handshake -> {
                if (!handshake.isSuccess()) {
                    verdict.give(false, HealthProbe.handshakeFailed(handshake.cause()));
                } else if (!ApplicationProtocolNames.HTTP_2.equals(handshaking.applicationProtocol())) {
                    verdict.give(false, NO_H2);
                } else if (channel.isActive()) {
                    addHttp2Handlers(channel);
                    openStream();
                }
            });
        });
    }

    /** Why the connection closed before an answer, as far as the TLS handshake tells. */
    private String closedReason() {
        SslHandler handshaking = channel.pipeline().get(SslHandler.class);
        if (handshaking != null) {
            io.netty.util.concurrent.Future<Channel> handshake = handshaking.handshakeFuture();
            if (!handshake.isDone()) {
                return "closed during the TLS handshake";
            }
            if (!handshake.isSuccess()) {
                return HealthProbe.handshakeFailed(handshake.cause());
            }
            if (!ApplicationProtocolNames.HTTP_2.equals(handshaking.applicationProtocol())) {
                return NO_H2;
            }
        }
        return "closed before responding";
    }

    private void addHttp2Handlers(Channel channel) {
        channel.pipeline().addBefore(END, "first-frame", new FirstFrame())
                .addBefore(END, "h2", Http2Codecs.upstream())
                .addBefore(END, "h2-streams", new Http2MultiplexHandler(RefusedPush.INSTANCE));
    }

    /**
     * Looks at the backend's first bytes, which HTTP/2 makes a SETTINGS frame: a backend that answers otherwise (an
     * HTTP/1 server's {@code HTTP/1.1 400}, an error page) does not speak the protocol the pool was given, and the
     * verdict says so with the bytes as text, rather than the frame codec's hex dump. Then it steps aside.
     */
    private final class FirstFrame extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes && bytes.readableBytes() > FRAME_TYPE_OFFSET
                    && bytes.getUnsignedByte(bytes.readerIndex() + FRAME_TYPE_OFFSET) != SETTINGS_FRAME) {
                String began = firstLine(bytes);
                bytes.release();
                verdict.give(false, "the backend did not answer in HTTP/2: its answer began \"" + began
                        + "\" (an HTTP/1 server? this pool's backend protocol is " + (tls != null ? "h2" : "h2c")
                        + ")");
                return;
            }
            // A first read too short to tell is left to the frame codec, as is everything after the first.
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
        }
    }

    /** The first line of {@code bytes}, printable ASCII only (others as {@code ?}), at most 40 characters. */
    private static String firstLine(ByteBuf bytes) {
        StringBuilder line = new StringBuilder();
        for (int i = bytes.readerIndex(); i < bytes.writerIndex() && line.length() < FIRST_LINE_CHARS; i++) {
            int b = bytes.getUnsignedByte(i);
            if (b == '\r' || b == '\n') {
                break;
            }
            line.append(b >= 0x20 && b < 0x7f ? (char) b : '?');
        }
        return line.toString();
    }

    /**
     * The last handler of the check's connection: releases the connection frames that reach it (SETTINGS, PING,
     * GOAWAY, which the frame codec has acted on), and takes the connection's failure as the verdict, then closes.
     */
    private final class End extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            SslHandler handshaking = ctx.pipeline().get(SslHandler.class);
            if (handshaking != null && !handshaking.handshakeFuture().isSuccess()) {
                verdict.give(false, HealthProbe.handshakeFailed(cause));
            } else {
                Throwable root = HealthProbe.rootCause(cause);
                verdict.give(false, "failed: " + (root.getMessage() != null ? root.getMessage() : root));
            }
            ctx.close();
        }
    }

    private void openStream() {
        new Http2StreamChannelBootstrap(channel)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel stream) {
                        stream.pipeline().addLast("http", new Http2StreamFrameToHttpObjectCodec(false))
                                .addLast("answer", new Answer());
                    }
                })
                .open()
                .addListener(opened -> {
                    if (!opened.isSuccess()) {
                        verdict.give(false, "could not open a stream: " + opened.cause().getMessage());
                        return;
                    }
                    Channel stream = (Channel) opened.getNow();
                    stream.writeAndFlush(request(stream)).addListener(written -> {
                        if (!written.isSuccess()) {
                            verdict.give(false, "could not send the check: " + written.cause().getMessage());
                        }
                    });
                });
    }

    private FullHttpRequest request(Channel stream) {
        FullHttpRequest request;
        if (settings.isGrpc()) {
            ByteBuf body = GrpcHealthMessages.checkRequest(stream.alloc(), settings.grpcService());
            request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, settings.path(), body);
            request.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, GrpcHeaders.APPLICATION_GRPC)
                    .set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        } else {
            request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, settings.path(),
                    Unpooled.EMPTY_BUFFER);
        }
        request.headers()
                .set(HttpHeaderNames.HOST, backend.authority())
                .set(HttpHeaderNames.USER_AGENT, "bluegreen-health-check");
        return request;
    }

    /** The one stream's response, judged as it arrives. */
    private final class Answer extends SimpleChannelInboundHandler<HttpObject> {

        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            // SimpleChannelInboundHandler releases every message.
            if (msg instanceof HttpResponse response) {
                int status = response.status().code();
                if (status >= 100 && status < 200) {
                    return;
                }
                if (!settings.isGrpc()) {
                    verdict.give(settings.passes(status), "status " + status);
                    return;
                }
                if (status != 200) {
                    verdict.give(false, "status " + status);
                    return;
                }
                if (GrpcHeaders.isTrailersOnly(status, response.headers())) {
                    judgeCall(response.headers());
                    return;
                }
            }
            if (msg instanceof HttpContent content && settings.isGrpc()) {
                ByteBuf bytes = content.content();
                if (body.size() + bytes.readableBytes() > MAX_ANSWER_BYTES) {
                    verdict.give(false, "a health answer of more than " + MAX_ANSWER_BYTES + " bytes");
                    return;
                }
                byte[] copy = new byte[bytes.readableBytes()];
                bytes.getBytes(bytes.readerIndex(), copy);
                body.writeBytes(copy);
                if (msg instanceof LastHttpContent last) {
                    judgeCall(last.trailingHeaders());
                }
            }
        }

        /** The call ended with {@code fields} (its trailers): its status, then the answer. */
        private void judgeCall(HttpHeaders fields) {
            int status = GrpcHeaders.status(fields);
            if (status != GrpcStatus.OK) {
                verdict.give(false, status < 0 ? "no grpc-status" : "grpc-status " + status + " ("
                        + GrpcStatus.name(status) + ")");
                return;
            }
            try {
                int serving = GrpcHealthMessages.servingStatus(body.toByteArray());
                verdict.give(serving == GrpcHealthMessages.SERVING, GrpcHealthMessages.statusName(serving));
            } catch (IllegalArgumentException malformed) {
                verdict.give(false, malformed.getMessage());
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            verdict.give(false, "the stream closed before the answer ended");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            verdict.give(false, "failed: " + cause.getMessage());
        }
    }
}
