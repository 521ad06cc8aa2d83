package dev.bluegreen.proxy.internal.listener;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tells HTTP/2 with prior knowledge from HTTP/1.1 on a cleartext connection, by its first bytes: a connection that
 * starts with the HTTP/2 connection preface (RFC 9113 §3.4) is HTTP/2, any other is HTTP/1.1. It then hands the
 * connection, with the bytes read so far, to the pipeline of that protocol and removes itself.
 *
 * <pre>
 * client channel:  CleartextProtocolDetector  →  Http1ServerCodec → ...   or   Http2FrameCodec → ...
 * </pre>
 *
 * <p>An HTTP/1.1 request differs from the preface by its second byte at the latest, so detection waits only for a
 * client that sends the preface slowly or nothing at all; such a connection is closed at the idle timeout.
 */
public final class CleartextProtocolDetector extends ByteToMessageDecoder {

    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ProtocolPipelines pipelines;
    private final long timeoutNanos;
    private ScheduledFuture<?> timeout;

    CleartextProtocolDetector(ProtocolPipelines pipelines, long timeoutNanos) {
        this.pipelines = pipelines;
        this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Nothing else times the connection out until its protocol is known.
        timeout = ctx.executor().schedule(() -> {
            ctx.close();
        }, timeoutNanos, TimeUnit.NANOSECONDS);
        // Auto-read is off; until the protocol is known this handler asks for the bytes
        // (ByteToMessageDecoder asks again after a read that decoded nothing).
        ctx.read();
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int available = Math.min(in.readableBytes(), PREFACE.length);
        for (int i = 0; i < available; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE[i]) {
                switchTo(ctx, false);
                return;
            }
        }
        if (available == PREFACE.length) {
            switchTo(ctx, true);
        }
    }

    private void switchTo(ChannelHandlerContext ctx, boolean http2) {
        if (http2) {
            pipelines.addHttp2Handlers(ctx.pipeline());
        } else {
            pipelines.addHttp1Handlers(ctx.pipeline());
            // The HTTP/1.1 handlers start on channelActive, which went by before they were added.
            ctx.fireChannelActive();
        }
        // Removing this decoder hands what it has read on to the new handlers.
        ctx.pipeline().remove(this);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (timeout != null) {
            timeout.cancel(false);
        }
    }
}
