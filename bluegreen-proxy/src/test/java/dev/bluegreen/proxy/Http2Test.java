package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.SeenRequest;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * HTTP/2 clients (h2c with prior knowledge, h2 over TLS) through the proxy to HTTP/1.1 backends, with Netty's HTTP/2
 * codec as the client: each stream is one exchange, routed, pinned and drained like an HTTP/1.1 request.
 */
class Http2Test {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    @Test
    void h2c_priorKnowledge_isProxiedToHttp11() {
        try (ProxyFixture fixture = ProxyFixture.start();
             H2Client client = H2Client.cleartext(fixture.port())) {
            H2Client.Response response = H2Client.await(client.get("/hello?x=1"));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("blue-1");
            SeenRequest seen = fixture.blue().requests().get(0);
            assertThat(seen.protocol()).isEqualTo("HTTP/1.1");
            assertThat(seen.uri()).isEqualTo("/hello?x=1");
            assertThat(seen.header("Host")).isEqualTo("127.0.0.1:" + fixture.port());
            // The HTTP/2 codec's bookkeeping headers describe the client's connection; they are not forwarded.
            assertThat(seen.headers().keySet()).noneMatch(name -> name.toLowerCase().startsWith("x-http2-"));
            assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
        }
    }

    @Test
    void streamsOfOneConnection_eachForwardTheirOwnHost_andTheClientsAddress() {
        // The client's address is made once per connection and shared by its streams; the Forwarded element is
        // each request's own.
        try (ProxyFixture fixture = ProxyFixture.start();
             H2Client client = H2Client.cleartext(fixture.port())) {
            for (String host : new String[] {"one.example", "two.example", "one.example"}) {
                assertThat(H2Client.await(client.get("/", java.util.Map.of("Host", host))).status()).isEqualTo(200);
            }

            assertThat(fixture.blue().requests()).extracting(seen -> seen.header("Forwarded")).containsExactly(
                    "for=127.0.0.1;host=\"one.example\";proto=http",
                    "for=127.0.0.1;host=\"two.example\";proto=http",
                    "for=127.0.0.1;host=\"one.example\";proto=http");
            assertThat(fixture.blue().requests()).extracting(seen -> seen.header("X-Forwarded-For"))
                    .containsOnly("127.0.0.1");
        }
    }

    @Test
    void h2c_requestBody_reachesTheBackend_andTheResponseBodyComesBack() {
        try (ProxyFixture fixture = ProxyFixture.start();
             H2Client client = H2Client.cleartext(fixture.port())) {
            fixture.blue().echo();
            String body = "x".repeat(200_000);

            H2Client.Response response = H2Client.await(client.send(HttpMethod.POST, "/upload", body));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo(body);
            assertThat(fixture.blue().requests().get(0).bodyBytes()).isEqualTo(200_000);
        }
    }

    @Test
    void h2Responses_carryNoConnectionSpecificHeaders() {
        // RFC 9113 §8.2.2: Connection, Keep-Alive, Transfer-Encoding and the like must not appear in HTTP/2. The
        // backend frames its response with chunks, and the proxy adds Connection: close after a switch.
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.closeClientConnectionsAfterSwitch(true));
             H2Client client = H2Client.cleartext(fixture.port())) {
            fixture.blue().chunkedDownload(10_000);
            fixture.green().chunkedDownload(10_000);
            H2Client.await(client.get("/before"));
            fixture.admin.switchTo(Colour.GREEN);

            H2Client.Response response = H2Client.await(client.get("/after"));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).hasSize(10_000);
            assertThat(response.headers().names()).map(String::toLowerCase)
                    .doesNotContain("connection", "keep-alive", "transfer-encoding", "proxy-connection", "upgrade");
        }
    }

    @Test
    void previewRule_appliesToStreams_likeToHttp11Requests() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.preview(PreviewRule.header("X-Preview")));
             H2Client client = H2Client.cleartext(fixture.port())) {
            H2Client.Response preview = H2Client.await(client.get("/p", java.util.Map.of("x-preview", "1")));
            H2Client.Response live = H2Client.await(client.get("/l"));

            assertThat(preview.body()).isEqualTo("green-1");
            assertThat(live.body()).isEqualTo("blue-1");
        }
    }

    @Test
    void previewListener_sendsItsStreamsToTheIdleColour() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.previewListen("127.0.0.1", 0));
             H2Client client = H2Client.cleartext(fixture.proxy.previewAddress().orElseThrow().getPort())) {
            assertThat(H2Client.await(client.get("/p")).body()).isEqualTo("green-1");
        }
    }

    @Test
    void h2OverTls_isProxied() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls()));
             H2Client client = H2Client.tls(fixture.port(), TlsFixtures.clientContext("h2"))) {
            H2Client.Response response = H2Client.await(client.get("/secure"));

            assertThat(client.negotiatedProtocol()).isEqualTo("h2");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("blue-1");
            assertThat(fixture.blue().requests().get(0).header("X-Forwarded-Proto")).isEqualTo("https");
        }
    }

    @Test
    void manyConcurrentStreams_onOneConnection_allSucceed() {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1);
             H2Client client = H2Client.cleartext(fixture.port())) {
            List<CompletableFuture<H2Client.Response>> responses = new ArrayList<>();
            // As many as the proxy allows at once (its SETTINGS_MAX_CONCURRENT_STREAMS).
            for (int i = 0; i < 100; i++) {
                responses.add(client.get("/r" + i));
            }

            for (CompletableFuture<H2Client.Response> response : responses) {
                assertThat(H2Client.await(response).status()).isEqualTo(200);
            }
            assertThat(fixture.blue.get(0).requestCount() + fixture.blue.get(1).requestCount()).isEqualTo(100);
            assertThat(fixture.proxy.clientConnections()).isEqualTo(1);
        }
    }

    @Test
    void switchWhileStreamsAreOpen_pinsThemToTheOldColour() {
        try (ProxyFixture fixture = ProxyFixture.start();
             H2Client client = H2Client.cleartext(fixture.port())) {
            Gate gate = fixture.blue().hold();
            List<CompletableFuture<H2Client.Response>> held = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                held.add(client.get("/held" + i));
            }
            gate.awaitArrived(10, TIMEOUT);

            fixture.admin.switchTo(Colour.GREEN);
            H2Client.Response afterSwitch = H2Client.await(client.get("/new"));
            gate.release();

            assertThat(afterSwitch.body()).isEqualTo("green-1");
            for (CompletableFuture<H2Client.Response> response : held) {
                H2Client.Response done = H2Client.await(response);
                assertThat(done.status()).isEqualTo(200);
                assertThat(done.body()).isEqualTo("blue-1");
            }
            assertThat(client.isOpen()).isTrue();
        }
    }

    @Test
    void stop_sendsGoAway_letsOpenStreamsFinish_thenCloses() {
        try (ProxyFixture fixture = ProxyFixture.start();
             H2Client client = H2Client.cleartext(fixture.port())) {
            Gate gate = fixture.blue().hold();
            CompletableFuture<H2Client.Response> held = client.get("/held");
            gate.awaitArrived(1, TIMEOUT);

            CompletableFuture<Void> stopped = fixture.proxy.stop(Duration.ofSeconds(10));
            Http2GoAwayFrame goAway = client.goAway().orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
            gate.release();

            assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
            assertThat(H2Client.await(held).body()).isEqualTo("blue-1");
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
            stopped.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
        }
    }

    @Test
    void stop_answersStreamsStillWaitingAtTheEndOfTheGracePeriod_with504_andClosesTheConnection() {
        // The configured grace is long; the stop's own, short one must still close the connection on time.
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.shutdownGracePeriod(Duration.ofSeconds(60)));
             H2Client client = H2Client.cleartext(fixture.port())) {
            fixture.blue().neverRespond();
            CompletableFuture<H2Client.Response> stuck = client.get("/stuck");
            await().atMost(TIMEOUT).until(() -> fixture.proxy.activeExchanges(Colour.BLUE) == 1);

            fixture.proxy.stop(Duration.ofMillis(500)).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();

            assertThat(client.goAway().isDone()).isTrue();
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
            H2Client.Response answer = H2Client.await(stuck);
            assertThat(answer.status()).isEqualTo(504);
            assertThat(answer.body()).contains("the proxy stopped");
        }
    }

    @Test
    void closeClientConnectionsAfterSwitch_sendsGoAway_atTheNextStream() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.closeClientConnectionsAfterSwitch(true));
             H2Client client = H2Client.cleartext(fixture.port())) {
            H2Client.await(client.get("/before"));
            fixture.admin.switchTo(Colour.GREEN);

            H2Client.Response response = H2Client.await(client.get("/after"));

            assertThat(response.body()).isEqualTo("green-1");
            assertThat(client.goAway().orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join().errorCode())
                    .isEqualTo(Http2Error.NO_ERROR.code());
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
        }
    }

    @Test
    void expectContinue_onAStream_gets100_thenTheResponse() throws Exception {
        // The backend's 100 Continue goes to the client as an interim HEADERS frame (RFC 9113 §8.1); the client
        // sends its body only then.
        try (ProxyFixture fixture = ProxyFixture.start();
             RawH2Connection client = RawH2Connection.open(fixture.port())) {
            client.frame(RawH2Connection.HEADERS, RawH2Connection.END_HEADERS, 1, client.postExpectingContinueBlock());
            client.flush();
            await().atMost(TIMEOUT).until(() -> client.received(RawH2Connection.HEADERS).size() == 1);
            client.frame(RawH2Connection.DATA, RawH2Connection.END_STREAM, 1, "body".getBytes());
            client.flush();
            await().atMost(TIMEOUT).until(() -> client.received(RawH2Connection.HEADERS).size() == 2);

            DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(true);
            List<RawH2Connection.Frame> heads = client.received(RawH2Connection.HEADERS);
            Http2Headers interim = decoder.decodeHeaders(1, Unpooled.wrappedBuffer(heads.get(0).payload()));
            Http2Headers last = decoder.decodeHeaders(1, Unpooled.wrappedBuffer(heads.get(1).payload()));
            assertThat(interim.status().toString()).isEqualTo("100");
            assertThat(heads.get(0).flags() & RawH2Connection.END_STREAM).isZero();
            assertThat(last.status().toString()).isEqualTo("200");
            assertThat(fixture.blue().requests().get(0).bodyBytes()).isEqualTo(4);
        }
    }

    @Test
    void connectionWindow_coversEveryStreamsWindow() throws Exception {
        // One stream whose backend is slow to take its body must not hold the window the other streams need.
        try (ProxyFixture fixture = ProxyFixture.start();
             RawH2Connection client = RawH2Connection.open(fixture.port())) {
            await().atMost(TIMEOUT).until(() -> client.received(RawH2Connection.WINDOW_UPDATE).stream()
                    .anyMatch(frame -> frame.streamId() == 0));

            RawH2Connection.Frame update = client.received(RawH2Connection.WINDOW_UPDATE).stream()
                    .filter(frame -> frame.streamId() == 0).findFirst().orElseThrow();
            assertThat(65_535 + update.windowIncrement()).isEqualTo(100 * 65_535);
        }
    }

    @Test
    void idleConnection_getsGoAway_andCloses() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.idleTimeout(Duration.ofMillis(300)));
             H2Client client = H2Client.cleartext(fixture.port())) {
            H2Client.await(client.get("/once"));

            Http2GoAwayFrame goAway = client.goAway().orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();

            assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
            assertThat(client.awaitClosed(TIMEOUT)).isTrue();
            await().atMost(TIMEOUT).until(() -> fixture.proxy.clientConnections() == 0);
        }
    }

    @Test
    void http11_stillWorks_onTheCleartextPort_nextToH2c() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient http11 = RawHttpClient.connect(fixture.port());
             H2Client h2c = H2Client.cleartext(fixture.port())) {
            assertThat(http11.get("/one").bodyText()).isEqualTo("blue-1");
            assertThat(H2Client.await(h2c.get("/two")).body()).isEqualTo("blue-1");
            await().atMost(TIMEOUT).until(() -> fixture.proxy.clientConnections() == 2);
        }
    }
}
