package dev.bluegreen.proxy.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2RequestDecoder} alone: the frames of a stream's request as HTTP/1.1 messages, or the reason it is
 * malformed (for which its stream resets it).
 */
class Http2RequestDecoderTest {

    private final Http2RequestDecoder decoder = new Http2RequestDecoder();
    private final List<HttpObject> messages = new ArrayList<>();
    private final List<String> malformed = new ArrayList<>();
    private final Http2RequestDecoder.Output out = new Http2RequestDecoder.Output() {
        @Override
        public void message(HttpObject msg) {
            messages.add(msg);
        }

        @Override
        public void malformed(String why) {
            malformed.add(why);
        }
    };

    @AfterEach
    void releaseMessages() {
        messages.forEach(ReferenceCountUtil::release);
    }

    private static Http2Headers get() {
        return new DefaultHttp2Headers(false).method("GET").scheme("https").path("/a?b").authority("shop.example");
    }

    @Test
    void requestWithoutBody_isAHeadAndAnEnd_withAuthorityAsHost() {
        decoder.headers(new DefaultHttp2HeadersFrame(get().add("x-a", "1"), true), out);

        assertThat(messages).hasSize(2);
        assertThat(messages.get(0)).isInstanceOf(HttpRequest.class).isNotInstanceOf(HttpContent.class);
        HttpRequest head = (HttpRequest) messages.get(0);
        assertThat(head.method()).isEqualTo(HttpMethod.GET);
        assertThat(head.uri()).isEqualTo("/a?b");
        assertThat(head.headers().get("host")).isEqualTo("shop.example");
        assertThat(head.headers().get("x-a")).isEqualTo("1");
        assertThat(head.headers().names()).noneMatch(name -> name.startsWith(":") || name.startsWith("x-http2"));
        assertThat(Http2RequestDecoder.endsStream(head)).as("the head ends the stream").isTrue();
        assertThat(messages.get(1)).isInstanceOf(LastHttpContent.class);
        assertThat(malformed).isEmpty();
    }

    @Test
    void requestWithBody_isChunkedWithoutALength_thenItsPiecesAndTrailers() {
        decoder.headers(new DefaultHttp2HeadersFrame(get().method("POST"), false), out);
        Http2DataFrame data = new DefaultHttp2DataFrame(ByteBufUtil.writeAscii(ByteBufAllocator.DEFAULT, "abc"), false);
        HttpContent piece = Http2RequestDecoder.content(data);
        decoder.headers(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().add("x-t", "t"), true), out);

        assertThat(messages).hasSize(2);
        HttpRequest head = (HttpRequest) messages.get(0);
        assertThat(head.headers().get("transfer-encoding")).isEqualTo("chunked");
        assertThat(Http2RequestDecoder.endsStream(head)).as("a body follows").isFalse();
        assertThat(piece).isNotInstanceOf(LastHttpContent.class);
        assertThat(piece.content().toString(StandardCharsets.US_ASCII)).isEqualTo("abc");
        assertThat(piece.refCnt()).as("the frame released, the piece owning the bytes").isEqualTo(1);
        piece.release();
        assertThat(messages.get(1)).isInstanceOfSatisfying(LastHttpContent.class,
                end -> assertThat(end.trailingHeaders().get("x-t")).isEqualTo("t"));
        assertThat(malformed).isEmpty();
    }

    @Test
    void dataFrameThatEndsTheStream_isTheLastPiece_andTheFrameIsReleased() {
        ByteBuf bytes = ByteBufUtil.writeAscii(ByteBufAllocator.DEFAULT, "xyz");
        HttpContent last = Http2RequestDecoder.content(new DefaultHttp2DataFrame(bytes, true));

        assertThat(last).isInstanceOf(LastHttpContent.class);
        assertThat(last.content().toString(StandardCharsets.US_ASCII)).isEqualTo("xyz");
        assertThat(bytes.refCnt()).as("only the piece holds the bytes").isEqualTo(1);
        last.release();
        assertThat(bytes.refCnt()).isZero();
    }

    @Test
    void cookies_becomeOneField_andAnEqualHost_isKeptOnce() {
        decoder.headers(new DefaultHttp2HeadersFrame(get().add("cookie", "a=1").add("cookie", "b=2")
                .add("host", "shop.example"), true), out);

        HttpRequest head = (HttpRequest) messages.get(0);
        assertThat(head.headers().getAll("cookie")).containsExactly("a=1; b=2");
        assertThat(head.headers().getAll("host")).containsExactly("shop.example");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1)).as("the end follows the head").isInstanceOf(LastHttpContent.class);
    }

    @Test
    void hostOtherThanAuthority_isMalformed() {
        assertMalformed(get().add("host", "other.example"), "a host field other than :authority");
    }

    @Test
    void missingPath_isMalformed() {
        Http2Headers headers = get();
        headers.remove(":path");
        assertMalformed(headers, "no :path");
    }

    @Test
    void missingMethod_isMalformed_ratherThanPassingForTrailers() {
        Http2Headers headers = get();
        headers.remove(":method");
        assertMalformed(headers, "no :method");
    }

    @Test
    void valueWithALineFeed_isMalformed() {
        assertMalformed(get().add("x", "a\nb"), "an invalid value in field 'x'");
    }

    @Test
    void valueWithTrailingWhiteSpace_isMalformed() {
        assertMalformed(get().add("x", "a "), "an invalid value in field 'x'");
    }

    @Test
    void trailersWithFramingFields_areDecodedAsTheyCame_forTrailerFieldsToDrop() {
        // Netty's own trailers map throws at content-length, transfer-encoding and trailer: that exception closed
        // the client's whole connection.
        decoder.headers(new DefaultHttp2HeadersFrame(get().method("POST"), false), out);
        decoder.headers(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers(false).add("content-length", "3")
                .add("trailer", "x").add("transfer-encoding", "chunked").add("x-t", "t"), true), out);

        assertThat(malformed).isEmpty();
        assertThat(messages).hasSize(2);
        LastHttpContent end = (LastHttpContent) messages.get(1);
        assertThat(end.trailingHeaders().names())
                .containsExactly("content-length", "trailer", "transfer-encoding", "x-t");
    }

    @Test
    void trailersWithAnInvalidValue_areMalformed_andNoEndIsDecoded() {
        decoder.headers(new DefaultHttp2HeadersFrame(get().method("POST"), false), out);
        decoder.headers(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers(false).add("x-t", " t"), true), out);

        assertThat(messages).singleElement().isInstanceOf(HttpRequest.class);
        assertThat(malformed).containsExactly("an invalid value in field 'x-t'");
    }

    private void assertMalformed(Http2Headers headers, String why) {
        decoder.headers(new DefaultHttp2HeadersFrame(headers, true), out);

        assertThat(messages).as("nothing decoded").isEmpty();
        assertThat(malformed).as("the stream is told to reset").containsExactly(why);
    }
}
