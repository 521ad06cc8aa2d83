package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.IoTransport;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * A {@code bluegreen.*} key the starter has no property for fails the startup, naming the key and the property it
 * most likely meant: Boot alone binds around it, and {@code bluegreen.proxy.listn=0.0.0.0:8080} would leave the
 * proxy on loopback without a word.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnknownPropertiesTest {

    private final TwoPools pools = new TwoPools();

    @AfterEach
    void stopBackends() {
        pools.close();
    }

    @Test
    void misspelledKey_failsTheStartup_namingItAndThePropertyItMeant() {
        pools.runner.withPropertyValues("bluegreen.proxy.listn=0.0.0.0:18500")
                .run(context -> {
                    assertThat(context.getStartupFailure()).rootCause()
                            .isInstanceOf(UnknownPropertiesException.class)
                            .hasMessageStartingWith("bluegreen.proxy.listn (\"bluegreen.proxy.listn\" from property"
                                    + " source \"test\") is not a bluegreen property (did you mean"
                                    + " bluegreen.proxy.listen?)");
                    FailureAnalysis analysis = new UnknownPropertiesFailureAnalyzer()
                            .analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("bluegreen.proxy.listn");
                    assertThat(analysis.getAction()).startsWith("Correct the key (to bluegreen.proxy.listen?)");
                });
    }

    @Test
    void misspelledGroup_failsTheStartup_namingThePropertyInTheRightGroup() {
        pools.runner.withPropertyValues("bluegreen.helth.enabled=true")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(UnknownPropertiesException.class)
                        .hasMessageContaining("bluegreen.helth.enabled")
                        .hasMessageContaining("did you mean bluegreen.health.enabled?"));
    }

    @Test
    void keyBelowAPropertyThatTakesAValue_failsTheStartup() {
        pools.runner.withPropertyValues("bluegreen.proxy.listen.port=8080")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(UnknownPropertiesException.class)
                        .hasMessageContaining("bluegreen.proxy.listen.port")
                        .hasMessageContaining("not a bluegreen property"));
    }

    @Test
    void severalUnknownKeys_areNamedTogether() {
        pools.runner.withPropertyValues("bluegreen.proxy.listn=0.0.0.0:18500", "bluegreen.limits.max-body=1MB")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.limits.max-body")
                        .hasMessageContaining("bluegreen.proxy.listn"));
    }

    @Test
    void misspelledSecret_isRefusedWithoutEchoingItsValue() {
        pools.runner.withPropertyValues("bluegreen.admin.tokn=s3cr3t-value")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.admin.tokn")
                        .hasMessageContaining("did you mean bluegreen.admin.token?")
                        .hasMessageNotContaining("s3cr3t-value"));
    }

    @Test
    void everyKnownSpelling_starts() {
        pools.runner.withPropertyValues("bluegreen.proxy.drainTimeout=5s", "bluegreen.proxy.idle_timeout=5s",
                        "bluegreen.green.backends[0]=127.0.0.1:" + pools.green.port() + " weight=2",
                        "bluegreen.health.enabled=false", "bluegreen.preview.header=X-Preview")
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void environmentVariables_areNotChecked_asPlatformsSetSomeOfTheirOwnUnderThePrefix() {
        // Kubernetes gives every pod BLUEGREEN_PORT, BLUEGREEN_SERVICE_HOST... for a Service named "bluegreen".
        pools.runner.withInitializer(context -> context.getEnvironment().getPropertySources().addLast(
                        new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                Map.of("BLUEGREEN_PORT", "tcp://10.0.0.1:80", "BLUEGREEN_SERVICE_HOST", "10.0.0.1"))))
                .run(context -> assertThat(context).hasNotFailed());
    }

    @Test
    void transportSystemProperty_thatTheProxyReadsItself_isAllowed() {
        pools.runner.withSystemProperties(IoTransport.PROPERTY + "=nio").run(context -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(BlueGreenProxy.class).transport()).isEqualTo(IoTransport.NIO);
        });
    }

    @Test
    void transportKeyAmongTheApplicationsProperties_isRefused_namingTheStartersProperty() {
        // The proxy reads bluegreen.transport from the JVM's system properties only: here it would do nothing.
        pools.runner.withPropertyValues("bluegreen.transport=nio")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .isInstanceOf(UnknownPropertiesException.class)
                        .hasMessageContaining("bluegreen.proxy.transport"));
    }
}
