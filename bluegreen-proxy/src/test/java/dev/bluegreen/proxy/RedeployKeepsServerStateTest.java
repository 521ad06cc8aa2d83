package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Deployment;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A redeploy that changes only a backend's weight or limit leaves the same server behind it (its id and address): the
 * requests under way on it stay counted, under its new limit, and its health, an ejection too, stays with it.
 */
class RedeployKeepsServerStateTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final OutlierEjection TWO_IN_A_ROW = OutlierEjection.defaults().withConsecutiveFailures(2)
            .withEjectionTime(Duration.ofMinutes(5), Duration.ofMinutes(10)).withMaxEjectedShare(0.5);

    private static Backend reweighed(Backend backend, int weight, int max) {
        return new Backend(backend.host(), backend.port(), backend.id(), weight, max);
    }

    private static RawResponse get(int port, String path) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            return client.get(path);
        }
    }

    @Test
    void aNewWeightAndLimit_keepTheRequestsUnderWay_andTheNewLimitCountsThem() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            Backend one = fixture.greenLiveWithLimit(1);
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> first = fixture.getAsync("/first");
            gate.awaitArrived(1, WAIT);

            Backend two = reweighed(one, 3, 2);
            fixture.admin.deploy(Deployment.of(Colour.GREEN, "v3", List.of(two)).forced());

            assertThat(fixture.proxy.requestsUnderWay(two)).as("the first request, on the same server").isOne();
            CompletableFuture<RawResponse> second = fixture.getAsync("/second");
            gate.awaitArrived(2, WAIT);
            RawResponse third = get(fixture.port(), "/third");
            assertThat(third.status()).as("two under way: the new limit").isEqualTo(503);
            assertThat(gate.arrived()).isEqualTo(2);

            gate.release();
            assertThat(first.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(second.get(WAIT.toSeconds(), TimeUnit.SECONDS).status()).isEqualTo(200);
            await().atMost(WAIT).until(() -> fixture.proxy.requestsUnderWay(two) == 0);
        }
    }

    @Test
    void aNewWeight_keepsAnEjectedBackendEjected() {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1, builder -> builder.outlierEjection(TWO_IN_A_ROW))) {
            fixture.blue.get(1).status(503, "overloaded");
            List<Backend> pool = ProxyFixture.backends(fixture.blue);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 6 && !fixture.proxy.health(Colour.BLUE, pool.get(1)).ejected(); i++) {
                    client.get("/" + i);
                }
            }
            assertThat(fixture.proxy.health(Colour.BLUE, pool.get(1)).ejected()).isTrue();

            Backend heavier = reweighed(pool.get(1), 5, 0);
            fixture.admin.deploy(Deployment.of(Colour.BLUE, "v1.1", List.of(pool.get(0), heavier)).forced());
            // The health view names the record its pool has now once the registry followed the deploy.
            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.BLUE, heavier).backend().weight() == 5);

            assertThat(fixture.proxy.health(Colour.BLUE, heavier).ejected()).isTrue();
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 6; i++) {
                    RawResponse response = client.get("/after/" + i);
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.header("X-Backend")).isEqualTo("blue-1");
                }
            }
        }
    }
}
