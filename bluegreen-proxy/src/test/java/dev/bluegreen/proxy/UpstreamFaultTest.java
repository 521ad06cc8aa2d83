package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.testing.ChaosBackend;
import dev.bluegreen.testing.ChaosBackend.Fault;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * One backend fault at a time ({@link ChaosBackend}), and what the client sees: a clear 5xx before the response
 * started, a cut connection after; a connection that misbehaved is never reused; nothing unsafe is retried; the next
 * response on the client connection is framed right.
 */
class UpstreamFaultTest {

    private ChaosBackend backend;
    private BlueGreen admin;
    private BlueGreenProxy proxy;

    private int startProxy(Fault fault) {
        backend = ChaosBackend.start(fault);
        admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", backend.port())).build();
        proxy = BlueGreenProxy.builder(admin)
                .listen("127.0.0.1", 0)
                .eventLoopThreads(1)
                .responseTimeout(Duration.ofMillis(500))
                .build();
        proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
        return proxy.port();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
        }
        if (admin != null) {
            admin.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Fault.class, names = {"GARBAGE", "BAD_FRAMING", "INVALID_CONTENT_LENGTH",
            "CLOSE_BEFORE_RESPONSE", "RESET_BEFORE_RESPONSE", "UNASKED_SWITCH", "STATUS_099", "STATUS_000",
            "STATUS_1000"})
    void faultBeforeTheResponse_is502_andTheBackendConnectionIsDiscarded(Fault fault) {
        try (RawHttpClient client = RawHttpClient.connect(startProxy(fault))) {
            RawResponse response = client.get("/");
            assertThat(response.status()).isEqualTo(502);
            assertThat(response.bodyText()).isNotBlank();
            assertThat(backend.requestCount()).as("a fresh connection is never replayed").isEqualTo(1);

            backend.fault(Fault.NONE);
            RawResponse next = client.get("/next");
            assertThat(next.status()).as("the client connection stays usable").isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("ok");
            assertThat(backend.connectionsAccepted()).as("the faulty connection was not reused").isEqualTo(2);
        }
    }

    @Test
    void backendThatNeverAnswers_is504AtTheResponseTimeout_andItsConnectionIsNotReused() {
        try (RawHttpClient client = RawHttpClient.connect(startProxy(Fault.NEVER_ANSWER))) {
            RawResponse response = client.get("/");
            assertThat(response.status()).isEqualTo(504);

            backend.fault(Fault.NONE);
            assertThat(client.get("/next").status()).isEqualTo(200);
            assertThat(backend.connectionsAccepted()).isEqualTo(2);
        }
    }

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Fault.class, names = {"DIE_AFTER_HEADERS", "DIE_MID_BODY", "DIE_MID_CHUNKED_BODY"})
    void backendDyingAfterTheResponseStarted_cutsTheClientsResponse_andIsNeverRetried(Fault fault) {
        try (RawHttpClient client = RawHttpClient.connect(startProxy(fault))) {
            client.request("GET", "/", Map.of());

            assertThatThrownBy(client::readResponse)
                    .as("the client must never see a clean end of a cut response")
                    .isInstanceOf(UncheckedIOException.class);
            assertThat(client.isClosedByPeer()).isTrue();
            assertThat(backend.requestCount()).as("never retried").isEqualTo(1);
        }
    }

    @Test
    void interimResponses_areRelayed_andTheFinalResponseAndTheNextAreFramedRight() {
        try (RawHttpClient client = RawHttpClient.connect(startProxy(Fault.INTERIM_RESPONSES))) {
            client.request("GET", "/", Map.of());
            RawResponse early = client.readResponse();
            assertThat(early.status()).isEqualTo(103);
            assertThat(early.header("Link")).isEqualTo("</style.css>; rel=preload");
            assertThat(client.readResponse().status()).isEqualTo(100);
            RawResponse fin = client.readResponse();
            assertThat(fin.status()).isEqualTo(200);
            assertThat(fin.bodyText()).isEqualTo("ok");

            backend.fault(Fault.NONE);
            RawResponse next = client.get("/next");
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void answerBeforeTheBody_toAClientWaitingFor100Continue_saysConnectionClose_andTheConnectionCloses() {
        // The chaos backend answers every request head at once, body or not, and never sends 100 Continue.
        try (RawHttpClient client = RawHttpClient.connect(startProxy(Fault.NONE))) {
            client.send("POST /upload HTTP/1.1\r\nHost: shop.example\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 3\r\n\r\n");
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("ok");
            assertThat(response.header("Connection")).as("RFC 9112 §9.6").isEqualToIgnoringCase("close");
            assertThat(client.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void noContentFollowedByStrayBytes_doesNotMisframeTheNextResponse() {
        try (RawHttpClient client = RawHttpClient.connect(startProxy(Fault.NO_CONTENT_WITH_STRAY_BYTES))) {
            RawResponse noContent = client.get("/");
            assertThat(noContent.status()).isEqualTo(204);
            assertThat(noContent.bodyText()).isEmpty();

            backend.fault(Fault.NONE);
            RawResponse next = client.get("/next");
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("ok");
            assertThat(client.get("/again").bodyText()).isEqualTo("ok");
        }
    }

    @Test
    void strayBytesAfterAResponse_neverReachTheNextRequest_evenOneThatCantBeReplayed() {
        // A GET would hide a reused connection that reads garbage: it is replayed on a new one. A POST is not.
        try (RawHttpClient client = RawHttpClient.connect(startProxy(Fault.NO_CONTENT_WITH_STRAY_BYTES))) {
            assertThat(client.get("/").status()).isEqualTo(204);

            backend.fault(Fault.NONE);
            client.send("POST /next HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 3\r\n\r\nabc");
            RawResponse next = client.readResponse();
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).isEqualTo("ok");
            assertThat(backend.requestCount()).as("the POST was sent once").isEqualTo(2);
            assertThat(backend.connectionsAccepted()).as("the connection with stray bytes was not reused")
                    .isEqualTo(2);
        }
    }

    @Test
    void strayBytesOnAnIdlePooledConnection_closeIt() {
        try (RawHttpClient client = RawHttpClient.connect(startProxy(Fault.STRAY_BYTES_AFTER_RESPONSE))) {
            assertThat(client.get("/").bodyText()).isEqualTo("ok");

            // Five bytes make no message, so the codec holds them; the proxy must still notice them and let the
            // connection go rather than keep it for the next request.
            await().atMost(Duration.ofSeconds(5)).until(() -> backend.openConnections() == 0);
            backend.fault(Fault.NONE);
            client.send("POST /next HTTP/1.1\r\nHost: shop.example\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void stalePooledConnections_costNoGetAnError() {
        try (RawHttpClient client = RawHttpClient.connect(startProxy(Fault.CLOSE_AFTER_RESPONSE))) {
            for (int i = 0; i < 50; i++) {
                RawResponse response = client.get("/" + i);
                assertThat(response.status()).as("request " + i).isEqualTo(200);
                assertThat(response.bodyText()).isEqualTo("ok");
            }
        }
    }

    @Test
    void emptyLivePool_is503WithRetryAfter() {
        admin = BlueGreen.builder().build();
        proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1).build();
        proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
        try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
            RawResponse response = client.get("/");

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.header("Retry-After")).isEqualTo("1");
        }
    }
}
