package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.GrpcTestServer;
import dev.bluegreen.testing.Http1OnlyServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gRPC health check ({@code grpc.health.v1.Health/Check} over h2c, against grpc-java's standard health service),
 * its verdicts, and the healthy-target guard that relies on it: a pool that says NOT_SERVING is not switched to.
 */
class GrpcHealthCheckTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final HealthCheckSettings FAST_GRPC = HealthCheckSettings.grpc()
            .withInterval(Duration.ofMillis(100))
            .withTimeout(Duration.ofSeconds(2))
            .withThresholds(2, 2);

    private static String lastReason(GrpcFixture fixture, Colour colour) {
        return fixture.proxy.health().stream().filter(health -> health.colour() == colour).findFirst()
                .orElseThrow().lastReason();
    }

    @Test
    void greenThatSaysNotServing_isNotSwitchedTo_thenIsOnceItSaysServing() {
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy.healthChecks(FAST_GRPC))) {
            fixture.green.serving(false);

            assertThatThrownBy(() -> fixture.admin.switchTo(Colour.GREEN))
                    .isInstanceOfSatisfying(ChangeRefusedException.class, refused -> {
                        assertThat(refused.guard()).contains("healthy-target");
                        assertThat(refused.getMessage()).contains("green has 0 healthy backends of 1")
                                .contains("NOT_SERVING");
                    });
            assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);
            assertThat(GrpcTestServer.which(fixture.channel, WAIT)).isEqualTo("blue-1");

            fixture.green.serving(true);
            await().atMost(WAIT).until(() -> {
                try {
                    fixture.admin.switchTo(Colour.GREEN);
                    return true;
                } catch (ChangeRefusedException stillRising) {
                    return false;
                }
            });
            assertThat(GrpcTestServer.which(fixture.channel, WAIT)).isEqualTo("green-1");
            assertThat(lastReason(fixture, Colour.GREEN)).isEqualTo("SERVING");
        }
    }

    @Test
    void serverWithoutTheHealthService_failsItsChecks_withUnimplemented() {
        try (GrpcFixture fixture = GrpcFixture.start(GrpcTestServer.start("blue-1"),
                GrpcTestServer.builder("green-1").withoutHealthService().start(),
                proxy -> proxy.healthChecks(FAST_GRPC))) {
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(fixture.proxy.health(Colour.GREEN, fixture.admin.snapshot().green().backends().get(0))
                        .state()).isEqualTo(HealthState.UNHEALTHY);
                assertThat(lastReason(fixture, Colour.GREEN)).isEqualTo("grpc-status 12 (UNIMPLEMENTED)");
                assertThat(fixture.proxy.health(Colour.BLUE, fixture.admin.snapshot().blue().backends().get(0))
                        .state()).isEqualTo(HealthState.HEALTHY);
            });
        }
    }

    @Test
    void checkOfANamedService_passesForOneTheServerKnows_andFailsForAnother() {
        HealthCheckSettings known = FAST_GRPC.withGrpcService(GrpcTestServer.SERVICE);
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy.healthChecks(known))) {
            await().atMost(WAIT).until(() -> fixture.proxy.health(Colour.GREEN,
                    fixture.admin.snapshot().green().backends().get(0)).state() == HealthState.HEALTHY);
        }
        HealthCheckSettings unknown = FAST_GRPC.withGrpcService("no.such.Service");
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy.healthChecks(unknown))) {
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(fixture.proxy.health(Colour.GREEN, fixture.admin.snapshot().green().backends().get(0))
                        .state()).isEqualTo(HealthState.UNHEALTHY);
                assertThat(lastReason(fixture, Colour.GREEN)).isEqualTo("grpc-status 5 (NOT_FOUND)");
            });
        }
    }

    @Test
    void backendThatAnswersInHttp1_failsItsChecks_quotingItsAnswer_notAHexDump() throws IOException {
        try (ServerSocket http1 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             BlueGreen admin = BlueGreen.builder()
                     .blue("v1", List.of(Backend.of("127.0.0.1", http1.getLocalPort())))
                     .green("v2", List.of(Backend.of("127.0.0.1", http1.getLocalPort())))
                     .build()) {
            Http1OnlyServer.answerEveryConnection(http1);
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0)
                    .backendProtocol(BackendProtocol.H2C).healthChecks(FAST_GRPC).build();
            proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
            try {
                await().atMost(WAIT).untilAsserted(() -> assertThat(proxy.health().stream()
                        .filter(health -> health.colour() == Colour.BLUE).findFirst().orElseThrow().lastReason())
                        .isEqualTo("the backend did not answer in HTTP/2: its answer began \"HTTP/1.1 400 Bad"
                                + " Request\" (an HTTP/1 server? this pool's backend protocol is h2c)"));
            } finally {
                proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }

    @Test
    void stoppedServer_failsItsChecks_withConnectionRefused() {
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy.healthChecks(FAST_GRPC))) {
            await().atMost(WAIT).until(() -> "SERVING".equals(lastReason(fixture, Colour.GREEN)));
            fixture.green.close();

            // As the table of docs/grpc.md says, and as an HTTP/1.1 check says it: not "closed before responding".
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(fixture.proxy.health(Colour.GREEN, fixture.admin.snapshot().green().backends().get(0))
                        .state()).isEqualTo(HealthState.UNHEALTHY);
                assertThat(lastReason(fixture, Colour.GREEN)).isEqualTo("connection refused");
            });
        }
    }

    @Test
    void httpCheckOfAnHttp2Pool_speaksHttp2_andJudgesTheStatus() {
        // grpc-java answers a GET without a gRPC content type with 415: the check reached it over h2c and read it.
        HealthCheckSettings http = HealthCheckSettings.defaults().withInterval(Duration.ofMillis(100))
                .withTimeout(Duration.ofSeconds(2)).withThresholds(2, 2);
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy.healthChecks(http).withoutTargetGuard())) {
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(lastReason(fixture, Colour.BLUE)).isEqualTo("status 415"));
        }
    }
}
