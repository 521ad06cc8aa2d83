package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.Http2Options;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameStream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The frame codecs of {@link Http2Codecs}, on an embedded channel fed a client's frames as bytes. */
class Http2CodecsTest {

    private static final int HEADERS = 0x1;
    private static final int PRIORITY = 0x2;
    private static final int SETTINGS = 0x4;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int DATA = 0x0;

    /**
     * Two responses waiting for the connection window, the second's stream made exclusively dependent on the first's
     * by a PRIORITY frame: both get a share of the window. Along a priority tree the first would get all of it.
     */
    @Test
    void server_sharesTheWindowEvenly_whateverPriorityFramesSay() throws Exception {
        Map<Integer, Http2FrameStream> streams = new HashMap<>();
        EmbeddedChannel channel = new EmbeddedChannel(
                Http2Codecs.server(Http2Options.defaults(), Duration.ofSeconds(1)),
                new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof Http2HeadersFrame headers) {
                            streams.put(headers.stream().id(), headers.stream());
                        }
                        ReferenceCountUtil.release(msg);
                    }
                });
        try {
            ByteBuf client = Unpooled.buffer();
            client.writeBytes(Http2CodecUtil.connectionPrefaceBuf());
            frameHeader(client, 0, SETTINGS, 0, 0);
            request(client, 1);
            request(client, 3);
            // Stream 3 depends on stream 1, exclusively, with the lowest weight.
            frameHeader(client, 5, PRIORITY, 0, 3);
            client.writeInt(0x8000_0000 | 1).writeByte(0);
            channel.writeInbound(client);
            assertThat(streams).containsOnlyKeys(1, 3);
            discardOutbound(channel);

            for (int id : new int[] {1, 3}) {
                channel.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"))
                        .stream(streams.get(id)));
                // More than the connection's whole window (65,535 bytes) each.
                channel.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[100_000]), true)
                        .stream(streams.get(id)));
            }
            channel.flush();

            Map<Integer, Integer> dataBytes = dataBytesByStream(channel);
            assertThat(dataBytes.values().stream().mapToInt(Integer::intValue).sum())
                    .isEqualTo(Http2CodecUtil.DEFAULT_WINDOW_SIZE);
            assertThat(dataBytes.getOrDefault(3, 0)).isGreaterThanOrEqualTo(Http2CodecUtil.DEFAULT_WINDOW_SIZE / 4);
            assertThat(dataBytes.getOrDefault(1, 0)).isGreaterThanOrEqualTo(Http2CodecUtil.DEFAULT_WINDOW_SIZE / 4);
        } finally {
            channel.finishAndReleaseAll();
        }
    }

    /** The server's first SETTINGS frame says it does not use RFC 7540's priority signals (RFC 9218 §2.1). */
    @Test
    void server_announcesNoRfc7540Priorities() {
        EmbeddedChannel channel =
                new EmbeddedChannel(Http2Codecs.server(Http2Options.defaults(), Duration.ofSeconds(1)));
        ByteBuf written = Unpooled.buffer();
        try {
            for (Object piece; (piece = channel.readOutbound()) != null; ) {
                written.writeBytes((ByteBuf) piece);
                ReferenceCountUtil.release(piece);
            }
            int length = written.readUnsignedMedium();
            assertThat((int) written.readUnsignedByte()).as("frame type").isEqualTo(SETTINGS);
            written.skipBytes(5);
            Map<Integer, Long> settings = new HashMap<>();
            for (int i = 0; i < length / 6; i++) {
                settings.put(written.readUnsignedShort(), written.readUnsignedInt());
            }
            assertThat(settings).containsEntry(0x9, 1L).containsEntry(0x3, 100L);
        } finally {
            written.release();
            channel.finishAndReleaseAll();
        }
    }

    /** The frames of a GET that ends its stream with its head. */
    private static void request(ByteBuf out, int streamId) throws Exception {
        Http2Headers headers = new DefaultHttp2Headers()
                .method("GET").scheme("http").authority("example.com").path("/" + streamId);
        ByteBuf block = Unpooled.buffer();
        try {
            new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true)
                    .encodeHeaders(streamId, headers, block);
            frameHeader(out, block.readableBytes(), HEADERS, END_STREAM | END_HEADERS, streamId);
            out.writeBytes(block);
        } finally {
            block.release();
        }
    }

    /** A frame header (RFC 9113 §4.1). */
    private static void frameHeader(ByteBuf out, int length, int type, int flags, int streamId) {
        out.writeMedium(length).writeByte(type).writeByte(flags).writeInt(streamId);
    }

    private static void discardOutbound(EmbeddedChannel channel) {
        for (Object written; (written = channel.readOutbound()) != null; ) {
            ReferenceCountUtil.release(written);
        }
    }

    /** The DATA payload bytes the channel wrote, by stream, from the bytes written since the last read. */
    private static Map<Integer, Integer> dataBytesByStream(EmbeddedChannel channel) {
        ByteBuf written = Unpooled.buffer();
        try {
            for (Object piece; (piece = channel.readOutbound()) != null; ) {
                written.writeBytes((ByteBuf) piece);
                ReferenceCountUtil.release(piece);
            }
            Map<Integer, Integer> bytes = new HashMap<>();
            while (written.isReadable()) {
                int length = written.readUnsignedMedium();
                int type = written.readUnsignedByte();
                written.skipBytes(1);
                int streamId = written.readInt() & 0x7fff_ffff;
                if (type == DATA) {
                    bytes.merge(streamId, length, Integer::sum);
                }
                written.skipBytes(length);
            }
            return bytes;
        } finally {
            written.release();
        }
    }
}
