package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.GuardVerdict;
import dev.bluegreen.core.SwitchGuard;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Pre-warm: connections to the target pool are open before the switch and serve the first requests after it. */
class PrewarmTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void switchOpensConnectionsToTheTargetFirst_andTheFirstRequestsAfterItReuseThem() {
        // The fixture runs two event loops: each opens two connections to each green backend.
        try (ProxyFixture fixture = ProxyFixture.start(1, 2, builder -> builder.prewarm(2))) {
            assertThat(fixture.green.get(0).connectionsAccepted()).isZero();

            fixture.admin.switchTo(Colour.GREEN);

            assertThat(fixture.proxy.idleUpstreamConnections(Colour.GREEN)).as("parked in the loops' pools")
                    .isEqualTo(8);
            await().atMost(WAIT).until(() -> fixture.green.get(0).connectionsAccepted() == 4
                    && fixture.green.get(1).connectionsAccepted() == 4);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 4; i++) {
                    RawResponse response = client.get("/" + i);
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.header("X-Backend")).startsWith("green-");
                }
            }
            assertThat(fixture.green.get(0).connectionsAccepted() + fixture.green.get(1).connectionsAccepted())
                    .as("no connection opened after the switch").isEqualTo(8);
        }
    }

    @Test
    void aSwitchRefusedByALaterGuard_leavesTheLiveColourAsItWas() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, builder -> builder.prewarm(1))) {
            SwitchGuard refuse = new SwitchGuard() {
                @Override
                public String name() {
                    return "smoke-test";
                }

                @Override
                public CompletableFuture<GuardVerdict> check(dev.bluegreen.core.GuardContext context) {
                    return CompletableFuture.completedFuture(GuardVerdict.fail("smoke test failed"));
                }
            };
            try (AutoCloseable ignored = fixture.admin.addGuard(refuse)) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> fixture.admin.switchTo(Colour.GREEN))
                        .hasMessageContaining("smoke-test");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
            await().atMost(WAIT).until(() -> fixture.green().connectionsAccepted() == 2);
            assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.get("/").header("X-Backend")).isEqualTo("blue-1");
            }
            assertThat(fixture.green().requestCount()).as("warm connections carry no request").isZero();
        }
    }
}
