package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.testing.PatternSink;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.SeenRequest;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** HTTP/1.1 as a proxy must speak it: framing, interim responses, bodiless responses and hop-by-hop headers. */
class HttpSemanticsTest {

    @Test
    void chunkedUpload_isStreamedToTheBackendWhole() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("POST", "/upload", Map.of("Transfer-Encoding", "chunked"))
                    .sendPatternChunked(3_000_000, 10_000);
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Received-Bytes")).isEqualTo("3000000");
            assertThat(response.header("X-Received-Crc32"))
                    .isEqualTo(Long.toHexString(TestBackend.patternCrc32(3_000_000)));
        }
    }

    @Test
    void contentLengthUploadSentInOneWrite_isStreamedToTheBackendWhole() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            byte[] body = new byte[200_000];
            for (int i = 0; i < body.length; i++) {
                body[i] = TestBackend.patternByte(i);
            }
            byte[] head = ("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            byte[] whole = new byte[head.length + body.length];
            System.arraycopy(head, 0, whole, 0, head.length);
            System.arraycopy(body, 0, whole, head.length, body.length);
            client.send(whole);
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Received-Bytes")).isEqualTo("200000");
        }
    }

    @Test
    void chunkedDownload_reachesTheClientWhole_andTheConnectionStaysUsable() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            fixture.blue().chunkedDownload(5_000_000);
            client.request("GET", "/big", Map.of());
            PatternSink sink = new PatternSink();
            RawResponse response = client.readResponse(sink);

            assertThat(response.status()).isEqualTo(200);
            sink.verify(5_000_000);
            fixture.blue().reply();
            assertThat(client.get("/small").bodyText()).isEqualTo("blue-1");
        }
    }

    @Test
    void closeDelimitedResponse_isRechunkedForAnHttp11Client() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            fixture.blue().behave(dev.bluegreen.testing.Behaviour.closeDelimitedDownload(100_000));
            client.request("GET", "/", Map.of());
            PatternSink sink = new PatternSink();
            RawResponse response = client.readResponse(sink);

            assertThat(response.header("Transfer-Encoding")).isEqualTo("chunked");
            sink.verify(100_000);
            fixture.blue().reply();
            assertThat(client.get("/next").status()).isEqualTo(200);
        }
    }

    @Test
    void headAnd204And304_carryNoBody_andDoNotMisframeTheNextResponse() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("HEAD", "/", Map.of());
            RawResponse head = client.readResponse(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.header("Content-Length")).isEqualTo("6");

            fixture.blue().status(204, "");
            assertThat(client.get("/204").status()).isEqualTo(204);
            fixture.blue().status(304, "");
            assertThat(client.get("/304").status()).isEqualTo(304);

            fixture.blue().reply();
            assertThat(client.get("/after").bodyText()).isEqualTo("blue-1");
        }
    }

    @Test
    void expect100Continue_isRelayedFromTheBackend_beforeTheBodyIsSent() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("POST", "/upload", Map.of("Content-Length", "1000", "Expect", "100-continue"));
            RawResponse interim = client.readResponse();
            assertThat(interim.status()).isEqualTo(100);
            assertThat(interim.header("Via")).as("RFC 9110 §7.6.3: in each message forwarded")
                    .isEqualTo("1.1 bluegreen");

            client.sendPattern(1000);
            RawResponse response = client.readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Received-Bytes")).isEqualTo("1000");
            assertThat(client.get("/next").status()).isEqualTo(200);
        }
    }

    @Test
    void hopByHopHeaders_areStripped_andForwardingHeadersReplaceTheClients() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Host", "shop.example");
            headers.put("Connection", "keep-alive, X-Secret");
            headers.put("X-Secret", "hop");
            headers.put("Keep-Alive", "timeout=5");
            headers.put("Proxy-Connection", "keep-alive");
            headers.put("TE", "trailers");
            headers.put("Upgrade", "websocket");
            headers.put("X-Forwarded-For", "6.6.6.6");
            headers.put("X-End-To-End", "kept");
            client.request("GET", "/", headers);
            assertThat(client.readResponse().status()).isEqualTo(200);

            SeenRequest seen = fixture.blue().requests().get(0);
            assertThat(seen.header("X-Secret")).isNull();
            assertThat(seen.header("Keep-Alive")).isNull();
            assertThat(seen.header("Proxy-Connection")).isNull();
            assertThat(seen.header("TE")).isNull();
            assertThat(seen.header("Upgrade")).isNull();
            assertThat(seen.header("Connection")).isNull();
            assertThat(seen.header("X-End-To-End")).isEqualTo("kept");
            assertThat(seen.header("Host")).isEqualTo("shop.example");
            assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
            assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
            assertThat(seen.header("X-Forwarded-Host")).isEqualTo("shop.example");
        }
    }

    /**
     * RFC 9112 §9.6: after a request with {@code Connection: close} (or an HTTP/1.0 one without keep-alive) the
     * connection ends with its response, so a request the client pipelined behind it must not be processed: its
     * response could never reach the client, which would send it again (a POST twice).
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"GET /first HTTP/1.1\r\nHost: shop.example\r\nConnection: close\r\n\r\n",
            "GET /first HTTP/1.0\r\nHost: shop.example\r\n\r\n"})
    void requestPipelinedBehindTheConnectionsLast_neverReachesTheBackend(String last) {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.send(last + "POST /behind HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 3\r\n\r\nabc");

            assertThat(client.readResponse().status()).isEqualTo(200);
            assertThat(client.isClosedByPeer(Duration.ofSeconds(10))).isTrue();
            // Nothing to wait for but the absence of a second request: give it time to show, had it been sent.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> fixture.blue().requestCount() == 1);
            assertThat(fixture.blue().requests()).extracting(SeenRequest::uri).containsExactly("/first");
        }
    }

    @Test
    void http10Client_getsAWholeResponse_andTheConnectionClosesWhenItAskedNoKeepAlive() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            fixture.blue().chunkedDownload(10_000);
            client.send("GET / HTTP/1.0\r\nHost: x\r\n\r\n");
            PatternSink sink = new PatternSink();
            RawResponse response = client.readResponse(sink);

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Transfer-Encoding")).isNull();
            sink.verify(10_000);
            assertThat(client.isClosedByPeer()).isTrue();
        }
    }
}
