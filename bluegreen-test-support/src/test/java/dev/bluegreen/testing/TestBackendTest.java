package dev.bluegreen.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TestBackendTest {

    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final long TEN_MB = 10L * 1024 * 1024;

    private TestBackend backend;
    private RawHttpClient client;

    @BeforeEach
    void start() {
        backend = TestBackend.start("blue-1");
        client = RawHttpClient.connect(backend.port());
    }

    @AfterEach
    void stop() {
        client.close();
        backend.close();
    }

    @Test
    void defaultReply_isTheNameWithLengthAndBackendHeader() {
        RawResponse response = client.get("/hello?x=1");

        assertThat(response.protocol()).isEqualTo("HTTP/1.1");
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("blue-1");
        assertThat(response.header("x-backend")).isEqualTo("blue-1");
        assertThat(response.header("Content-Length")).isEqualTo("6");
        assertThat(response.header("Content-Type")).startsWith("text/plain");
        assertThat(response.header(TestBackend.X_RECEIVED_BYTES.toString())).isNull();

        SeenRequest seen = backend.requests().get(0);
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.uri()).isEqualTo("/hello?x=1");
        assertThat(seen.protocol()).isEqualTo("HTTP/1.1");
        assertThat(seen.header("HOST")).isEqualTo("127.0.0.1:" + backend.port());
        assertThat(seen.bodyBytes()).isZero();
        assertThat(seen.remotePort()).isEqualTo(client.localPort());
    }

    @Test
    void keepAlive_servesThreeRequestsOnOneConnection() {
        for (int i = 0; i < 3; i++) {
            assertThat(client.get("/" + i).bodyText()).isEqualTo("blue-1");
        }

        assertThat(backend.connectionsAccepted()).isEqualTo(1);
        assertThat(backend.requests()).extracting(SeenRequest::uri).containsExactly("/0", "/1", "/2");
        assertThat(client.isClosedByPeer(Duration.ofMillis(50))).isFalse();
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder() {
        backend.download(200_000); // long enough that the second request is queued behind the first response
        client.send("GET /first HTTP/1.1\r\nHost: x\r\n\r\nHEAD /second HTTP/1.1\r\nHost: x\r\n\r\n");

        PatternSink first = new PatternSink();
        assertThat(client.readResponse(first).status()).isEqualTo(200);
        RawResponse second = client.readResponse(true);

        first.verify(200_000);
        assertThat(second.header("Content-Length")).isEqualTo("200000");
        assertThat(second.bodyLength()).isZero();
        assertThat(backend.requests()).extracting(SeenRequest::uri).containsExactly("/first", "/second");
        assertThat(client.get("/third").status()).isEqualTo(200);
    }

    @Test
    void download_streamsTenMegabytesOfPattern() {
        backend.download(TEN_MB);
        PatternSink sink = new PatternSink();

        RawResponse response = client.request("GET", "/big", Map.of()).readResponse(sink);

        assertThat(response.header("Content-Length")).isEqualTo(Long.toString(TEN_MB));
        assertThat(response.body()).isEmpty();
        assertThat(response.bodyLength()).isEqualTo(TEN_MB);
        sink.verify(TEN_MB);
        backend.reply();
        assertThat(client.get("/after").bodyText()).as("connection reusable").isEqualTo("blue-1");
    }

    @Test
    void chunkedDownload_streamsPatternInChunks() {
        backend.chunkedDownload(TEN_MB + 123);
        PatternSink sink = new PatternSink();

        RawResponse response = client.request("GET", "/big", Map.of()).readResponse(sink);

        assertThat(response.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(response.header("Content-Length")).isNull();
        sink.verify(TEN_MB + 123);
    }

    @Test
    void closeDelimitedDownload_endsWithTheConnection() {
        backend.behave(Behaviour.closeDelimitedDownload(100_000));
        PatternSink sink = new PatternSink();

        RawResponse response = client.request("GET", "/", Map.of()).readResponse(sink);

        assertThat(response.header("Connection")).isEqualTo("close");
        sink.verify(100_000);
        assertThat(client.isClosedByPeer()).isTrue();
    }

    @Test
    void chunkedUpload_reportsReceivedBytesAndCrc() {
        client.request("POST", "/upload", Map.of("Transfer-Encoding", "chunked"))
                .sendPatternChunked(TEN_MB, 50_000);

        RawResponse response = client.readResponse();

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-Received-Bytes")).isEqualTo(Long.toString(TEN_MB));
        assertThat(response.header("X-Received-Crc32")).isEqualTo(Long.toHexString(TestBackend.patternCrc32(TEN_MB)));
        assertThat(backend.requests().get(0).bodyBytes()).isEqualTo(TEN_MB);
    }

    @Test
    void contentLengthUpload_reportsReceivedBytes() {
        client.request("PUT", "/upload", Map.of("Content-Length", "1000")).sendPattern(1000);

        RawResponse response = client.readResponse();

        assertThat(response.header("X-Received-Bytes")).isEqualTo("1000");
        assertThat(response.header("X-Received-Crc32")).isEqualTo(Long.toHexString(TestBackend.patternCrc32(1000)));
    }

    @Test
    void echo_streamsTheBodyBackWithTrailers() {
        backend.echo();
        client.request("POST", "/echo", Map.of("Transfer-Encoding", "chunked"));
        CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> client.sendPatternChunked(TEN_MB, 65_536));
        PatternSink sink = new PatternSink();

        RawResponse response = client.readResponse(sink);

        upload.join();
        sink.verify(TEN_MB);
        assertThat(response.trailer("X-Received-Bytes")).isEqualTo(Long.toString(TEN_MB));
        assertThat(response.trailer("x-received-crc32")).isEqualTo(Long.toHexString(TestBackend.patternCrc32(TEN_MB)));
    }

    @Test
    void hold_keepsTheResponseUntilReleased() {
        Gate gate = backend.hold();
        try (RawHttpClient second = RawHttpClient.connect(backend.port())) {
            client.request("GET", "/one", Map.of());
            second.request("GET", "/two", Map.of());

            gate.awaitArrived(2, WAIT);
            assertThat(gate.waiting()).isEqualTo(2);
            assertThat(client.isClosedByPeer(Duration.ofMillis(50))).as("no response yet").isFalse();

            gate.release(1);
            assertThat(client.readResponse().bodyText()).isEqualTo("blue-1");
            assertThat(gate.waiting()).isEqualTo(1);

            gate.release();
            assertThat(second.readResponse().bodyText()).isEqualTo("blue-1");
            assertThat(client.get("/three").status()).as("an open gate lets later requests pass").isEqualTo(200);
        }
    }

    @Test
    void head_getsTheHeadersOfGetWithoutBody() {
        backend.status(200, "twelve bytes");

        RawResponse response = client.request("HEAD", "/", Map.of()).readResponse(true);

        assertThat(response.header("Content-Length")).isEqualTo("12");
        assertThat(response.bodyLength()).isZero();
        assertThat(client.get("/").bodyText()).as("no stray body bytes before it").isEqualTo("twelve bytes");
    }

    @Test
    void noContent_hasNoBodyAndKeepsTheConnection() {
        backend.status(204, "ignored");

        RawResponse response = client.get("/");

        assertThat(response.status()).isEqualTo(204);
        assertThat(response.header("Content-Length")).isNull();
        assertThat(response.header("X-Backend")).isEqualTo("blue-1");
        backend.reply();
        assertThat(client.get("/").bodyText()).isEqualTo("blue-1");
    }

    @Test
    void status_sendsTheFixedStatusAndBody() {
        backend.status(503, "down");

        RawResponse response = client.get("/");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.bodyText()).isEqualTo("down");
    }

    @Test
    void expectContinue_isAnsweredBeforeTheBodyIsSent() {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Length", "5000");
        headers.put("Expect", "100-continue");
        client.request("POST", "/", headers);

        RawResponse interim = client.readResponse();
        client.sendPattern(5000);
        RawResponse last = client.readResponse();

        assertThat(interim.status()).isEqualTo(100);
        assertThat(interim.isInterim()).isTrue();
        assertThat(last.status()).isEqualTo(200);
        assertThat(last.header("X-Received-Bytes")).isEqualTo("5000");
    }

    @Test
    void connectionClose_isHonouredAfterTheResponse() {
        RawResponse response = client.request("GET", "/", Map.of("Connection", "close")).readResponse();

        assertThat(response.header("Connection")).isEqualTo("close");
        assertThat(client.isClosedByPeer()).isTrue();
    }

    @Test
    void http10_closesUnlessKeepAliveIsAsked() {
        client.send("GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        RawResponse kept = client.readResponse();
        client.send("GET /b HTTP/1.0\r\n\r\n");
        RawResponse closed = client.readResponse();

        assertThat(kept.header("Connection")).isEqualToIgnoringCase("keep-alive");
        assertThat(closed.header("Connection")).isEqualTo("close");
        assertThat(client.isClosedByPeer()).isTrue();
        assertThat(backend.requests()).extracting(SeenRequest::protocol).containsOnly("HTTP/1.0");
    }

    @Test
    void neverRespond_readsTheRequestAndStaysSilent() {
        backend.neverRespond();
        client.request("POST", "/", Map.of("Content-Length", "3")).send("abc");

        assertThat(client.isClosedByPeer(Duration.ofMillis(200))).isFalse();
        client.close();
        backend.awaitOpenConnections(0, WAIT);
        assertThat(backend.requests()).singleElement().extracting(SeenRequest::bodyBytes).isEqualTo(3L);
    }

    @Test
    void closeOnRequest_closesWithoutResponse() {
        backend.closeOnRequest();
        client.request("GET", "/", Map.of());

        assertThatThrownBy(() -> client.readResponse())
                .isInstanceOf(UncheckedIOException.class)
                .hasCauseInstanceOf(EOFException.class);
    }

    @Test
    void heldClose_closesOnRelease() {
        Gate gate = new Gate();
        backend.behave(Behaviour.closeOnRequest().heldBy(gate));
        client.request("GET", "/", Map.of());

        gate.awaitArrived(1, WAIT);
        assertThat(client.isClosedByPeer(Duration.ofMillis(50))).isFalse();
        gate.release();
        assertThat(client.isClosedByPeer()).isTrue();
    }

    @Test
    void malformedRequest_gets400AndClose() {
        client.send("NOT HTTP AT ALL\r\n\r\n");

        RawResponse response = client.readResponse();

        assertThat(response.status()).isEqualTo(400);
        assertThat(client.isClosedByPeer()).isTrue();
    }

    @Test
    void connections_areCounted() {
        client.get("/");
        try (RawHttpClient second = RawHttpClient.connect(backend.port())) {
            second.get("/");
            assertThat(backend.openConnections()).isEqualTo(2);
        }
        backend.awaitOpenConnections(1, WAIT);
        assertThat(backend.connectionsAccepted()).isEqualTo(2);
        assertThat(backend.requests()).extracting(SeenRequest::remotePort).doesNotHaveDuplicates();
    }

    @Test
    void closeConnections_dropsClientsButKeepsListening() {
        client.get("/");

        backend.closeConnections();

        assertThat(client.isClosedByPeer()).isTrue();
        try (RawHttpClient again = RawHttpClient.connect(backend.port())) {
            assertThat(again.get("/").status()).isEqualTo(200);
        }
    }

    @Test
    void behaviour_validatesItsArguments() {
        assertThatThrownBy(() -> Behaviour.status(99, "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("code: 99 (expected: 200-599)");
        assertThatThrownBy(() -> Behaviour.download(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Behaviour.echo().heldBy(new Gate())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void pattern_isDocumentedFormula() {
        assertThat(List.of(TestBackend.patternByte(0), TestBackend.patternByte(1), TestBackend.patternByte(256)))
                .containsExactly((byte) 7, (byte) 38, (byte) 7);
    }
}
