package dev.bluegreen.proxy.internal.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.internal.codec.ArrayHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class HopByHopHeadersTest {

    @Test
    void strip_removesTheFixedHopByHopFields() {
        for (HttpHeaders headers : List.of(new DefaultHttpHeaders(), ArrayHttpHeaders.headersFactory().newHeaders())) {
            headers.add("Connection", "keep-alive")
                    .add("Keep-Alive", "timeout=5")
                    .add("Proxy-Connection", "keep-alive")
                    .add("Proxy-Authorization", "Basic eA==")
                    .add("TE", "trailers")
                    .add("Trailer", "X-Checksum")
                    .add("Transfer-Encoding", "chunked")
                    .add("Upgrade", "h2c")
                    .add("Content-Type", "text/plain");

            HopByHopHeaders.strip(headers);

            assertThat(headers.names()).as(headers.getClass().getSimpleName()).containsExactly("Content-Type");
        }
    }

    @Test
    void strip_removesEachFixedField_alone_andKeepsFieldsOfTheSameLength_inTheDecodersMaps() {
        // The decoders' maps are scanned only for the names as long as one of the message's fields.
        List<String> hopByHop = List.of("connection", "KEEP-ALIVE", "Proxy-Connection", "Proxy-Authenticate",
                "proxy-authorization", "te", "Trailer", "Transfer-Encoding", "upgrade");
        for (String name : hopByHop) {
            HttpHeaders headers = ArrayHttpHeaders.headersFactory().newHeaders()
                    .add("X-Trace-Id", "1").add("Accept", "*/*").add(name, "x").add("Tf", "2").add("Referer", "r");

            HopByHopHeaders.strip(headers);

            assertThat(headers.names()).as(name).containsExactly("X-Trace-Id", "Accept", "Tf", "Referer");
        }
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

        String named = HopByHopHeaders.strip(headers);

        assertThat(headers.names()).containsExactly("X-Four");
        assertThat(named).as("what the Connection fields named, for the trailers")
                .isEqualTo("close, X-One ,x-two,X-Three");
    }

    @Test
    void strip_tellsWhatConnectionNamed_onlyWhenItNamedMoreThanTheUsualOptions() {
        for (HttpHeaders headers : List.of(new DefaultHttpHeaders(), ArrayHttpHeaders.headersFactory().newHeaders())) {
            String what = headers.getClass().getSimpleName();
            assertThat(HopByHopHeaders.strip(headers.add("Content-Type", "text/plain"))).as(what).isNull();
            assertThat(HopByHopHeaders.strip(headers.add("Connection", "Keep-Alive, close, upgrade"))).as(what)
                    .isNull();
            assertThat(HopByHopHeaders.strip(headers.add("Connection", "keep-alive, x-custom"))).as(what)
                    .isEqualTo("keep-alive, x-custom");
            assertThat(HopByHopHeaders.strip(headers.add("Connection", "close").add("Connection", "x-custom")))
                    .as(what).isEqualTo("x-custom");
        }
    }

    @Test
    void strip_readsEveryConnectionFieldBeforeActing_inTheDecodersMaps() {
        // The decoders' maps take the path without a list when there is one Connection field; with two, the first
        // names Connection itself, and the second must still be read.
        HttpHeaders one = ArrayHttpHeaders.headersFactory().newHeaders()
                .add("Connection", "keep-alive, X-One").add("X-One", "1").add("X-Two", "2");
        HttpHeaders two = ArrayHttpHeaders.headersFactory().newHeaders()
                .add("Connection", "connection").add("Connection", "X-Two").add("X-One", "1").add("X-Two", "2");

        HopByHopHeaders.strip(one);
        HopByHopHeaders.strip(two);

        assertThat(one.names()).containsExactly("X-Two");
        assertThat(two.names()).containsExactly("X-One");
    }

    @Test
    void strip_toleratesEmptyTokens() {
        HttpHeaders headers = new DefaultHttpHeaders().add("Connection", "close,,X-A,").add("X-A", "a").add("Accept", "*/*");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).containsExactly("Accept");
    }

    @Test
    void strip_neverRemovesFramingOrTheProxysOwnFields_thoughConnectionNamesThem() {
        HttpHeaders headers = new DefaultHttpHeaders()
                .add("Connection", "Content-Length, Host, Via, Forwarded")
                .add("Connection", "X-Forwarded-For, X-Forwarded-Proto")
                .add("Connection", "x-forwarded-host, X-Other")
                .add("Content-Length", "5")
                .add("Host", "shop.example")
                .add("Via", "1.1 lb")
                .add("Forwarded", "for=1.2.3.4")
                .add("X-Forwarded-For", "1.2.3.4")
                .add("X-Forwarded-Proto", "https")
                .add("X-Forwarded-Host", "www.example")
                .add("X-Other", "gone");

        HopByHopHeaders.strip(headers);

        assertThat(headers.names()).containsExactlyInAnyOrder("Content-Length", "Host", "Via", "Forwarded",
                "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host");
    }

    @Test
    void strip_keepsProxyAuthorization_whenAsked() {
        HttpHeaders headers = new DefaultHttpHeaders().add("Proxy-Authorization", "Basic eA==");
        HopByHopHeaders.strip(headers, true);
        assertThat(headers.get("Proxy-Authorization")).isEqualTo("Basic eA==");
    }
}
