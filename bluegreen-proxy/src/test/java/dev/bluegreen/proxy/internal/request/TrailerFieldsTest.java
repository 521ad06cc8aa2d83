package dev.bluegreen.proxy.internal.request;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.internal.codec.ArrayHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** Which trailer fields pass the proxy (RFC 9110 §6.5.1), in every map the proxy puts trailers in. */
class TrailerFieldsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "content-length", "Transfer-Encoding", "TRAILER",
        "connection", "keep-alive", "proxy-connection", "upgrade", "te", "http2-settings", "proxy-authenticate",
        "proxy-authorization",
        "host", "Forwarded", "x-forwarded-for", "X-Forwarded-Proto", "x-forwarded-host", "x-forwarded-port",
        "x-forwarded-prefix", "x-real-ip", "via", "max-forwards",
        "expect", "range", "if-match", "if-none-match", "if-modified-since", "if-unmodified-since", "if-range",
        "cache-control", "pragma", "authorization", ":status"})
    void fieldThatFramesRoutesOrControls_neverPasses(String name) {
        assertThat(TrailerFields.mayPass(name)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"grpc-status", "grpc-message", "grpc-status-details-bin", "x-checksum", "server-timing",
        "digest", "x-forwarded", "etag"})
    void anyOtherField_passes(String name) {
        assertThat(TrailerFields.mayPass(name)).isTrue();
    }

    @Test
    void strip_dropsWhatMayNotPass_andWhatTheTrailersConnectionNames_keepingTheRestInOrder() {
        for (HttpHeaders trailers : List.of(new DefaultHttpHeaders(false), ArrayHttpHeaders.unchecked(),
                ArrayHttpHeaders.headersFactory().newHeaders())) {
            trailers.add("grpc-status", "0")
                    .add("X-Forwarded-For", "6.6.6.6")
                    .add("Connection", "x-hop, close")
                    .add("x-hop", "1")
                    .add("Host", "evil")
                    .add("grpc-message", "ok")
                    .add("x-forwarded-for", "7.7.7.7");

            int dropped = TrailerFields.strip(trailers, "test");

            assertThat(trailers.names()).as(trailers.getClass().getSimpleName())
                    .containsExactly("grpc-status", "grpc-message");
            assertThat(dropped).isEqualTo(5);
        }
    }

    @Test
    void strip_dropsWhatTheHeadsConnectionNamed_asWellAsWhatTheTrailersOwnNames() {
        for (HttpHeaders trailers : List.of(new DefaultHttpHeaders(false), ArrayHttpHeaders.unchecked(),
                ArrayHttpHeaders.headersFactory().newHeaders())) {
            trailers.add("grpc-status", "0")
                    .add("X-Custom", "1")
                    .add("x-other", "2")
                    .add("Connection", "x-own")
                    .add("x-own", "3")
                    .add("x-checksum", "abc");

            int dropped = TrailerFields.strip(trailers, "keep-alive, x-custom ,X-OTHER", "test");

            assertThat(trailers.names()).as(trailers.getClass().getSimpleName())
                    .containsExactly("grpc-status", "x-checksum");
            assertThat(dropped).isEqualTo(4);
        }
    }

    @Test
    void stripIfNamed_doesNothing_whenTheHeadNamedNoField() {
        HttpHeaders trailers = new DefaultHttpHeaders(false).add("host", "evil").add("x-custom", "1");

        TrailerFields.stripIfNamed(trailers, null, "test");
        assertThat(trailers.names()).as("left to the client side's strip").containsExactly("host", "x-custom");

        TrailerFields.stripIfNamed(trailers, "x-custom", "test");
        assertThat(trailers.isEmpty()).isTrue();
    }

    @Test
    void strip_leavesAnEmptySectionAlone_evenAnImmutableOne() {
        assertThat(TrailerFields.strip(EmptyHttpHeaders.INSTANCE, "test")).isZero();
    }
}
