package dev.bluegreen.proxy.internal.codec;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * The handler of streams a backend opens on a connection the proxy made: none should (the proxy sends
 * SETTINGS_ENABLE_PUSH 0, RFC 9113 §8.4), and one that does is closed at once. Shared by every such connection.
 */
@ChannelHandler.Sharable
public final class RefusedPush extends ChannelInboundHandlerAdapter {

    /** The one instance. */
    public static final RefusedPush INSTANCE = new RefusedPush();

    private RefusedPush() {
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ReferenceCountUtil.release(msg);
    }
}
