package dev.bluegreen.proxy.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

/** {@link Http2StreamRequests} alone: a request of an HTTP/2 stream as the HTTP/1.1 handlers expect it. */
class Http2StreamRequestsTest {

    @Test
    void requestWithoutBody_isSplitIntoHeadAndEnd_withoutTheCodecsHeaders() {
        EmbeddedChannel channel = new EmbeddedChannel(new Http2StreamRequests());
        FullHttpRequest full = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/a?b",
                Unpooled.EMPTY_BUFFER);
        full.headers().set("host", "example.com").set("x-http2-stream-id", "3").set("x-http2-scheme", "https");
        full.trailingHeaders().set("x-trailer", "t");

        channel.writeInbound(full);

        HttpRequest head = channel.readInbound();
        assertThat(head).isNotInstanceOf(HttpContent.class);
        assertThat(head.method()).isEqualTo(HttpMethod.GET);
        assertThat(head.uri()).isEqualTo("/a?b");
        assertThat(head.headers().get("host")).isEqualTo("example.com");
        assertThat(head.headers().names()).noneMatch(name -> name.startsWith("x-http2-"));
        LastHttpContent end = channel.readInbound();
        assertThat(end.content().readableBytes()).isZero();
        assertThat(end.trailingHeaders().get("x-trailer")).isEqualTo("t");
        end.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void requestWithBody_passesAsIs_withoutTheCodecsHeaders() {
        EmbeddedChannel channel = new EmbeddedChannel(new Http2StreamRequests());
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
        request.headers().set("x-http2-stream-id", "5").set("content-length", "3");

        channel.writeInbound(request);

        HttpRequest passed = channel.readInbound();
        assertThat(passed).isSameAs(request);
        assertThat(passed.headers().contains("x-http2-stream-id")).isFalse();
        assertThat(passed.headers().get("content-length")).isEqualTo("3");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
