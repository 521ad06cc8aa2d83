package dev.bluegreen.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A backend whose answer depends on the request target, for shadow-traffic tests where two colours agree on some
 * paths and not on others: a Netty server on 127.0.0.1 port 0, one event loop, keep-alive, a fixed
 * {@code Content-Type} and the body the script gives for the target. Counts the requests it answered.
 */
final class PathBackend implements AutoCloseable {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final AtomicInteger answered = new AtomicInteger();
    private final Channel server;

    /**
     * @param contentType  the {@code Content-Type} of every answer
     * @param bodyOfTarget the body for a request target (path and query)
     */
    private PathBackend(String contentType, Function<String, String> bodyOfTarget) {
        ChannelHandler answer = new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
                FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        ByteBufUtil.writeUtf8(ctx.alloc(), bodyOfTarget.apply(request.uri())));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                        .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
                answered.incrementAndGet();
                ctx.writeAndFlush(response);
            }

            @Override
            public boolean isSharable() {
                return true;
            }
        };
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpServerKeepAliveHandler(),
                                new HttpObjectAggregator(1 << 20), answer);
                    }
                })
                .bind(InetAddress.getLoopbackAddress(), 0).syncUninterruptibly().channel();
    }

    static PathBackend start(String contentType, Function<String, String> bodyOfTarget) {
        return new PathBackend(contentType, bodyOfTarget);
    }

    int port() {
        return ((java.net.InetSocketAddress) server.localAddress()).getPort();
    }

    int answered() {
        return answered.get();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
