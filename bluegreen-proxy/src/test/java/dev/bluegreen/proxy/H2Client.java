package dev.bluegreen.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A test HTTP/2 client on Netty's own HTTP/2 codec: h2c with prior knowledge, or h2 over TLS through ALPN. Each
 * request is a stream; its response is aggregated. Records the GOAWAY the server sends. Blocking methods are for the
 * test thread only.
 */
final class H2Client implements AutoCloseable {

    /** An aggregated response. */
    record Response(int status, HttpHeaders headers, String body) {
        String header(String name) {
            return headers.get(name);
        }
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final CompletableFuture<Http2GoAwayFrame> goAway = new CompletableFuture<>();
    private final Channel channel;
    private final String authority;

    private H2Client(int port, SslContext tls) {
        authority = "127.0.0.1:" + port;
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc(), "localhost", port));
                        }
                        ch.pipeline().addLast(Http2FrameCodecBuilder.forClient().build(),
                                new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                                new ChannelInboundHandlerAdapter() {
                                    @Override
                                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                        if (msg instanceof Http2GoAwayFrame frame) {
                                            goAway.complete(frame.retain());
                                        }
                                        ReferenceCountUtil.release(msg);
                                    }
                                });
                    }
                });
        channel = bootstrap.connect("127.0.0.1", port).syncUninterruptibly().channel();
        if (tls != null) {
            channel.pipeline().get(SslHandler.class).handshakeFuture().syncUninterruptibly();
        }
    }

    /** h2c with prior knowledge. */
    static H2Client cleartext(int port) {
        return new H2Client(port, null);
    }

    /** h2 over TLS; {@code tls} must offer {@code h2} through ALPN. */
    static H2Client tls(int port, SslContext tls) {
        return new H2Client(port, tls);
    }

    /** The protocol ALPN chose, or null on cleartext. */
    String negotiatedProtocol() {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        return tls == null ? null : tls.applicationProtocol();
    }

    CompletableFuture<Response> get(String path) {
        return send(HttpMethod.GET, path, null);
    }

    /** A GET with extra request headers. */
    CompletableFuture<Response> get(String path, java.util.Map<String, String> headers) {
        return send(HttpMethod.GET, path, null, headers);
    }

    /** Sends a request on a new stream; {@code body} null for none. */
    CompletableFuture<Response> send(HttpMethod method, String path, String body) {
        return send(method, path, body, java.util.Map.of());
    }

    private CompletableFuture<Response> send(HttpMethod method, String path, String body,
                                             java.util.Map<String, String> headers) {
        CompletableFuture<Response> response = new CompletableFuture<>();
        Http2StreamChannelBootstrap streams = new Http2StreamChannelBootstrap(channel)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false),
                                new HttpObjectAggregator(16 << 20),
                                new SimpleChannelInboundHandler<FullHttpResponse>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
                                        response.complete(new Response(msg.status().code(), msg.headers().copy(),
                                                msg.content().toString(StandardCharsets.UTF_8)));
                                    }

                                    @Override
                                    public void channelInactive(ChannelHandlerContext ctx) {
                                        response.completeExceptionally(new IllegalStateException(
                                                "stream closed without a response"));
                                    }

                                    @Override
                                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                        response.completeExceptionally(cause);
                                        ctx.close();
                                    }
                                });
                    }
                });
        streams.open().addListener(opened -> {
            if (!opened.isSuccess()) {
                response.completeExceptionally(opened.cause());
                return;
            }
            Http2StreamChannel stream = (Http2StreamChannel) opened.getNow();
            FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path,
                    body == null ? io.netty.buffer.Unpooled.EMPTY_BUFFER
                            : ByteBufUtil.writeUtf8(stream.alloc(), body));
            request.headers().set(HttpHeaderNames.HOST, authority);
            headers.forEach(request.headers()::set);
            if (body != null) {
                request.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, request.content().readableBytes());
            }
            stream.writeAndFlush(request);
        });
        return response;
    }

    /** Completes with the server's GOAWAY (retained: the caller need not release it, it holds no buffer here). */
    CompletableFuture<Http2GoAwayFrame> goAway() {
        return goAway;
    }

    /** Whether the connection closed within the timeout. */
    boolean awaitClosed(Duration timeout) {
        return channel.closeFuture().awaitUninterruptibly(timeout.toMillis());
    }

    boolean isOpen() {
        return channel.isActive();
    }

    static Response await(CompletableFuture<Response> response) {
        return response.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5_000);
        goAway.thenAccept(ReferenceCountUtil::release);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }
}
