package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RefusedChange;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.testing.RawHttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The healthy-target guard: a switch to a pool that is down is refused, and goes ahead once the pool is up. */
class GuardedSwitchTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void switchToAGreenThatIsDown_isRefusedByTheGuard_andChangesNothing_thenAcceptedOnceGreenIsUp() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, HealthCheckTest.checks())) {
            fixture.green().status(503, "starting");
            RoutingSnapshot before = fixture.admin.snapshot();
            String green = ProxyFixture.backends(fixture.green).get(0).id();

            assertThatThrownBy(() -> fixture.admin.switchTo(Colour.GREEN))
                    .isInstanceOfSatisfying(ChangeRefusedException.class, refused -> {
                        assertThat(refused.refusal()).isEqualTo(ChangeRefusedException.Refusal.GUARD_FAILED);
                        assertThat(refused.guard()).contains("healthy-target");
                        assertThat(refused.getMessage()).contains(
                                "green has 0 healthy backends of 1 (need 1): " + green + " status 503");
                    });
            assertThat(fixture.admin.snapshot()).as("nothing changed").isEqualTo(before);
            RefusedChange recorded = fixture.admin.refusals().get(fixture.admin.refusals().size() - 1);
            assertThat(recorded.refusal()).isEqualTo(ChangeRefusedException.Refusal.GUARD_FAILED);
            assertThat(recorded.message()).contains("healthy-target");
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.get("/").header("X-Backend")).isEqualTo("blue-1");
            }

            fixture.green().reply();
            await().atMost(WAIT).until(() -> {
                try {
                    fixture.admin.switchTo(Colour.GREEN);
                    return true;
                } catch (ChangeRefusedException stillRising) {
                    return false;
                }
            });
            assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);
            assertThat(fixture.admin.snapshot().generation()).isEqualTo(before.generation() + 1);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.get("/").header("X-Backend")).as("green takes traffic at once").isEqualTo("green-1");
            }
        }
    }

    @Test
    void asyncSwitch_refusedByTheGuard_completesExceptionally() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, HealthCheckTest.checks())) {
            fixture.green().close();
            assertThatThrownBy(() -> fixture.admin.promoteAsync().get(20, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(ChangeRefusedException.class)
                    .hasMessageContaining("connection refused");
            assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);
        }
    }

    @Test
    void aBackendNeverChecked_doesNotCount_evenThoughItWouldTakeTraffic() {
        // An hour between checks, and a backend that never answers: its first check is still under way.
        // Silent from before the proxy starts: its first check can't have answered by the time the test looks.
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, backends -> backends.green().neverRespond(),
                builder -> builder.healthChecks(HealthCheckTest.FAST.withInterval(Duration.ofHours(1))
                        .withTimeout(Duration.ofMillis(500))))) {
            Backend green = ProxyFixture.backends(fixture.green).get(0);
            assertThat(fixture.proxy.health(Colour.GREEN, green).state()).isEqualTo(HealthState.UNKNOWN);

            assertThatThrownBy(() -> fixture.admin.switchTo(Colour.GREEN))
                    .isInstanceOf(ChangeRefusedException.class)
                    .hasMessageContaining("timed out after 500 ms");
            assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);
        }
    }

    @Test
    void aShareRule_needsThatShareOfThePoolHealthy() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 2, builder -> builder.healthChecks(HealthCheckTest.FAST)
                .targetGuardShare(1.0))) {
            fixture.green.get(1).status(500, "broken");
            assertThatThrownBy(() -> fixture.admin.switchTo(Colour.GREEN))
                    .isInstanceOf(ChangeRefusedException.class)
                    .hasMessageContaining("green has 1 healthy backend of 2 (need 2)");
        }
        try (ProxyFixture fixture = ProxyFixture.start(1, 2, builder -> builder.healthChecks(HealthCheckTest.FAST)
                .targetGuard(1))) {
            fixture.green.get(1).status(500, "broken");
            assertThat(fixture.admin.switchTo(Colour.GREEN).live()).isEqualTo(Colour.GREEN);
        }
    }

    @Test
    void aBackendEjectedForFailedRequests_doesNotCount_thoughItsHealthEndpointAnswers() {
        OutlierEjection twoInARow = OutlierEjection.defaults().withConsecutiveFailures(2)
                .withEjectionTime(Duration.ofMinutes(5), Duration.ofMinutes(10)).withMaxEjectedShare(0.5);
        try (ProxyFixture fixture = ProxyFixture.start(1, 2, builder -> builder
                .healthChecks(HealthCheckTest.FAST.withInterval(Duration.ofHours(1)))
                .outlierEjection(twoInARow)
                .preview(PreviewRule.header("X-Preview"))
                .targetGuard(2))) {
            Backend sick = ProxyFixture.backends(fixture.green).get(1);
            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.GREEN, sick).state() == HealthState.HEALTHY);
            // Its requests fail (testers preview green), then its health endpoint answers again: ejected for 5 min.
            fixture.green.get(1).status(503, "overloaded");
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 4; i++) {
                    client.request("GET", "/" + i, Map.of("X-Preview", "1")).readResponse();
                }
            }
            assertThat(fixture.proxy.health(Colour.GREEN, sick).ejected()).isTrue();
            fixture.green.get(1).reply();

            assertThatThrownBy(() -> fixture.admin.switchTo(Colour.GREEN))
                    .isInstanceOf(ChangeRefusedException.class)
                    .hasMessageContaining("green has 1 healthy backend of 2 (need 2)")
                    .hasMessageContaining(sick.id() + " passed, but ejected for failed requests");
            assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);
        }
    }

    @Test
    void withoutTargetGuard_orForced_theSwitchGoesAhead() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, builder -> builder.healthChecks(HealthCheckTest.FAST)
                .withoutTargetGuard())) {
            fixture.green().close();
            assertThat(fixture.admin.switchTo(Colour.GREEN).live()).isEqualTo(Colour.GREEN);
        }
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, HealthCheckTest.checks())) {
            fixture.green().close();
            RoutingSnapshot forced = fixture.admin.forced().switchTo(Colour.GREEN);
            assertThat(forced.live()).isEqualTo(Colour.GREEN);
            assertThat(forced.forced()).isTrue();
        }
    }

    @Test
    void aStoppedProxy_takesItsGuardAway() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, HealthCheckTest.checks())) {
            fixture.green().close();
            assertThatThrownBy(() -> fixture.admin.switchTo(Colour.GREEN)).isInstanceOf(ChangeRefusedException.class);
            fixture.proxy.stop(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();

            assertThat(fixture.admin.switchTo(Colour.GREEN).live()).isEqualTo(Colour.GREEN);
        }
    }

    @Test
    void checksOffByDefault_installNoGuard() {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            fixture.green().close();
            assertThat(fixture.admin.switchTo(Colour.GREEN).live()).isEqualTo(Colour.GREEN);
        }
    }

    @Test
    void builderValues_areValidated() {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            BlueGreenProxyBuilder builder = BlueGreenProxy.builder(fixture.admin);
            assertThatThrownBy(() -> builder.targetGuard(0)).hasMessage("targetGuard: 0 (expected: 1-10000)");
            assertThatThrownBy(() -> builder.targetGuardShare(0)).hasMessage(
                    "targetGuardShare: 0.0 (expected: > 0 and <= 1)");
            assertThatThrownBy(() -> builder.prewarm(65)).hasMessage("prewarm: 65 (expected: 0-64)");
            assertThatThrownBy(() -> HealthCheckSettings.defaults().withPath("health"))
                    .hasMessage("path: 'health' (expected: starts with /, visible ASCII)");
            assertThatThrownBy(() -> HealthCheckSettings.defaults().withThresholds(0, 3))
                    .hasMessage("rise: 0 (expected: 1-100)");
        }
    }
}
