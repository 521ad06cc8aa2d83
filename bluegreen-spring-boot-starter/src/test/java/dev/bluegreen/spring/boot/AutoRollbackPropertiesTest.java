package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.watch.ShiftPlan;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code bluegreen.auto-rollback.*}: a switch to a colour that fails is rolled back on its own, off by default, and a
 * value the library refuses, or a rule given while the watch is off, fails the startup naming the property.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AutoRollbackPropertiesTest {

    private final TwoPools pools = new TwoPools();
    private final TestBackend green = pools.green;
    private final ApplicationContextRunner runner = pools.runner;

    @AfterEach
    void stopBackends() {
        pools.close();
    }

    @Test
    void enabled_rollsASwitchToAColourThatFailsBack() {
        green.status(500, "green is broken");
        runner.withPropertyValues("bluegreen.auto-rollback.enabled=true", "bluegreen.auto-rollback.window=2s",
                        "bluegreen.auto-rollback.evaluation-interval=50ms", "bluegreen.auto-rollback.min-requests=10")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BlueGreen admin = context.getBean(BlueGreen.class);
                    BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
                    long switched = admin.switchTo(Colour.GREEN).generation();
                    try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                        await().atMost(Duration.ofSeconds(30)).until(() -> {
                            client.get("/");
                            return admin.snapshot().live() == Colour.BLUE;
                        });
                        assertThat(client.get("/back").status()).isEqualTo(200);
                    }
                    List<Change> history = admin.history();
                    Change rollback = history.get(history.size() - 1);
                    assertThat(rollback.kind()).isEqualTo(ChangeKind.ROLLBACK);
                    assertThat(rollback.previous().generation()).isEqualTo(switched);
                    assertThat(rollback.actor()).isEqualTo(AutoRollback.ACTOR);
                    assertThat(rollback.reason()).startsWith("GREEN breached ERROR_RATE");
                    assertThat(green.requestCount()).isGreaterThanOrEqualTo(10);
                });
    }

    @Test
    void offByDefault_soAShiftPlanHasNoRulesToBeJudgedBy() {
        runner.run(context -> {
            assertThat(context).hasNotFailed();
            BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
            assertThatThrownBy(() -> proxy.startShift(ShiftPlan.linear(Colour.GREEN, 10, Duration.ofMinutes(1))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("autoRollback");
        });
        runner.withPropertyValues("bluegreen.auto-rollback.enabled=true", "bluegreen.auto-rollback.max-p99=0s")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
                    assertThat(proxy.startShift(ShiftPlan.linear(Colour.GREEN, 10, Duration.ofMinutes(1)))
                            .cancel(true)).isTrue();
                });
    }

    @Test
    void valuesTheLibraryRefuses_failTheStartupNamingThePropertyAndTheValue() {
        expectRefusal("bluegreen.auto-rollback.window", "0s", "expected: > 0",
                "bluegreen.auto-rollback.enabled=true", "bluegreen.auto-rollback.window=0s");
        expectRefusal("bluegreen.auto-rollback.evaluation-interval", "2m", "at most the window, 1m",
                "bluegreen.auto-rollback.enabled=true", "bluegreen.auto-rollback.evaluation-interval=2m");
        expectRefusal("bluegreen.auto-rollback.max-error-rate", "1.5", "expected: 0-1",
                "bluegreen.auto-rollback.enabled=true", "bluegreen.auto-rollback.max-error-rate=1.5");
        expectRefusal("bluegreen.auto-rollback.min-requests", "0", "expected: >= 1",
                "bluegreen.auto-rollback.enabled=true", "bluegreen.auto-rollback.min-requests=0");
        expectRefusal("bluegreen.auto-rollback.max-p99", "-1s", "or 0 to judge latency against the old colour only",
                "bluegreen.auto-rollback.enabled=true", "bluegreen.auto-rollback.max-p99=-1s");
    }

    @Test
    void aRuleGivenWhileTheWatchIsOff_failsTheStartup() {
        expectRefusal("bluegreen.auto-rollback.bake-window", "10m", "given without bluegreen.auto-rollback.enabled",
                "bluegreen.auto-rollback.bake-window=10m");
        expectRefusal("bluegreen.auto-rollback.max-error-rate", "0.01", "given without",
                "bluegreen.auto-rollback.enabled=false", "bluegreen.auto-rollback.max-error-rate=0.01");
    }

    @Test
    void defaults_areTheLibrarys() {
        AutoRollbackProperties properties = new AutoRollbackProperties();
        AutoRollback library = AutoRollback.defaults();

        assertThat(properties.isEnabled()).isFalse();
        assertThat(properties.getBakeWindow()).isEqualTo(library.bakeWindow());
        assertThat(properties.getWindow()).isEqualTo(library.window());
        assertThat(properties.getEvaluationInterval()).isEqualTo(library.evaluationInterval());
        assertThat(properties.getMinRequests()).isEqualTo(library.minRequests());
        assertThat(properties.getMaxErrorRate()).isEqualTo(library.maxErrorRate());
        assertThat(library.maxP99()).contains(properties.getMaxP99());
        assertThat(properties.changed()).isEmpty();
    }

    private void expectRefusal(String property, String value, String reason, String... properties) {
        runner.withPropertyValues(properties).run(context -> assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining(property).hasMessageContaining("'" + value + "'")
                .hasMessageContaining(reason));
    }
}
