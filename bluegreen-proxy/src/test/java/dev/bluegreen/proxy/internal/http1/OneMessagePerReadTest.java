package dev.bluegreen.proxy.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.CharsetUtil;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OneMessagePerReadTest {

    /** Records what reaches it and keeps the buffers for the test to release. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<String> seen = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            seen.add(buf.toString(CharsetUtil.US_ASCII));
            buf.release();
        }
    }

    /** A channel that reads only when asked, as the proxy's client channels do. */
    private static EmbeddedChannel channelWith(Recorder recorder) {
        EmbeddedChannel channel = new EmbeddedChannel();
        channel.config().setAutoRead(false);
        channel.pipeline().addLast(new OneMessagePerRead(), recorder);
        return channel;
    }

    private static ByteBuf text(String s) {
        return Unpooled.copiedBuffer(s, CharsetUtil.US_ASCII);
    }

    @Test
    void messagesWait_untilTheNextHandlerAsksForThem_oneAtATime() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = channelWith(recorder);

        channel.writeInbound(text("a"), text("b"), text("c"));
        assertThat(recorder.seen).isEmpty();

        channel.read();
        assertThat(recorder.seen).containsExactly("a");
        channel.read();
        channel.read();
        assertThat(recorder.seen).containsExactly("a", "b", "c");

        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aReadWithNothingWaiting_passesTheNextMessageStraightThrough() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = channelWith(recorder);

        channel.read();
        channel.writeInbound(text("x"), text("y"));

        assertThat(recorder.seen).containsExactly("x");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void waitingMessages_areReleasedWhenTheChannelCloses() {
        Recorder recorder = new Recorder();
        EmbeddedChannel channel = channelWith(recorder);
        ByteBuf waiting = text("never read");
        channel.writeInbound(waiting);

        channel.close();

        assertThat(waiting.refCnt()).isZero();
        assertThat(recorder.seen).isEmpty();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
