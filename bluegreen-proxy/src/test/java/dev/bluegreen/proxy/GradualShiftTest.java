package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A gradual shift on real sockets: its share of requests reaches the idle colour; promote and rollback end it. */
class GradualShiftTest {

    @Test
    void shift_sendsItsShareOfRequestsToTheIdleColour_overWarmConnections() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.routingHeader("X-BlueGreen"))) {
            fixture.admin.shift(Colour.GREEN, 20);
            int requests = 1_000;
            int green = 0;
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < requests; i++) {
                    RawResponse response = client.get("/" + i);
                    assertThat(response.status()).isEqualTo(200);
                    if ("green-1".equals(response.header("X-Backend"))) {
                        green++;
                        assertThat(response.header("X-BlueGreen")).isEqualTo("green; generation=1; via=shift");
                    } else {
                        assertThat(response.header("X-BlueGreen")).isEqualTo("blue; generation=1");
                    }
                }
            }

            // Binomial(1000, 0.2): mean 200, standard deviation 12.6; 5 sigma either side.
            assertThat(green).isBetween(137, 263);
            assertThat(fixture.green().connectionsAccepted())
                    .as("the idle colour's connections are pooled while the shift goes on").isEqualTo(1);
        }
    }

    @Test
    void promote_completesTheShift_andRollbackReturnsItToZero() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            fixture.admin.shift(Colour.GREEN, 100);
            assertThat(client.get("/").header("X-Backend")).isEqualTo("green-1");
            fixture.admin.rollback();
            for (int i = 0; i < 20; i++) {
                assertThat(client.get("/").header("X-Backend")).as("shift rolled back").isEqualTo("blue-1");
            }
            fixture.admin.shift(Colour.GREEN, 50);
            fixture.admin.promote();
            for (int i = 0; i < 20; i++) {
                assertThat(client.get("/").header("X-Backend")).as("promoted").isEqualTo("green-1");
            }
        }
    }

    @Test
    void shift_withStickySessions_keepsEachSessionOnOneColour() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.stickySessions(StickySessions.fromHeader("X-User")))) {
            fixture.admin.shift(Colour.GREEN, 50);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int user = 0; user < 40; user++) {
                    Map<String, String> headers = Map.of("X-User", "user-" + user);
                    String first = client.request("GET", "/", headers).readResponse().header("X-Backend");
                    for (int i = 0; i < 5; i++) {
                        assertThat(client.request("GET", "/", headers).readResponse().header("X-Backend"))
                                .as("user %d, request %d", user, i).isEqualTo(first);
                    }
                }
            }
            assertThat(fixture.blue().requestCount() + fixture.green().requestCount()).isEqualTo(240);
        }
    }
}
