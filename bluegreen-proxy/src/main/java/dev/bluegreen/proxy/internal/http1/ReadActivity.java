package dev.bluegreen.proxy.internal.http1;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;

/**
 * Tells the {@link RequestValidator} when the client's bytes arrive and when the proxy asks for more, which the
 * validator can't see from behind the codec (a half-sent request head decodes to nothing). Passes everything on.
 *
 * <pre>
 * client channel:  ReadActivity → Http1ServerCodec → RequestValidator → ...
 * </pre>
 */
public final class ReadActivity extends ChannelDuplexHandler {

    private final RequestValidator validator;

    ReadActivity(RequestValidator validator) {
        this.validator = validator;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf bytes) || !bytes.isReadable()) {
            ctx.fireChannelRead(msg);
            return;
        }
        validator.bytesArrived();
        ctx.fireChannelRead(bytes);
        // The codec releases a buffer it decoded to the end and keeps one it could not (as its cumulation): then
        // what is left is the start of the next message. Best effort: should the codec copy instead, this reports
        // nothing and the next head is timed from its next bytes.
        validator.readDecoded(bytes.refCnt() > 0 && bytes.isReadable() && !onlyLineEnds(bytes));
    }

    /** RFC 9112 §2.2: empty lines before a request line are allowed, and are no request yet. */
    private static boolean onlyLineEnds(ByteBuf bytes) {
        return bytes.forEachByte(b -> b == '\r' || b == '\n') < 0;
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        validator.readRequested();
        ctx.read();
    }
}
