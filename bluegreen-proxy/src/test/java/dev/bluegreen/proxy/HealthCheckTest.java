package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Deployment;
import dev.bluegreen.proxy.internal.metrics.FailureLog;
import dev.bluegreen.testing.Behaviour;
import dev.bluegreen.testing.CapturedLog;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.SeenRequest;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Active health checks on real sockets: transitions, load balancing among healthy backends, 503 when none. */
class HealthCheckTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** Checks every 100 ms; a generous timeout, so that a busy machine doesn't fail checks by itself. */
    static final HealthCheckSettings FAST = HealthCheckSettings.defaults()
            .withInterval(Duration.ofMillis(100))
            .withTimeout(Duration.ofSeconds(2))
            .withThresholds(2, 2);

    static UnaryOperator<BlueGreenProxyBuilder> checks() {
        return builder -> builder.healthChecks(FAST);
    }

    @Test
    void backendThatGoesDownAndComesBack_fallsAfterFailuresAndRisesAfterPasses() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, checks())) {
            List<BackendHealth> events = new CopyOnWriteArrayList<>();
            fixture.proxy.addHealthListener((previous, current) -> events.add(current));
            Backend blue = ProxyFixture.backends(fixture.blue).get(0);
            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.BLUE, blue).state() == HealthState.HEALTHY);
            BackendHealth healthy = fixture.proxy.health(Colour.BLUE, blue);
            assertThat(healthy.lastChecked()).isNotNull();
            assertThat(healthy.lastReason()).isEqualTo("status 200");
            assertThat(fixture.blue().requests()).extracting(SeenRequest::uri).contains("/health");

            fixture.blue().status(503, "down");
            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.BLUE, blue).state() == HealthState.UNHEALTHY);
            assertThat(fixture.proxy.health(Colour.BLUE, blue).lastReason()).isEqualTo("status 503");

            fixture.blue().reply();
            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.BLUE, blue).state() == HealthState.HEALTHY);
            assertThat(events).filteredOn(e -> e.backend().equals(blue)).extracting(BackendHealth::state)
                    .containsSubsequence(HealthState.UNHEALTHY, HealthState.HEALTHY);
        }
    }

    @Test
    void listenerThatThrowsAnError_checksGoOnAndTheOtherListenersHear() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, checks())) {
            List<BackendHealth> heard = new CopyOnWriteArrayList<>();
            fixture.proxy.addHealthListener((previous, current) -> {
                // An Error, not an exception: thrown on, it would end the backend's check schedule for good.
                throw new AssertionError("a listener's bug");
            });
            fixture.proxy.addHealthListener((previous, current) -> heard.add(current));
            Backend blue = ProxyFixture.backends(fixture.blue).get(0);
            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.BLUE, blue).state() == HealthState.HEALTHY);

            // Both listeners are there before this change (the first HEALTHY may have come before they were).
            fixture.blue().status(503, "down");
            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.BLUE, blue).state() == HealthState.UNHEALTHY);
            // The Error was thrown at that change: the checks still go on, and see the backend come back.
            fixture.blue().reply();
            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.BLUE, blue).state() == HealthState.HEALTHY);
            assertThat(heard).filteredOn(e -> e.backend().equals(blue)).extracting(BackendHealth::state)
                    .containsSubsequence(HealthState.UNHEALTHY, HealthState.HEALTHY);
        }
    }

    @Test
    void oneFailedCheck_isNotEnoughToFall() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, builder -> builder.healthChecks(FAST
                .withThresholds(1, 100)))) {
            Backend blue = ProxyFixture.backends(fixture.blue).get(0);
            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.BLUE, blue).state() == HealthState.HEALTHY);
            fixture.blue().status(500, "flaky");
            long before = fixture.blue().requestCount();
            await().atMost(WAIT).until(() -> fixture.blue().requestCount() >= before + 3);

            assertThat(fixture.proxy.health(Colour.BLUE, blue).state()).as("fall is 100").isEqualTo(HealthState.HEALTHY);
            assertThat(fixture.proxy.health(Colour.BLUE, blue).lastReason()).isEqualTo("status 500");
        }
    }

    @Test
    void aBackendFailingFromTheStart_staysUnknownAndTakesTraffic_untilAFullFall() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, builder -> builder.healthChecks(FAST
                .withThresholds(2, 100)));
             // Deployed failing from its first check: the fixture's own backends are checked from the start.
             TestBackend starting = TestBackend.start("blue-new", Behaviour.status(500, "slow to start"))) {
            Backend blue = Backend.of("127.0.0.1", starting.port());
            fixture.admin.deploy(Deployment.of(Colour.BLUE, "v1.1", List.of(blue)).forced());
            await().atMost(WAIT).until(() -> starting.requestCount() >= 3);

            BackendHealth health = fixture.proxy.health(Colour.BLUE, blue);
            assertThat(health.state()).isEqualTo(HealthState.UNKNOWN);
            assertThat(health.lastReason()).isEqualTo("status 500");
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.get("/").bodyText()).as("still routed to it").contains("slow to start");
            }
            starting.reply();
            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.BLUE, blue).state() == HealthState.HEALTHY);
        }
    }

    @Test
    void loadBalancing_skipsUnhealthyBackends_andUsesThemAgainOnceHealthy() {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1, checks())) {
            TestBackend sick = fixture.blue.get(1);
            Backend sickBackend = ProxyFixture.backends(fixture.blue).get(1);
            sick.status(503, "sick");
            await().atMost(WAIT).until(() ->
                    fixture.proxy.health(Colour.BLUE, sickBackend).state() == HealthState.UNHEALTHY);

            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 10; i++) {
                    RawResponse response = client.get("/" + i);
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.header("X-Backend")).isEqualTo("blue-1");
                }
            }

            sick.reply();
            await().atMost(WAIT).until(() ->
                    fixture.proxy.health(Colour.BLUE, sickBackend).state() == HealthState.HEALTHY);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (int i = 0; i < 10; i++) {
                    seen.add(client.get("/" + i).header("X-Backend"));
                }
                assertThat(seen).containsExactlyInAnyOrder("blue-1", "blue-2");
            }
        }
    }

    @Test
    void noHealthyBackendInTheLivePool_answers503WithAClearBody() {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1, checks())) {
            fixture.blue.forEach(backend -> backend.status(500, "broken"));
            await().atMost(WAIT).until(() -> fixture.proxy.health().stream()
                    .filter(h -> h.colour() == Colour.BLUE).allMatch(h -> h.state() == HealthState.UNHEALTHY));
            long seenByBackends = fixture.blue.stream().mapToLong(TestBackend::requestCount).sum();

            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                RawResponse response = client.get("/");
                assertThat(response.status()).isEqualTo(503);
                assertThat(response.bodyText()).contains("no healthy backend in the live pool (blue)");
                assertThat(client.get("/again").status()).as("the connection stays usable").isEqualTo(503);
            }
            assertThat(fixture.blue.stream().flatMap(b -> b.requests().stream())
                    .filter(r -> !r.uri().equals("/health")))
                    .as("no request but checks reached the pool; %d seen in all", seenByBackends).isEmpty();
            assertThat(fixture.green().requests()).extracting(SeenRequest::uri).containsOnly("/health");
        }
    }

    @Test
    void noHealthyBackendInTheNewlyLivePool_withTheSafetyNet_goesToThePreviousColour() {
        try (CapturedLog logged = CapturedLog.of(FailureLog.class);
             ProxyFixture fixture = ProxyFixture.start(1, 1, builder -> builder.healthChecks(FAST)
                .safetyNet(Duration.ofMinutes(5)))) {
            fixture.green().status(503, "broken");
            Backend green = ProxyFixture.backends(fixture.green).get(0);
            await().atMost(WAIT).until(() ->
                    fixture.proxy.health(Colour.GREEN, green).state() == HealthState.UNHEALTHY);
            fixture.admin.forced().switchTo(Colour.GREEN);

            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                RawResponse response = client.get("/");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("X-Backend")).isEqualTo("blue-1");
            }
            assertThat(fixture.green().requests()).extracting(SeenRequest::uri).containsOnly("/health");
            assertThat(logged.warnings()).filteredOn(line -> line.contains("safety net"))
                    .as("it says why: not a refused connection")
                    .containsExactly("safety net: no healthy backend in the green pool for GET /; sending it to blue");
        }
    }

    @Test
    void withoutChecks_everyBackendIsUnknown_andTakesTraffic() {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1)) {
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.get("/").status()).isEqualTo(200);
            }
            assertThat(fixture.proxy.health()).hasSize(3).allMatch(h -> h.state() == HealthState.UNKNOWN
                    && !h.ejected() && h.lastChecked() == null && h.usable());
            assertThat(fixture.blue().requests()).extracting(SeenRequest::uri).doesNotContain("/health");
        }
    }

    @Test
    void checksUseTheConfiguredPath_andStatusesOutsideTheRangeFail() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, builder -> builder.healthChecks(FAST
                .withPath("/ready").withPassingStatuses(200, 299)))) {
            Backend green = ProxyFixture.backends(fixture.green).get(0);
            fixture.green().status(302, "elsewhere");
            await().atMost(WAIT).until(() ->
                    fixture.proxy.health(Colour.GREEN, green).state() == HealthState.UNHEALTHY);
            assertThat(fixture.proxy.health(Colour.GREEN, green).lastReason()).isEqualTo("status 302");
            assertThat(fixture.green().requests()).extracting(SeenRequest::uri).contains("/ready")
                    .doesNotContain("/health");
        }
    }

    @Test
    void closedBackend_isUnhealthyWithConnectionRefused() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, checks())) {
            Backend green = ProxyFixture.backends(fixture.green).get(0);
            fixture.green().close();
            await().atMost(WAIT).until(() ->
                    fixture.proxy.health(Colour.GREEN, green).state() == HealthState.UNHEALTHY);
            assertThat(fixture.proxy.health(Colour.GREEN, green).lastReason()).isEqualTo("connection refused");
        }
    }

    @Test
    void silentBackend_failsItsCheckAtTheTimeout() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, builder -> builder.healthChecks(FAST
                .withTimeout(Duration.ofMillis(200))))) {
            Backend green = ProxyFixture.backends(fixture.green).get(0);
            fixture.green().neverRespond();
            await().atMost(WAIT).until(() ->
                    fixture.proxy.health(Colour.GREEN, green).state() == HealthState.UNHEALTHY);
            assertThat(fixture.proxy.health(Colour.GREEN, green).lastReason()).isEqualTo("timed out after 200 ms");
        }
    }

    @Test
    void deployedBackends_areCheckedAndRemovedOnesForgotten() {
        try (ProxyFixture fixture = ProxyFixture.start(1, 1, checks());
             TestBackend newGreen = TestBackend.start("green-new")) {
            Backend added = Backend.of("127.0.0.1", newGreen.port());
            fixture.admin.deploy(Colour.GREEN, "v3", List.of(added));

            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.GREEN, added).state() == HealthState.HEALTHY);
            assertThat(fixture.proxy.health()).extracting(BackendHealth::backend)
                    .containsExactly(ProxyFixture.backends(fixture.blue).get(0), added);
        }
    }
}
