package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The upstream codec: responses paired with their requests (HEAD), and the backends' usual header names shared. */
class Http1UpstreamCodecTest {

    /** {@code text} as ASCII bytes. Shared with {@link PlainHeadsTest}. */
    static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    /** Sends a request of {@code method} through the codec (so that it expects the response) and drops its bytes. */
    static void send(EmbeddedChannel channel, HttpMethod method) {
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

        FullHttpResponse head = channel.readInbound();
        assertThat(head.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("5");
        assertThat(head.content().readableBytes()).as("HEAD: no body").isZero();
        head.release();
        FullHttpResponse get = channel.readInbound();
        assertThat(get.status().code()).isEqualTo(200);
        assertThat(get.content().toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
        get.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void responseWhoseBodyComesLater_isAHeadThenPieces_asNettyGivesIt() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.upstream());
        send(channel, HttpMethod.GET);

        channel.writeInbound(bytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel"));
        HttpResponse head = channel.readInbound();
        assertThat(head).isNotInstanceOf(HttpContent.class);
        HttpContent piece = channel.readInbound();
        assertThat(piece).isNotInstanceOf(LastHttpContent.class);
        piece.release();
        channel.writeInbound(bytes("lo"));
        LastHttpContent end = channel.readInbound();
        assertThat(end.content().toString(StandardCharsets.US_ASCII)).isEqualTo("lo");
        end.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void usualHeaderNames_areShared_otherSpellingsTravelAsSent() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.upstream());
        send(channel, HttpMethod.GET);

        channel.writeInbound(bytes("HTTP/1.1 200 OK\r\nServer: nginx\r\ndate: today\r\nSERVER-TIMING: x\r\n"
                + "X-Custom: y\r\nContent-Length: 0\r\n\r\n"));

        FullHttpResponse response = channel.readInbound();
        Map<CharSequence, CharSequence> names = new LinkedHashMap<>();
        response.headers().iteratorCharSequence().forEachRemaining(e -> names.put(e.getKey(), e.getValue()));
        CharSequence[] keys = names.keySet().toArray(new CharSequence[0]);
        assertThat(keys).extracting(CharSequence::toString)
                .containsExactly("Server", "date", "SERVER-TIMING", "X-Custom", "Content-Length");
        assertThat((Object) keys[0]).isSameAs(SharedHeaderNamesTest.shared("Server")).isNotNull();
        assertThat((Object) keys[1]).isSameAs(SharedHeaderNamesTest.shared("date")).isNotNull();
        assertThat((Object) SharedHeaderNamesTest.shared("SERVER-TIMING")).isNull();
        assertThat((Object) keys[4]).isSameAs(SharedHeaderNamesTest.shared("Content-Length")).isNotNull();
        assertThat(response.content().isReadable()).isFalse();
        response.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void usualStatusLines_areNettysConstants_andUnusualOnesAreKeptAsSent() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.upstream());
        for (int i = 0; i < 4; i++) {
            send(channel, HttpMethod.GET);
        }
        channel.writeInbound(bytes("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
                + "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"
                + "HTTP/1.0 200 Fine\r\nContent-Length: 0\r\n\r\n"
                + "HTTP/1.1 299 Custom\r\nContent-Length: 0\r\n\r\n"));

        HttpResponse ok = readResponse(channel);
        assertThat(ok.status()).isSameAs(HttpResponseStatus.OK);
        assertThat(ok.protocolVersion()).isSameAs(HttpVersion.HTTP_1_1);
        assertThat(readResponse(channel).status()).isSameAs(HttpResponseStatus.NOT_FOUND);
        HttpResponse fine = readResponse(channel);
        assertThat(fine.protocolVersion()).isEqualTo(HttpVersion.HTTP_1_0);
        assertThat(fine.status().code()).isEqualTo(200);
        assertThat(fine.status().reasonPhrase()).isEqualTo("Fine");
        HttpResponse custom = readResponse(channel);
        assertThat(custom.status().code()).isEqualTo(299);
        assertThat(custom.status().reasonPhrase()).isEqualTo("Custom");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void theUsualStatusLineWords_areSharedStrings_notNewOnes() {
        Http1UpstreamCodec.ResponseDecoder decoder =
                Http1Codecs.upstream().new ResponseDecoder(Http1Codecs.decoderConfig());
        byte[] first = "HTTP/1.1 200 OK".getBytes(StandardCharsets.US_ASCII);
        byte[] second = "xxHTTP/1.1 200 OK".getBytes(StandardCharsets.US_ASCII);

        assertThat(decoder.splitFirstWordInitialLine(first, 0, 8))
                .isEqualTo("HTTP/1.1").isSameAs(decoder.splitFirstWordInitialLine(second, 2, 8));
        String code = decoder.splitSecondWordInitialLine(first, 9, 3);
        assertThat(code).isEqualTo("200");
        assertThat(decoder.splitThirdWordInitialLine(first, 13, 2)).isEqualTo("OK")
                .isSameAs(HttpResponseStatus.OK.reasonPhrase());
        assertThat(decoder.splitSecondWordInitialLine(second, 11, 3)).isSameAs(code);
        assertThat(decoder.splitThirdWordInitialLine("HTTP/1.1 200 Fine".getBytes(StandardCharsets.US_ASCII), 13, 4))
                .isEqualTo("Fine");
        assertThat(decoder.splitSecondWordInitialLine("HTTP/1.1 700".getBytes(StandardCharsets.US_ASCII), 9, 3))
                .isEqualTo("700");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"HTTP/1.1 099 Weird", "HTTP/1.1 000 X", "HTTP/1.1 1000 X", "HTTP/1.1 99 X",
        "HTTP/1.1 2x0 X", "HTTP/1.1 0200 OK", "HTTP/1.1 -200 X"})
    void statusCodeThatIsNotThreeDigitsFrom100_isAMalformedResponse(String statusLine) {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.upstream());
        send(channel, HttpMethod.GET);

        channel.writeInbound(bytes(statusLine + "\r\nContent-Length: 2\r\n\r\nok"));

        HttpResponse response = channel.readInbound();
        assertThat(response.decoderResult().isFailure()).as("decoder result of %s", statusLine).isTrue();
        assertThat(response.decoderResult().cause()).hasMessageContaining("expected: three digits, 100-999");
        ReferenceCountUtil.release(response);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    /** The next response, read whole (its body empty): released, its head still readable. */
    private static HttpResponse readResponse(EmbeddedChannel channel) {
        FullHttpResponse response = channel.readInbound();
        assertThat(response.content().isReadable()).isFalse();
        response.release();
        return response;
    }
}
