package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The decoders' settings: the header and trailer maps are {@link ArrayHttpHeaders} on both sides. (Netty's
 * {@code HttpDecoderConfig.setValidateHeaders} puts its own factories back, so the order of the settings matters: a
 * trailer factory set before it was silently dropped once.) And what a body read with its head is: a copy when small.
 */
class Http1CodecsTest {

    @Test
    void requestsAreDecodedIntoArrayHeaders() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.client());
        channel.writeInbound(Unpooled.copiedBuffer("POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "1\r\nz\r\n0\r\nX-Sum: 1\r\n\r\n", StandardCharsets.US_ASCII));

        HttpRequest request = channel.readInbound();
        assertThat(request.headers()).isInstanceOf(ArrayHttpHeaders.class);
        assertThat(request.headers().get("host")).isEqualTo("x");
        LastHttpContent end = readLast(channel);
        assertThat(end.trailingHeaders()).isInstanceOf(ArrayHttpHeaders.class);
        assertThat(end.trailingHeaders().get("x-sum")).isEqualTo("1");
        end.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void responsesAreDecodedIntoArrayHeaders() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.upstream());
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        channel.releaseOutbound();
        channel.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                StandardCharsets.US_ASCII));

        FullHttpResponse response = channel.readInbound();
        assertThat(response.headers()).isInstanceOf(ArrayHttpHeaders.class);
        assertThat(response.content().toString(StandardCharsets.US_ASCII)).isEqualTo("ok");
        // A body framed by its length has no trailers: the shared read-only empty map, not a new one each.
        assertThat(response.trailingHeaders()).isSameAs(EmptyHttpHeaders.INSTANCE);
        response.release();

        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        channel.releaseOutbound();
        channel.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "2\r\nok\r\n0\r\nX-Sum: 1\r\n\r\n", StandardCharsets.US_ASCII));
        HttpResponse chunked = channel.readInbound();
        assertThat(chunked.headers()).isInstanceOf(ArrayHttpHeaders.class);
        LastHttpContent chunkedEnd = readLast(channel);
        assertThat(chunkedEnd.trailingHeaders()).isInstanceOf(ArrayHttpHeaders.class);
        assertThat(chunkedEnd.trailingHeaders().get("x-sum")).isEqualTo("1");
        chunkedEnd.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aSmallBodyReadWithItsHead_isCopied_aLargerOneIsASliceOfTheBytesReceived() {
        assertThat(bodyAfterTheReceivedBytesChange(128)).as("copied: the received buffer can go")
                .isEqualTo("b".repeat(128));
        assertThat(bodyAfterTheReceivedBytesChange(129)).as("a slice: no copy of a larger body")
                .isEqualTo("z" + "b".repeat(128));
    }

    /** A response with a body of {@code length} bytes, read; then its first body byte changed in the bytes received. */
    private static String bodyAfterTheReceivedBytesChange(int length) {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.upstream());
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/"));
        channel.releaseOutbound();
        String head = "HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n";
        ByteBuf received = Unpooled.copiedBuffer(head + "b".repeat(length), StandardCharsets.US_ASCII);
        channel.writeInbound(received.retain());

        FullHttpResponse response = channel.readInbound();
        assertThat(response.status().code()).isEqualTo(200);
        received.setByte(head.length(), 'z');
        String body = response.content().toString(StandardCharsets.US_ASCII);
        response.release();
        received.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
        return body;
    }

    private static LastHttpContent readLast(EmbeddedChannel channel) {
        Object message;
        while (!((message = channel.readInbound()) instanceof LastHttpContent)) {
            io.netty.util.ReferenceCountUtil.release(message);
        }
        return (LastHttpContent) message;
    }
}
