package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.internal.metrics.FailureLog;
import dev.bluegreen.testing.CapturedLog;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Invariant 7 of DESIGN.md: clear failures, each with a status, a short body, and nothing replayed unsafely. */
class FailureTest {

    @Test
    void connectRefusedByOneBackend_isRetriedOnAnotherBackendOfTheSamePool() {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1)) {
            fixture.blue.get(1).close();
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 4; i++) {
                    RawResponse response = client.get("/" + i);
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.header("X-Backend")).isEqualTo("blue-1");
                }
            }
            assertThat(fixture.green().requestCount()).as("never another colour").isZero();
        }
    }

    @Test
    void everyBackendRefusing_answers502AndKeepsTheConnection() {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1)) {
            fixture.blue.forEach(backend -> backend.close());
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                RawResponse response = client.get("/");
                assertThat(response.status()).isEqualTo(502);
                assertThat(response.bodyText()).contains("blue pool");
                assertThat(response.header("Content-Type")).startsWith("text/plain");

                assertThat(client.get("/again").status()).as("the client connection stays usable").isEqualTo(502);
            }
            assertThat(fixture.green().requestCount()).isZero();
        }
    }

    @Test
    void anOutage_logsOneWarnLinePerKindOfFailure_notOnePerRequest() {
        List<String> warnings;
        try (CapturedLog logged = CapturedLog.of(FailureLog.class);
             ProxyFixture fixture = ProxyFixture.start(2, 1)) {
            fixture.blue.forEach(backend -> backend.close());
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 100; i++) {
                    assertThat(client.get("/" + i).status()).isEqualTo(502);
                }
            }
            warnings = logged.warnings().stream().filter(line -> line.contains("502")).toList();
        }
        assertThat(warnings).hasSize(1).first().asString().contains("no backend of the blue pool accepted a connection")
                .contains("GET /0")
                .as("the line says why the last connect failed, and to which backend")
                .containsPattern("\\(2 tried; last: .*127\\.0\\.0\\.1:\\d+.*: .*(?i)refused.*\\)");
    }

    @Test
    void emptyLivePool_answers503() {
        try (ProxyFixture fixture = ProxyFixture.start(0, 1);
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            RawResponse response = client.get("/");

            assertThat(response.status()).isEqualTo(503);
            assertThat(response.bodyText()).contains("no backend in the live pool (blue)");
        }
    }

    @Test
    void silentBackend_answers504AtTheResponseTimeout_andItsConnectionIsNotReused() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.responseTimeout(Duration.ofMillis(300)));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            fixture.blue().neverRespond();
            RawResponse response = client.get("/");
            assertThat(response.status()).isEqualTo(504);
            assertThat(response.bodyText()).contains("did not answer within 300 ms");

            fixture.blue().reply();
            assertThat(client.get("/next").status()).isEqualTo(200);
            assertThat(fixture.blue().connectionsAccepted()).as("the timed-out connection was dropped").isEqualTo(2);
        }
    }

    @Test
    void backendClosingBeforeResponding_answers502_andAPostIsNeverReplayed() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            assertThat(client.get("/warm").status()).isEqualTo(200);
            fixture.blue().closeOnRequest();
            fixture.blue().clearRequests();

            client.request("POST", "/order", Map.of("Content-Length", "5")).send("hello");
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.bodyText()).contains("closed the connection before responding");
            assertThat(fixture.blue().requests()).as("a POST is sent once").hasSize(1);
        }
    }

    @Test
    void getOnAReusedConnectionThatTheBackendCloses_isReplayedOnceOnANewConnection() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            assertThat(client.get("/warm").status()).isEqualTo(200);
            fixture.blue().closeOnRequest();
            fixture.blue().clearRequests();

            RawResponse response = client.get("/idempotent");

            // The backend closes every connection here, so the replay fails too; what counts is that it happened
            // exactly once, on a new connection.
            assertThat(response.status()).isEqualTo(502);
            assertThat(fixture.blue().requests()).hasSize(2);
            assertThat(fixture.blue().connectionsAccepted()).isEqualTo(2);
        }
    }
}
