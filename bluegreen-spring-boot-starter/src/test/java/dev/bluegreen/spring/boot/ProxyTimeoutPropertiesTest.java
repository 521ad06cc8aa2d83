package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.Drain;
import dev.bluegreen.proxy.DrainReport;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code bluegreen.proxy.idle-timeout}, {@code .drain-timeout}, {@code .rollback-window}, {@code .queue-timeout} and
 * {@code .max-queued}: applied to the running proxy (the builder's defaults when unset), or the startup fails naming
 * the property and the value as written; an empty duration fails it too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyTimeoutPropertiesTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final TwoPools pools = new TwoPools();
    private final TestBackend blue = pools.blue;
    private final ApplicationContextRunner runner = pools.runner;

    @AfterEach
    void stopBackends() {
        pools.close();
    }

    @Test
    void idleTimeout_closesAClientKeepAliveConnectionThatSitsIdle() {
        runner.withPropertyValues("bluegreen.proxy.idle-timeout=300ms").run(context -> {
            assertThat(context).hasNotFailed();
            BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                RawResponse response = client.get("/");
                long answered = System.nanoTime();
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.header("Connection")).as("kept alive").isNull();

                assertThat(client.isClosedByPeer(TIMEOUT)).as("closed once idle, well before the default 60 s")
                        .isTrue();
                assertThat(Duration.ofNanos(System.nanoTime() - answered)).as("not before it was idle")
                        .isGreaterThanOrEqualTo(Duration.ofMillis(200));
                await().atMost(TIMEOUT).until(() -> proxy.clientConnections() == 0);
            }
        });
    }

    @Test
    void drainTimeout_isTheOldColoursDrainDeadline_whichEndsWhatIsStillUnderWay() {
        runner.withPropertyValues("bluegreen.proxy.drain-timeout=300ms").run(context -> {
            assertThat(context).hasNotFailed();
            BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
            Gate gate = blue.hold();
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                client.request("GET", "/held", Map.of());
                gate.awaitArrived(1, TIMEOUT);

                Drain drain = switchToGreen(context);
                assertThat(Duration.between(drain.startedAt(), drain.deadline())).isEqualTo(Duration.ofMillis(300));
                DrainReport report = drain.completion().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                assertThat(report.outcome()).isEqualTo(DrainReport.Outcome.DEADLINE);
                assertThat(report.forcedClosed()).isPositive();
                // The held request, which its backend never began to answer, gets the proxy's 504 at the deadline.
                assertThat(client.readResponse().status()).as("the held exchange's answer").isEqualTo(504);
            } finally {
                gate.release();
            }
        });
        runner.run(context -> {
            Drain drain = switchToGreen(context);
            assertThat(Duration.between(drain.startedAt(), drain.deadline())).as("the builder's default")
                    .isEqualTo(Duration.ofSeconds(30));
        });
    }

    @Test
    void queueTimeout_letsARequestWaitForABackendAtItsLimit_thenAnswers503() {
        runner.withPropertyValues("bluegreen.proxy.queue-timeout=300ms",
                "bluegreen.blue.backends=127.0.0.1:" + blue.port() + " max=1").run(context -> {
            assertThat(context).hasNotFailed();
            BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
            Gate gate = blue.hold();
            try (RawHttpClient held = RawHttpClient.connect(proxy.port());
                 RawHttpClient waiting = RawHttpClient.connect(proxy.port())) {
                held.request("GET", "/held", Map.of());
                gate.awaitArrived(1, TIMEOUT);
                long start = System.nanoTime();

                RawResponse answer = waiting.get("/waits");

                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.bodyText()).contains("for 300 ms");
                assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
                gate.release();
                assertThat(held.readResponse().status()).isEqualTo(200);
            } finally {
                gate.release();
            }
        });
    }

    @Test
    void maxQueued_shedsTheRequestThatFindsTheQueueFull() {
        runner.withPropertyValues("bluegreen.proxy.queue-timeout=10s", "bluegreen.proxy.max-queued=1",
                "bluegreen.blue.backends=127.0.0.1:" + blue.port() + " max=1").run(context -> {
            assertThat(context).hasNotFailed();
            BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
            Gate gate = blue.hold();
            try (RawHttpClient held = RawHttpClient.connect(proxy.port());
                 RawHttpClient queued = RawHttpClient.connect(proxy.port());
                 RawHttpClient shed = RawHttpClient.connect(proxy.port())) {
                held.request("GET", "/held", Map.of());
                gate.awaitArrived(1, TIMEOUT);
                queued.request("GET", "/queued", Map.of());
                await().atMost(TIMEOUT).until(() -> proxy.requestsQueued() == 1);

                RawResponse answer = shed.get("/shed");

                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.bodyText()).contains("its queue is full (1 waiting)");
                gate.release();
                assertThat(held.readResponse().status()).isEqualTo(200);
                assertThat(queued.readResponse().status()).isEqualTo(200);
            } finally {
                gate.release();
            }
        });
    }

    @Test
    void rollbackWindowZero_closesTheOldColoursIdleConnectionsAtTheSwitch_unsetKeepsThemWarm() {
        runner.withPropertyValues("bluegreen.proxy.rollback-window=0s").run(context -> {
            assertThat(context).hasNotFailed();
            BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                warmBlueThenSwitch(context, client);

                await().atMost(TIMEOUT).untilAsserted(() -> {
                    assertThat(proxy.upstreamConnections(Colour.BLUE)).isZero();
                    assertThat(blue.openConnections()).isZero();
                });
            }
        });
        runner.run(context -> {
            BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                Drain drain = warmBlueThenSwitch(context, client);

                assertThat(drain.completion().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).outcome())
                        .isEqualTo(DrainReport.Outcome.DRAINED);
                assertThat(proxy.idleUpstreamConnections(Colour.BLUE)).as("warm for the default 30 s").isOne();
            }
        });
    }

    @Test
    void invalidValues_failTheStartupNamingThePropertyAndTheValueAsWritten() {
        pools.assertRefused("bluegreen.proxy.idle-timeout", "0s", "idleTimeout: 0s (expected: > 0)",
                "bluegreen.proxy.idle-timeout=0s");
        pools.assertRefused("bluegreen.proxy.drain-timeout", "-5s", "drainTimeout: -5s (expected: > 0)",
                "bluegreen.proxy.drain-timeout=-5s");
        pools.assertRefused("bluegreen.proxy.rollback-window", "-1500ms", "rollbackWindow: -1500ms (expected: >= 0)",
                "bluegreen.proxy.rollback-window=-1500ms");
        pools.assertRefused("bluegreen.proxy.send-timeout", "0s", "sendTimeout: 0s (expected: > 0)",
                "bluegreen.proxy.send-timeout=0s");
        pools.assertRefused("bluegreen.proxy.queue-timeout", "-1s", "queueTimeout: -1s (expected: between 0 and 24 "
                + "days)", "bluegreen.proxy.queue-timeout=-1s");
        pools.assertRefused("bluegreen.proxy.max-queued", "-1", "maxQueuedRequests: -1 (expected: 0-1000000)",
                "bluegreen.proxy.queue-timeout=1s", "bluegreen.proxy.max-queued=-1");
        pools.assertRefused("bluegreen.proxy.max-queued", "50", "given without bluegreen.proxy.queue-timeout",
                "bluegreen.proxy.max-queued=50");
        pools.assertRefused("bluegreen.health.interval", "-2m", "(expected: > 0)", "bluegreen.health.enabled=true",
                "bluegreen.health.interval=-2m");
        pools.assertRefused("bluegreen.health.rise", "0", "given without bluegreen.health.enabled=true",
                "bluegreen.health.rise=0");
        pools.assertRefused("bluegreen.health.path", "/ready", "given without bluegreen.health.enabled=true",
                "bluegreen.health.enabled=false", "bluegreen.health.path=/ready");
        runner.withPropertyValues("bluegreen.proxy.drain-timeout=soon")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("bluegreen.proxy.drain-timeout").hasStackTraceContaining("soon"));
    }

    @Test
    void shutdownGracePeriod_longerThanSpringWaitsForAShutdownPhase_failsTheStartup() {
        // Past that timeout Spring stops waiting and closes the proxy: requests still under way are cut.
        pools.assertRefused("bluegreen.proxy.shutdown-grace-period", "10s",
                "longer than spring.lifecycle.timeout-per-shutdown-phase, 2s,",
                "bluegreen.proxy.shutdown-grace-period=10s", "spring.lifecycle.timeout-per-shutdown-phase=2s");
        pools.assertRefused("bluegreen.proxy.shutdown-grace-period", "45s",
                "longer than spring.lifecycle.timeout-per-shutdown-phase, 30s,",
                "bluegreen.proxy.shutdown-grace-period=45s");
        runner.withPropertyValues("bluegreen.proxy.shutdown-grace-period=45s",
                        "spring.lifecycle.timeout-per-shutdown-phase=1m")
                .run(context -> assertThat(context).hasNotFailed());
        runner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=30s")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void emptyDuration_failsTheStartupNamingTheProperty_insteadOfKeepingTheDefault() {
        pools.assertRefused("bluegreen.proxy.drain-timeout", "",
                "empty (expected: a duration such as 300ms, 30s or 1m; leave the property out for the default, 30s)",
                "bluegreen.proxy.drain-timeout=");
        pools.assertRefused("bluegreen.proxy.idle-timeout", "", "leave the property out for the default, 1m",
                "bluegreen.proxy.idle-timeout=");
        pools.assertRefused("bluegreen.health.timeout", "", "the default, 1s", "bluegreen.health.timeout=");
    }

    @Test
    void durationFromAPlaceholderWithAnEmptyDefault_keepsThePropertysDefault() {
        runner.withPropertyValues("bluegreen.proxy.drain-timeout=${bluegreen.test.unset.drain:}").run(context -> {
            assertThat(context).hasNotFailed();
            Drain drain = switchToGreen(context);
            assertThat(Duration.between(drain.startedAt(), drain.deadline())).isEqualTo(Duration.ofSeconds(30));
        });
    }

    /** One request to blue on {@code client}, whose upstream connection then sits idle; the switch; its drain. */
    private Drain warmBlueThenSwitch(AssertableApplicationContext context, RawHttpClient client) {
        BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
        assertThat(client.get("/warm").header(TestBackend.X_BACKEND.toString())).isEqualTo("blue");
        await().atMost(TIMEOUT).until(() -> proxy.idleUpstreamConnections(Colour.BLUE) == 1);
        Drain drain = switchToGreen(context);
        assertThat(client.get("/green").header(TestBackend.X_BACKEND.toString())).isEqualTo("green");
        return drain;
    }

    private static Drain switchToGreen(AssertableApplicationContext context) {
        BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
        context.getBean(BlueGreen.class).switchTo(Colour.GREEN);
        return await().atMost(TIMEOUT).until(() -> proxy.drain(Colour.BLUE), Optional::isPresent).orElseThrow();
    }
}
