package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code bluegreen.health.slow-start}: handed to the proxy with the checks, or the startup fails naming it. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowStartPropertyTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BlueGreenAutoConfiguration.class))
            .withPropertyValues("bluegreen.proxy.listen=127.0.0.1:0", "bluegreen.proxy.threads=1",
                    "bluegreen.blue.backends=127.0.0.1:9001");

    @Test
    void aSlowStartWithTheChecks_starts() {
        runner.withPropertyValues("bluegreen.health.enabled=true", "bluegreen.health.slow-start=45s")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void aWindowTheProxyRefuses_failsTheStartup_namingTheProperty() {
        // The proxy's own refusal: the value reached its builder.
        runner.withPropertyValues("bluegreen.health.enabled=true", "bluegreen.health.slow-start=2h")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.health.slow-start").hasMessageContaining("2h")
                        .hasMessageContaining("at most 1 hour"));
    }

    @Test
    void aSlowStartWithTheChecksOff_failsTheStartup() {
        runner.withPropertyValues("bluegreen.health.slow-start=45s")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.health.slow-start"));
    }
}
