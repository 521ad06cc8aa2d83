package dev.bluegreen.proxy.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2ResetFrame;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Http2RequestDecoder} alone: the frames of a stream's request as HTTP/1.1 messages, or a reset. */
class Http2RequestDecoderTest {

    private final AtomicInteger rejected = new AtomicInteger();
    private final EmbeddedChannel channel = new EmbeddedChannel(new Http2RequestDecoder(() -> new ProxyRecorder() {
        @Override
        public void requestRejected(int status) {
            rejected.incrementAndGet();
        }
    }));

    private static Http2Headers get() {
        return new DefaultHttp2Headers(false).method("GET").scheme("https").path("/a?b").authority("shop.example");
    }

    @Test
    void requestWithoutBody_isAHeadAndAnEnd_withAuthorityAsHost() {
        channel.writeInbound(new DefaultHttp2HeadersFrame(get().add("x-a", "1"), true));

        HttpRequest head = channel.readInbound();
        assertThat(head).isNotInstanceOf(HttpContent.class);
        assertThat(head.method()).isEqualTo(HttpMethod.GET);
        assertThat(head.uri()).isEqualTo("/a?b");
        assertThat(head.headers().get("host")).isEqualTo("shop.example");
        assertThat(head.headers().get("x-a")).isEqualTo("1");
        assertThat(head.headers().names()).noneMatch(name -> name.startsWith(":") || name.startsWith("x-http2"));
        assertThat((Object) channel.readInbound()).isInstanceOf(LastHttpContent.class);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void requestWithBody_isChunkedWithoutALength_thenItsPiecesAndTrailers() {
        channel.writeInbound(new DefaultHttp2HeadersFrame(get().method("POST"), false));
        channel.writeInbound(new DefaultHttp2DataFrame(
                Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII), false));
        channel.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("x-t", "t"), true));

        HttpRequest head = channel.readInbound();
        assertThat(head.headers().get("transfer-encoding")).isEqualTo("chunked");
        HttpContent piece = channel.readInbound();
        assertThat(piece.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        piece.release();
        LastHttpContent end = channel.readInbound();
        assertThat(end.trailingHeaders().get("x-t")).isEqualTo("t");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void cookies_becomeOneField_andAnEqualHost_isKeptOnce() {
        channel.writeInbound(new DefaultHttp2HeadersFrame(get().add("cookie", "a=1").add("cookie", "b=2")
                .add("host", "shop.example"), true));

        HttpRequest head = channel.readInbound();
        assertThat(head.headers().getAll("cookie")).containsExactly("a=1; b=2");
        assertThat(head.headers().getAll("host")).containsExactly("shop.example");
        assertThat(channel.finishAndReleaseAll()).isTrue();
    }

    @Test
    void hostOtherThanAuthority_resetsTheStream() {
        assertReset(get().add("host", "other.example"));
    }

    @Test
    void missingPath_resetsTheStream() {
        assertReset(withoutPath());
    }

    @Test
    void missingMethod_resetsTheStream_ratherThanPassingForTrailers() {
        Http2Headers headers = get();
        headers.remove(":method");
        assertReset(headers);
    }

    @Test
    void valueWithALineFeed_resetsTheStream() {
        assertReset(get().add("x", "a\nb"));
    }

    @Test
    void valueWithTrailingWhiteSpace_resetsTheStream() {
        assertReset(get().add("x", "a "));
    }

    private static Http2Headers withoutPath() {
        Http2Headers headers = get();
        headers.remove(":path");
        return headers;
    }

    private void assertReset(Http2Headers headers) {
        channel.writeInbound(new DefaultHttp2HeadersFrame(headers, true));

        assertThat((Object) channel.readInbound()).as("nothing decoded").isNull();
        Http2ResetFrame reset = channel.readOutbound();
        assertThat(reset.errorCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
        assertThat(rejected).hasValue(1);
        assertThat(channel.isOpen()).as("the stream is closed").isFalse();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
