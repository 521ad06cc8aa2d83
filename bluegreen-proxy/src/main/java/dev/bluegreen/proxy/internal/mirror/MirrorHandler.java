package dev.bluegreen.proxy.internal.mirror;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;

/**
 * The {@link MirrorTap} of an HTTP/1.1 client connection, as a handler just before its client side: it sees each
 * request go in and its response go out, and forwards every message as it came, at once (less a client's own mirror
 * marker, which the tap removes).
 *
 * <pre>
 * HTTP/1.1 connection:  ... → RequestValidator → OneMessagePerRead → mirror: MirrorHandler
 *                          → proxy: Http1ClientConnection
 * </pre>
 */
final class MirrorHandler extends ChannelDuplexHandler {

    private final MirrorTap tap;

    MirrorHandler(MirrorTap tap) {
        this.tap = tap;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
            tap.headArriving(request, ctx.channel().eventLoop(), ctx.alloc());
            ctx.fireChannelRead(request);
            tap.headPassed(request);
            return;
        }
        if (msg instanceof HttpObject part) {
            tap.requestContent(part);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        tap.writing(msg);
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        tap.abandonLive();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        tap.abandonLive();
    }
}
