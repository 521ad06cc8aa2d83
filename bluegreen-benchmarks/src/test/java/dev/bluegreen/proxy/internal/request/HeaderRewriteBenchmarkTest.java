package dev.bluegreen.proxy.internal.request;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** Each benchmark method called outside JMH: the head is realistic and comes out rewritten as the proxy sends it. */
class HeaderRewriteBenchmarkTest {

    @Test
    void buildHead_isARealisticBrowserHead() {
        HttpHeaders headers = new HeaderRewriteBenchmark().buildHead().headers();
        assertThat(headers.size()).isBetween(10, 15);
        assertThat(headers.get(HttpHeaderNames.CONNECTION)).isEqualTo("keep-alive");
    }

    @Test
    void buildHeadStripAndSet_removesHopByHopAndReplacesForwarding() {
        HttpRequest request = new HeaderRewriteBenchmark().buildHeadStripAndSet();
        HttpHeaders headers = request.headers();
        assertThat(headers.contains(HttpHeaderNames.CONNECTION)).isFalse();
        assertThat(headers.contains(HttpHeaderNames.KEEP_ALIVE)).isFalse();
        assertThat(headers.getAll(ForwardedHeaders.X_FORWARDED_FOR)).containsExactly("127.0.0.1");
        assertThat(headers.get(ForwardedHeaders.X_FORWARDED_PROTO)).isEqualTo("http");
        assertThat(headers.get(ForwardedHeaders.X_FORWARDED_HOST)).isEqualTo("shop.example.com");
        assertThat(headers.get(ForwardedHeaders.FORWARDED)).startsWith("for=127.0.0.1;");
        assertThat(headers.get(HttpHeaderNames.VIA)).isEqualTo("1.1 bluegreen");
        // Connection and Keep-Alive gone; X-Forwarded-Proto, -Host, Forwarded and Via added (-For replaced).
        assertThat(headers.size()).isEqualTo(HeaderRewriteBenchmark.REQUEST_HEADERS.length - 2 + 4);
    }

    @Test
    void buildResponseHeadAndStrip_keepsTheEndToEndHeaders() {
        HttpResponse response = new HeaderRewriteBenchmark().buildResponseHeadAndStrip();
        assertThat(response.headers().contains(HttpHeaderNames.CONNECTION)).isFalse();
        assertThat(response.headers().get(HttpHeaderNames.CONTENT_LENGTH)).isEqualTo("1234");
    }

    @Test
    void decodeRewriteEncode_sendsTheRewrittenHeadUpstream_withoutLeaking() {
        HeaderRewriteBenchmark benchmark = new HeaderRewriteBenchmark();
        benchmark.setUp();
        try {
            int first = benchmark.decodeRewriteEncode();
            // The same head every time: nothing accumulates in the decoder between operations.
            for (int i = 0; i < 100; i++) {
                assertThat(benchmark.decodeRewriteEncode()).isEqualTo(first);
            }
            assertThat(first).isGreaterThan(400);
            assertThat(benchmark.decodeRewriteEncodeUnvalidated()).isEqualTo(first);
        } finally {
            benchmark.tearDown();
        }
    }
}
