package dev.bluegreen.proxy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {

    @Test
    void strip_removesTheFixedHopByHopFields() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Connection", "keep-alive")
                .add("Keep-Alive", "timeout=5")
                .add("Proxy-Connection", "keep-alive")
                .add("Proxy-Authorization", "Basic eA==")
                .add("TE", "trailers")
                .add("Trailer", "X-Checksum")
                .add("Transfer-Encoding", "chunked")
                .add("Upgrade", "h2c")
                .add("Content-Type", "text/plain");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).containsExactly("Content-Type");
    }

    @Test
    void strip_removesEveryFieldNamedByConnection_acrossRepeatedAndSpacedLists() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Connection", "close, X-One ,x-two")
                .add("Connection", "X-Three")
                .add("X-One", "1")
                .add("X-Two", "2")
                .add("X-Three", "3")
                .add("X-Four", "4");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).containsExactly("X-Four");
    }

    @Test
    void strip_toleratesEmptyTokens() {
        HttpHeaders headers = new DefaultHttpHeaders().add("Connection", "close,,X-A,").add("X-A", "a").add("Accept", "*/*");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).containsExactly("Accept");
    }
}
