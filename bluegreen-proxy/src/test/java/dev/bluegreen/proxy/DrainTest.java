package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Draining on real sockets with the rollback window off: once a colour stops being live, its idle upstream
 * connections close at once and its busy ones close as their exchanges end, while the new colour serves. (With the
 * window, the default, idle connections stay warm instead: {@link RollbackWindowTest}.)
 */
class DrainTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int CLIENTS = 4;
    private static final UnaryOperator<BlueGreenProxyBuilder> NO_ROLLBACK_WINDOW =
            builder -> builder.rollbackWindow(Duration.ZERO);

    @Test
    void switchTo_closesTheOldColoursIdleUpstreamConnections_whileTheNewColourServes() {
        try (ProxyFixture fixture = ProxyFixture.start(NO_ROLLBACK_WINDOW)) {
            List<RawHttpClient> clients = connect(fixture, CLIENTS);
            try {
                for (RawHttpClient client : clients) {
                    for (int i = 0; i < 3; i++) {
                        assertThat(client.get("/warm-" + i).header("X-Backend")).isEqualTo("blue-1");
                    }
                }
                await().atMost(TIMEOUT).until(() -> fixture.proxy.activeExchanges(Colour.BLUE) == 0);
                assertThat(fixture.proxy.upstreamConnections(Colour.BLUE)).as("idle pooled connections")
                        .isPositive();
                assertThat(fixture.blue().openConnections()).isPositive();

                fixture.admin.switchTo(Colour.GREEN);

                await().atMost(TIMEOUT).untilAsserted(() -> {
                    assertThat(fixture.proxy.upstreamConnections(Colour.BLUE)).isZero();
                    assertThat(fixture.blue().openConnections()).isZero();
                });
                long blueRequests = fixture.blue().requestCount();
                for (RawHttpClient client : clients) {
                    RawResponse response = client.get("/after");
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.header("X-Backend")).isEqualTo("green-1");
                }
                assertThat(fixture.blue().requestCount()).isEqualTo(blueRequests);
                assertThat(fixture.proxy.upstreamConnections(Colour.GREEN)).isPositive();
                assertThat(fixture.proxy.upstreamConnections(Colour.BLUE)).isZero();
                assertThat(fixture.blue().openConnections()).as("no blue connection reopened").isZero();
            } finally {
                clients.forEach(RawHttpClient::close);
            }
        }
    }

    @Test
    void requestInFlightAcrossTheSwitch_keepsItsBlueConnectionUntilItCompletes_thenBlueDrainsToZero() {
        try (ProxyFixture fixture = ProxyFixture.start(NO_ROLLBACK_WINDOW);
             RawHttpClient slow = RawHttpClient.connect(fixture.port());
             RawHttpClient idle = RawHttpClient.connect(fixture.port())) {
            // Two exchanges held at once need two upstream connections, whichever event loops serve them.
            Gate gate = fixture.blue().hold();
            idle.request("GET", "/quick", Map.of());
            gate.awaitArrived(1, TIMEOUT);
            slow.request("GET", "/slow", Map.of());
            gate.awaitArrived(2, TIMEOUT);
            // The proxy counts a connection once its channel is active, which Netty signals just after the connect
            // listener has sent the request: the backend can see the request first.
            await().atMost(TIMEOUT).until(() -> fixture.proxy.upstreamConnections(Colour.BLUE) == 2);
            gate.release(1);
            assertThat(idle.readResponse().header("X-Backend")).isEqualTo("blue-1");
            await().atMost(TIMEOUT).until(() -> fixture.proxy.activeExchanges(Colour.BLUE) == 1);
            assertThat(fixture.proxy.upstreamConnections(Colour.BLUE)).as("one busy, one idle").isEqualTo(2);

            fixture.admin.switchTo(Colour.GREEN);

            // The idle connection goes; the busy one stays for its exchange.
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(fixture.proxy.upstreamConnections(Colour.BLUE)).isEqualTo(1);
                assertThat(fixture.blue().openConnections()).isEqualTo(1);
            });
            assertThat(fixture.proxy.activeExchanges(Colour.BLUE)).isEqualTo(1);
            assertThat(idle.get("/meanwhile").header("X-Backend")).isEqualTo("green-1");
            assertThat(fixture.proxy.upstreamConnections(Colour.BLUE)).as("still held by the slow exchange")
                    .isEqualTo(1);

            gate.release();
            RawResponse response = slow.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Backend")).isEqualTo("blue-1");
            assertThat(response.bodyText()).isEqualTo("blue-1");
            assertThat(response.header("Connection")).as("the client connection belongs to no colour").isNull();
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(fixture.proxy.activeExchanges(Colour.BLUE)).isZero();
                assertThat(fixture.proxy.upstreamConnections(Colour.BLUE)).isZero();
                assertThat(fixture.blue().openConnections()).isZero();
            });
            assertThat(slow.get("/next").header("X-Backend")).isEqualTo("green-1");
        }
    }

    @Test
    void rollback_bringsBlueBack_andNewRequestsOpenBlueConnectionsAgain() {
        try (ProxyFixture fixture = ProxyFixture.start(NO_ROLLBACK_WINDOW);
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            assertThat(client.get("/1").header("X-Backend")).isEqualTo("blue-1");
            fixture.admin.switchTo(Colour.GREEN);
            assertThat(client.get("/2").header("X-Backend")).isEqualTo("green-1");
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(fixture.proxy.upstreamConnections(Colour.BLUE)).isZero();
                assertThat(fixture.blue().openConnections()).isZero();
            });
            int blueAccepted = fixture.blue().connectionsAccepted();

            fixture.admin.rollback();

            assertThat(client.get("/3").header("X-Backend")).isEqualTo("blue-1");
            assertThat(client.get("/4").header("X-Backend")).isEqualTo("blue-1");
            assertThat(fixture.blue().connectionsAccepted()).as("a new blue connection").isGreaterThan(blueAccepted);
            assertThat(fixture.proxy.upstreamConnections(Colour.BLUE)).isPositive();
            await().atMost(TIMEOUT).untilAsserted(() -> {
                assertThat(fixture.proxy.upstreamConnections(Colour.GREEN)).isZero();
                assertThat(fixture.green().openConnections()).isZero();
            });
            assertThat(fixture.blue().openConnections()).as("blue's pooled connection is kept").isPositive();
        }
    }

    private static List<RawHttpClient> connect(ProxyFixture fixture, int count) {
        List<RawHttpClient> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(RawHttpClient.connect(fixture.port()));
        }
        return clients;
    }
}
