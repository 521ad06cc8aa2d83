package dev.bluegreen.proxy.internal.listener;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link CleartextProtocolDetector} alone: HTTP/2 by its preface, HTTP/1.1 otherwise, bytes handed on intact. */
class CleartextProtocolDetectorTest {

    private static final String PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

    /** Records which protocol was chosen and the bytes that reached the handlers after the detector. */
    private static final class Chosen implements ProtocolPipelines {
        String protocol;
        final StringBuilder bytes = new StringBuilder();

        @Override
        public void addHttp1Handlers(ChannelPipeline pipeline) {
            protocol = "http/1.1";
            pipeline.addLast(recorder());
        }

        @Override
        public void addHttp2Handlers(ChannelPipeline pipeline) {
            protocol = "h2";
            pipeline.addLast(recorder());
        }

        private ChannelInboundHandlerAdapter recorder() {
            return new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    ByteBuf buf = (ByteBuf) msg;
                    bytes.append(buf.toString(StandardCharsets.US_ASCII));
                    buf.release();
                }
            };
        }
    }

    private static EmbeddedChannel detecting(Chosen chosen) {
        return new EmbeddedChannel(new CleartextProtocolDetector(chosen, TimeUnit.SECONDS.toNanos(10)));
    }

    private static ByteBuf ascii(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    @Test
    void http11Request_goesToTheHttp11Pipeline_withItsBytes() {
        Chosen chosen = new Chosen();
        EmbeddedChannel channel = detecting(chosen);

        channel.writeInbound(ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"));

        assertThat(chosen.protocol).isEqualTo("http/1.1");
        assertThat(chosen.bytes.toString()).isEqualTo("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
        assertThat(channel.pipeline().get(CleartextProtocolDetector.class)).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void prefaceInPieces_waitsForAllOfIt_thenGoesToHttp2() {
        Chosen chosen = new Chosen();
        EmbeddedChannel channel = detecting(chosen);

        channel.writeInbound(ascii("PRI * HT"));
        assertThat(chosen.protocol).isNull();
        channel.writeInbound(ascii(PREFACE.substring(8) + "frames"));

        assertThat(chosen.protocol).isEqualTo("h2");
        assertThat(chosen.bytes.toString()).isEqualTo(PREFACE + "frames");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void methodStartingLikeThePreface_isHttp11() {
        // PRI is the preface's method; anything that departs from the preface is HTTP/1.1 (and up to its codec).
        Chosen chosen = new Chosen();
        EmbeddedChannel channel = detecting(chosen);

        channel.writeInbound(ascii("PRI * HTTP/1.1\r\n"));

        assertThat(chosen.protocol).isEqualTo("http/1.1");
        assertThat(chosen.bytes.toString()).isEqualTo("PRI * HTTP/1.1\r\n");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void clientThatNeverFinishesThePreface_isClosedAtTheTimeout() {
        Chosen chosen = new Chosen();
        EmbeddedChannel channel = detecting(chosen);
        channel.writeInbound(ascii("PRI"));

        channel.advanceTimeBy(9, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.advanceTimeBy(2, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();

        assertThat(channel.isOpen()).isFalse();
        assertThat(chosen.protocol).isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
