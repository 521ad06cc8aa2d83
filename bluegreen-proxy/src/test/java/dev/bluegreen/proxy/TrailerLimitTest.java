package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The field count limit ({@code maxHeaderCount}, 100) binds a request's trailer section as it binds its head, on both
 * protocols: more trailer fields are {@code 431}, and the request never reaches its end at the backend. Each request
 * comes in one write.
 */
class TrailerLimitTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private ProxyFixture fixture;

    @BeforeEach
    void start() {
        fixture = ProxyFixture.start();
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    private static String trailerFields(int count) {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < count; i++) {
            fields.append("x-t").append(i).append(": v\r\n");
        }
        return fields.toString();
    }

    private static String chunkedPost(int trailerFields) {
        return "POST /upload HTTP/1.1\r\nHost: shop.example\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n0\r\n" + trailerFields(trailerFields) + "\r\n";
    }

    @Test
    void http1_trailersOverTheFieldLimit_are431_andTheRequestNeverEndsAtTheBackend() {
        try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.send(chunkedPost(101));
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(431);
            assertThat(response.bodyText()).startsWith("request header fields too large: 101 trailer fields");
            assertThat(client.isClosedByPeer(WAIT)).isTrue();
        }
        assertNoTrailerReachedTheBackend();
    }

    /**
     * The head may have gone on before the trailers were read (a request split across reads, a stream's HEADERS
     * frame): then the backend's connection is cut, the body never ended there, and no trailer reached it.
     */
    private void assertNoTrailerReachedTheBackend() {
        fixture.blue().awaitOpenConnections(0, WAIT);
        assertThat(fixture.blue().requests()).allSatisfy(seen -> {
            assertThat(seen.bodyBytes()).isLessThan(3);
            assertThat(seen.header("x-t0")).isNull();
        });
    }

    @Test
    void http1_trailersAtTheFieldLimit_areForwarded() {
        try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.send(chunkedPost(100));

            assertThat(client.readResponse().status()).isEqualTo(200);
        }
        assertThat(fixture.blue().requests()).singleElement()
                .satisfies(seen -> assertThat(seen.bodyBytes()).isEqualTo(3));
    }

    @Test
    void http2_trailersOverTheFieldLimit_are431() throws Exception {
        try (RawH2Connection client = RawH2Connection.open(fixture.port())) {
            Http2Headers head = new DefaultHttp2Headers(false).method("POST").scheme("http").path("/upload")
                    .authority("shop.example");
            Http2Headers trailers = new DefaultHttp2Headers(false);
            for (int i = 0; i < 101; i++) {
                trailers.add("x-t" + i, "v");
            }
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            frames.write(client.headersFrame(1, head, false));
            frames.write(RawH2Connection.encode(RawH2Connection.DATA, 0, 1, new byte[] {'a', 'b', 'c'}));
            frames.write(client.headersFrame(1, trailers, true));
            client.writeRaw(frames.toByteArray());

            assertThat(client.awaitStatus(1, WAIT)).isEqualTo(431);
        }
        assertNoTrailerReachedTheBackend();
    }
}
