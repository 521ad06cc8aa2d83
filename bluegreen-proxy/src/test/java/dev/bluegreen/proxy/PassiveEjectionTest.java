package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Passive outlier ejection fed by real exchanges: 5xx responses and refused connects. */
class PassiveEjectionTest {

    private static final OutlierEjection TWO_IN_A_ROW = OutlierEjection.defaults().withConsecutiveFailures(2)
            .withEjectionTime(Duration.ofMinutes(5), Duration.ofMinutes(10)).withMaxEjectedShare(0.5);

    @Test
    void backendAnswering5xx_isEjected_andTheRestOfThePoolTakesItsRequests() {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1, builder -> builder.outlierEjection(TWO_IN_A_ROW))) {
            List<BackendHealth> events = new CopyOnWriteArrayList<>();
            fixture.proxy.addHealthListener((previous, current) -> events.add(current));
            fixture.blue.get(1).status(503, "overloaded");
            Backend sick = ProxyFixture.backends(fixture.blue).get(1);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                int served503 = 0;
                for (int i = 0; i < 6; i++) {
                    served503 += client.get("/" + i).status() == 503 ? 1 : 0;
                }
                assertThat(served503).as("the backend's own 503s until it is ejected").isEqualTo(2);
                assertThat(fixture.proxy.health(Colour.BLUE, sick).ejected()).isTrue();
                for (int i = 0; i < 6; i++) {
                    RawResponse response = client.get("/after/" + i);
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.header("X-Backend")).isEqualTo("blue-1");
                }
            }
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.backend()).isEqualTo(sick);
                assertThat(e.ejected()).isTrue();
                assertThat(e.lastReason()).isEqualTo("2 failures in a row, the last: status 503");
            });
        }
    }

    @Test
    void refusedConnects_ejectTheBackend_soLaterRequestsDoNotTryIt() {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1, builder -> builder.outlierEjection(TWO_IN_A_ROW))) {
            fixture.blue.get(1).close();
            Backend gone = ProxyFixture.backends(fixture.blue).get(1);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 8; i++) {
                    assertThat(client.get("/" + i).status()).as("retried on blue-1").isEqualTo(200);
                }
            }
            BackendHealth health = fixture.proxy.health(Colour.BLUE, gone);
            assertThat(health.ejected()).isTrue();
            assertThat(health.lastReason()).startsWith("2 failures in a row, the last: connect failed");
        }
    }

    @Test
    void theOnlyBackendOfAPool_isNeverEjected() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, builder -> builder.outlierEjection(TWO_IN_A_ROW))) {
            fixture.blue().status(500, "broken");
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 5; i++) {
                    assertThat(client.get("/" + i).status()).as("the backend's own 500").isEqualTo(500);
                }
            }
            assertThat(fixture.proxy.health()).noneMatch(BackendHealth::ejected);
        }
    }
}
