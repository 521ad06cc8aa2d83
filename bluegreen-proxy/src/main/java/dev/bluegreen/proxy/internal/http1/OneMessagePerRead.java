package dev.bluegreen.proxy.internal.http1;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * Hands the next handler exactly one decoded message per {@code read()} it asks for. One socket read can decode
 * into several messages (a body piece and the next pipelined request, say); those wait here until asked for, so
 * the next handler sees a new request only once it is ready for it, and body pieces only as fast as it can forward
 * them. The channel's auto-read is off; this is where reads are turned into messages.
 *
 * <pre>
 * client channel:  Http1ServerCodec → OneMessagePerRead → Http1ClientConnection
 * </pre>
 *
 * <p>Messages still waiting when the channel closes are released. The admin endpoint uses it too, after its
 * aggregator, so that it answers pipelined requests one at a time, in order.
 */
public final class OneMessagePerRead extends ChannelDuplexHandler {

    /**
     * Messages decoded before they were asked for; made when the first one comes. Most connections never need it:
     * each message arrives after the read that asked for it.
     */
    private ArrayDeque<Object> waiting;
    /** The next handler asked for a message that has not arrived yet. */
    private boolean demand;

    @Override
    public void read(ChannelHandlerContext ctx) {
        Object next = waiting == null ? null : waiting.poll();
        if (next != null) {
            ctx.fireChannelRead(next);
            return;
        }
        demand = true;
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (demand && (waiting == null || waiting.isEmpty())) {
            demand = false;
            ctx.fireChannelRead(msg);
        } else {
            if (waiting == null) {
                waiting = new ArrayDeque<>(4);
            }
            waiting.add(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseWaiting();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseWaiting();
    }

    private void releaseWaiting() {
        if (waiting == null) {
            return;
        }
        Object msg;
        while ((msg = waiting.poll()) != null) {
            ReferenceCountUtil.release(msg);
        }
    }
}
