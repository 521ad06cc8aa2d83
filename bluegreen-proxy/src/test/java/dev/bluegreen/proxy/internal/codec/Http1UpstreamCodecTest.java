package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The upstream codec: responses paired with their requests (HEAD), and the backends' usual header names shared. */
class Http1UpstreamCodecTest {

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    private static AsciiString shared(String name) {
        byte[] bytes = ("x" + name).getBytes(StandardCharsets.US_ASCII);
        return Http1UpstreamCodec.sharedName(bytes, 1, name.length());
    }

    private static void send(EmbeddedChannel channel, HttpMethod method) {
        assertThat(channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"))).isTrue();
        ByteBuf encoded;
        while ((encoded = channel.readOutbound()) != null) {
            encoded.release();
        }
    }

    @Test
    void responseToHead_hasNoBody_andTheNextResponseIsReadWhole() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.upstream());
        send(channel, HttpMethod.HEAD);
        send(channel, HttpMethod.GET);

        channel.writeInbound(bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));

        HttpResponse head = channel.readInbound();
        assertThat(head.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("5");
        LastHttpContent headEnd = channel.readInbound();
        assertThat(headEnd.content().readableBytes()).as("HEAD: no body").isZero();
        headEnd.release();
        HttpResponse get = channel.readInbound();
        assertThat(get.status().code()).isEqualTo(200);
        HttpContent body = channel.readInbound();
        assertThat(body.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        assertThat(body).isInstanceOf(LastHttpContent.class);
        body.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void usualHeaderNames_areShared_otherSpellingsTravelAsSent() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.upstream());
        send(channel, HttpMethod.GET);

        channel.writeInbound(bytes("HTTP/1.1 200 OK\r\nServer: nginx\r\ndate: today\r\nSERVER-TIMING: x\r\n"
                + "X-Custom: y\r\nContent-Length: 0\r\n\r\n"));

        HttpResponse response = channel.readInbound();
        Map<CharSequence, CharSequence> names = new LinkedHashMap<>();
        response.headers().iteratorCharSequence().forEachRemaining(e -> names.put(e.getKey(), e.getValue()));
        CharSequence[] keys = names.keySet().toArray(new CharSequence[0]);
        assertThat(keys).extracting(CharSequence::toString)
                .containsExactly("Server", "date", "SERVER-TIMING", "X-Custom", "Content-Length");
        assertThat((Object) keys[0]).isSameAs(shared("Server")).isNotNull();
        assertThat((Object) keys[1]).isSameAs(shared("date")).isNotNull();
        assertThat((Object) shared("SERVER-TIMING")).isNull();
        assertThat((Object) keys[4]).isSameAs(shared("Content-Length")).isNotNull();
        assertThat((Object) channel.readInbound()).isSameAs(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
