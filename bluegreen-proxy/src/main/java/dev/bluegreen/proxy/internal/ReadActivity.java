package dev.bluegreen.proxy.internal;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * Tells the {@link RequestValidator} when the client's bytes arrive and when the proxy asks for more, which the
 * validator can't see from behind the codec (a half-sent request head decodes to nothing). Passes everything on.
 *
 * <pre>
 * client channel:  ReadActivity → HttpServerCodec → RequestValidator → ...
 * </pre>
 */
final class ReadActivity extends ChannelDuplexHandler {

    private final RequestValidator validator;

    ReadActivity(RequestValidator validator) {
        this.validator = validator;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
            validator.bytesArrived(bytes);
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        validator.readRequested();
        ctx.read();
    }
}
