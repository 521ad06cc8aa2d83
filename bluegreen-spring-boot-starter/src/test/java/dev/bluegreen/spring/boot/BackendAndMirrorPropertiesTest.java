package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.testing.GrpcTestServer;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** {@code bluegreen.backend.*} and {@code bluegreen.mirror.*}: applied to the proxy, or the startup fails clearly. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BackendAndMirrorPropertiesTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(BlueGreenAutoConfiguration.class))
            .withPropertyValues("bluegreen.proxy.listen=127.0.0.1:0", "bluegreen.proxy.threads=1");
    private final GrpcTestServer grpcBackend = GrpcTestServer.start("blue");

    @AfterEach
    void stopBackend() {
        grpcBackend.close();
    }

    @Test
    void backendProtocolH2c_carriesGrpcCallsToAGrpcBackend() {
        runner.withPropertyValues("bluegreen.backend.protocol=h2c",
                        "bluegreen.blue.backends=127.0.0.1:" + grpcBackend.port())
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    ManagedChannel channel = GrpcTestServer.channel(context.getBean(BlueGreenProxy.class).port());
                    try {
                        assertThat(GrpcTestServer.which(channel, Duration.ofSeconds(10))).isEqualTo("blue");
                    } finally {
                        channel.shutdownNow();
                    }
                });
    }

    @Test
    void unknownProtocol_orACaForCleartext_failsTheStartupNamingTheProperty() {
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.backend.protocol=spdy")
                .run(context -> assertThat(context.getStartupFailure())
                        .hasStackTraceContaining("bluegreen.backend.protocol").hasStackTraceContaining("spdy"));
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.backend.protocol=h2c",
                        "bluegreen.backend.ca=/etc/ssl/certs/ca-certificates.crt")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.backend.ca").hasMessageContaining("cleartext"));
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.backend.ca=/no/such.pem")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.backend.ca").hasMessageContaining("/no/such.pem")
                        .hasMessageContaining("readable PEM file"));
    }

    @Test
    void mirrorWithAGuard_mirrorsAndRefusesASwitchWithoutEnoughComparedPairs() {
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.green.backends=127.0.0.1:9002",
                        "bluegreen.mirror.percent=100", "bluegreen.mirror.guard=0.99",
                        "bluegreen.mirror.guard-min=5")
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(context.getBean(BlueGreenProxy.class).mirror()).isPresent();
                    BlueGreen admin = context.getBean(BlueGreen.class);
                    assertThatThrownBy(() -> admin.switchTo(Colour.GREEN))
                            .isInstanceOf(ChangeRefusedException.class)
                            .hasMessageContaining("mirror-agreement");
                    assertThat(admin.snapshot().live()).isEqualTo(Colour.BLUE);
                });
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001")
                .run(context -> assertThat(context.getBean(BlueGreenProxy.class).mirror()).isEmpty());
    }

    @Test
    void badMirrorValues_orAGuardWithoutMirroring_failTheStartupNamingTheProperty() {
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.mirror.percent=150")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.mirror.percent").hasMessageContaining("150"));
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.mirror.percent=10",
                        "bluegreen.mirror.guard=2")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.mirror.guard"));
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.mirror.guard=0.99")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.mirror.guard")
                        .hasMessageContaining("without bluegreen.mirror.percent"));
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.mirror.percent=10",
                        "bluegreen.mirror.guard-min=5")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.mirror.guard-min")
                        .hasMessageContaining("without bluegreen.mirror.guard"));
    }
}
