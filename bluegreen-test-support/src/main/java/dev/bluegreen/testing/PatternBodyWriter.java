package dev.bluegreen.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;

/**
 * Writes a pattern body of a known length, after its response head, in chunks of at most 64 KiB, and only while
 * the channel is writable: {@link #resume()} writes until the channel's write buffer passes its high water mark
 * and the handler calls it again when the channel becomes writable. So a backend never holds more than about
 * two chunks of a download, whatever its size. Event loop only.
 */
final class PatternBodyWriter {

    private final ChannelHandlerContext ctx;
    private final long total;
    private final ChannelFutureListener onDone;
    private long written;
    private boolean finished;

    /**
     * @param onDone notified with the future of the last write (the {@code LastHttpContent})
     */
    PatternBodyWriter(ChannelHandlerContext ctx, long total, ChannelFutureListener onDone) {
        this.ctx = ctx;
        this.total = total;
        this.onDone = onDone;
    }

    /** Writes chunks while the channel is writable; ends with a {@code LastHttpContent}. */
    void resume() {
        while (!finished && ctx.channel().isActive() && ctx.channel().isWritable()) {
            int length = (int) Math.min(BytePattern.CHUNK_SIZE, total - written);
            ByteBuf chunk = length == 0
                    ? Unpooled.EMPTY_BUFFER
                    : ctx.alloc().buffer(length).writeBytes(BytePattern.template(),
                            BytePattern.offsetInTemplate(written), length);
            written += length;
            if (written == total) {
                // Set before writing: the listener may run (and start the next response) inside this call.
                finished = true;
                ctx.writeAndFlush(new DefaultLastHttpContent(chunk)).addListener(onDone);
            } else {
                ctx.writeAndFlush(new DefaultHttpContent(chunk)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
            }
        }
    }
}
