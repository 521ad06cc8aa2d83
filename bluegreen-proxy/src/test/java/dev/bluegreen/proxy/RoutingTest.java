package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Invariant 1 of DESIGN.md on real sockets: each request reads the routing state once and stays where it went. */
class RoutingTest {

    @Test
    void request_reachesTheLivePool() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            RawResponse response = client.get("/hello");

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("blue-1");
            assertThat(fixture.blue().requestCount()).isEqualTo(1);
            assertThat(fixture.green().requestCount()).isZero();
        }
    }

    @Test
    void switchTo_sendsTheNextRequestToTheOtherPool() {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.get("/").header("X-Backend")).isEqualTo("blue-1");
            }
            fixture.admin.switchTo(Colour.GREEN);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.get("/").header("X-Backend")).isEqualTo("green-1");
            }
            fixture.admin.rollback();
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.get("/").header("X-Backend")).isEqualTo("blue-1");
            }
        }
    }

    @Test
    void keepAliveConnectionSpanningSwitches_routesEachRequestToTheColourLiveWhenItArrived() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            int localPort = client.localPort();
            assertThat(client.get("/1").header("X-Backend")).isEqualTo("blue-1");
            fixture.admin.switchTo(Colour.GREEN);
            assertThat(client.get("/2").header("X-Backend")).isEqualTo("green-1");
            fixture.admin.switchTo(Colour.BLUE);
            assertThat(client.get("/3").header("X-Backend")).isEqualTo("blue-1");

            assertThat(client.localPort()).as("one client connection throughout").isEqualTo(localPort);
            assertThat(fixture.proxy.clientConnections()).isEqualTo(1);
        }
    }

    @Test
    void slowRequestStartedBeforeSwitch_completesOnItsOldColour() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient slow = RawHttpClient.connect(fixture.port());
             RawHttpClient next = RawHttpClient.connect(fixture.port())) {
            Gate gate = fixture.blue().hold();
            slow.request("GET", "/slow", java.util.Map.of());
            gate.awaitArrived(1, Duration.ofSeconds(5));

            fixture.admin.switchTo(Colour.GREEN);
            assertThat(next.get("/after").header("X-Backend")).isEqualTo("green-1");
            assertThat(fixture.proxy.activeExchanges(Colour.BLUE)).isEqualTo(1);

            gate.release();
            RawResponse response = slow.readResponse();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Backend")).isEqualTo("blue-1");
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> fixture.proxy.activeExchanges(Colour.BLUE) == 0);
        }
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder_eachRoutedWhenItsTurnComes() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "HEAD /c HTTP/1.1\r\nHost: x\r\n\r\nGET /d HTTP/1.1\r\nHost: x\r\n\r\n");

            assertThat(client.readResponse().bodyText()).isEqualTo("blue-1");
            assertThat(client.readResponse().bodyText()).isEqualTo("blue-1");
            RawResponse head = client.readResponse(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.bodyText()).isEmpty();
            assertThat(client.readResponse().bodyText()).isEqualTo("blue-1");
            assertThat(fixture.blue().requests()).extracting(r -> r.uri())
                    .containsExactly("/a", "/b", "/c", "/d");
        }
    }

    @Test
    void requests_areSpreadRoundRobinAcrossThePool() {
        try (ProxyFixture fixture = ProxyFixture.start(3, 1);
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                seen.add(client.get("/" + i).header("X-Backend"));
            }
            assertThat(seen).containsExactlyInAnyOrder("blue-1", "blue-2", "blue-3");
            for (TestBackend backend : fixture.blue) {
                assertThat(backend.requestCount()).isEqualTo(2);
            }
        }
    }

    @Test
    void requests_areSpreadByWeight_interleaved() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 2);
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            TestBackend heavy = fixture.green.get(0);
            TestBackend light = fixture.green.get(1);
            fixture.admin.deploy(Colour.GREEN, "v2", List.of(new Backend("127.0.0.1", heavy.port(), "heavy", 3),
                    new Backend("127.0.0.1", light.port(), "light", 1)));
            fixture.admin.switchTo(Colour.GREEN);

            List<String> order = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                order.add(client.get("/" + i).header("X-Backend"));
            }

            // One client connection, one event loop: over every 4 picks in a row, exactly 3 and 1.
            assertThat(heavy.requestCount()).isEqualTo(30);
            assertThat(light.requestCount()).isEqualTo(10);
            assertThat(String.join(",", order)).as("the light one's turns are not bunched")
                    .doesNotContain("green-2,green-2");
        }
    }
}
