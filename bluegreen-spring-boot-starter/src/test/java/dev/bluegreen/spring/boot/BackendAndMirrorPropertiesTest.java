package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.HealthState;
import dev.bluegreen.proxy.MirrorSettings;
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
    void healthGrpc_checksWithTheGrpcHealthService_andTheSwitchGuardUsesIt() {
        try (GrpcTestServer green = GrpcTestServer.start("green")) {
            green.serving(false);
            runner.withPropertyValues("bluegreen.backend.protocol=h2c",
                            "bluegreen.blue.backends=127.0.0.1:" + grpcBackend.port(),
                            "bluegreen.green.backends=127.0.0.1:" + green.port(),
                            "bluegreen.health.enabled=true", "bluegreen.health.grpc=true",
                            "bluegreen.health.interval=100ms", "bluegreen.health.rise=1")
                    .run(context -> {
                        assertThat(context).hasNotFailed();
                        BlueGreenProxy proxy = context.getBean(BlueGreenProxy.class);
                        // An HTTP check (GET /health over h2c) of a gRPC server fails, with status 415.
                        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(proxy.health())
                                .filteredOn(health -> health.colour() == Colour.BLUE).singleElement()
                                .satisfies(health -> assertThat(health.state()).isEqualTo(HealthState.HEALTHY)));
                        assertThatThrownBy(() -> context.getBean(BlueGreen.class).switchTo(Colour.GREEN))
                                .isInstanceOf(ChangeRefusedException.class)
                                .hasMessageContaining("healthy-target").hasMessageContaining("NOT_SERVING");
                    });
        }
    }

    @Test
    void healthGrpc_onAnHttp1Pool_orAServiceWithoutIt_failsTheStartupNamingTheProperty() {
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.health.enabled=true",
                        "bluegreen.health.grpc=true")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.health.grpc").hasMessageContaining("h2c or h2"));
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.backend.protocol=h2c",
                        "bluegreen.health.enabled=true", "bluegreen.health.grpc-service=shop.Cart")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.health.grpc-service")
                        .hasMessageContaining("without bluegreen.health.grpc=true"));
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.backend.protocol=h2c",
                        "bluegreen.health.enabled=true", "bluegreen.health.grpc=true", "bluegreen.health.path=/ready")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.health.path")
                        .hasMessageContaining("bluegreen.health.grpc=true"));
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
    void whatIsCompared_reachesTheMirrorsSettings_andIsRefusedWithoutMirroring() {
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.mirror.percent=10",
                        "bluegreen.mirror.compared-headers=Content-Type,ETag",
                        "bluegreen.mirror.ignored-json-members=requestId,generatedAt",
                        "bluegreen.mirror.ignored-body-types=text/html,image/*")
                .run(context -> {
                    MirrorSettings settings = context.getBean(BlueGreenProxy.class).mirror().orElseThrow().settings();
                    assertThat(settings.comparedHeaders()).containsExactly("content-type", "etag");
                    assertThat(settings.ignoredJsonMembers()).containsExactly("requestId", "generatedAt");
                    assertThat(settings.ignoredBodyTypes()).containsExactly("text/html", "image/*");
                });
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001",
                        "bluegreen.mirror.ignored-json-members=requestId")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.mirror.ignored-json-members")
                        .hasMessageContaining("without bluegreen.mirror.percent"));
        runner.withPropertyValues("bluegreen.blue.backends=127.0.0.1:9001", "bluegreen.mirror.percent=10",
                        "bluegreen.mirror.ignored-body-types=html")
                .run(context -> assertThat(context.getStartupFailure()).rootCause()
                        .hasMessageContaining("bluegreen.mirror.ignored-body-types").hasMessageContaining("html"));
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
