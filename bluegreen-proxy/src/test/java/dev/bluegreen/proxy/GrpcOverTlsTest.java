package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.CapturedLog;
import dev.bluegreen.testing.GrpcTestServer;
import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.netty.channel.DefaultChannelPipeline;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * h2 over TLS to the backends: the proxy offers h2 through ALPN and verifies the backend's certificate as
 * {@link UpstreamTls} says; a backend whose certificate fails, or that does not pick h2, is as good as down.
 */
class GrpcOverTlsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static GrpcTestServer tlsServer(String name, String certificate) {
        return GrpcTestServer.builder(name).tls(TlsFixtures.resource(certificate + ".crt").toFile(),
                TlsFixtures.resource(certificate + ".key").toFile()).start();
    }

    private static BlueGreenProxyBuilder h2(BlueGreenProxyBuilder proxy) {
        return proxy.backendProtocol(BackendProtocol.H2)
                .upstreamTls(UpstreamTls.verifying(TlsFixtures.resource("backend.crt")));
    }

    @Test
    void unaryAndStreamingCalls_reachBackendsOverVerifiedH2_andSwitch() {
        try (GrpcFixture fixture = GrpcFixture.start(tlsServer("blue-1", "backend"), tlsServer("green-1", "backend"),
                proxy -> h2(proxy).healthChecks(HealthCheckSettings.grpc().withInterval(Duration.ofMillis(100))))) {
            assertThat(GrpcTestServer.which(fixture.channel, WAIT)).isEqualTo("blue-1");
            List<String> streamed = new ArrayList<>();
            ClientCalls.blockingServerStreamingCall(fixture.channel, GrpcTestServer.COUNT,
                    CallOptions.DEFAULT.withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                    GrpcTestServer.countRequest(3, Duration.ofMillis(10)))
                    .forEachRemaining(message -> streamed.add(GrpcTestServer.text(message)));
            assertThat(streamed).containsExactly("blue-1", "blue-1", "blue-1");

            // The guard's gRPC check runs over TLS too.
            fixture.admin.switchTo(Colour.GREEN);
            assertThat(GrpcTestServer.which(fixture.channel, WAIT)).isEqualTo("green-1");
        }
    }

    @Test
    void backendWhoseCertificateNamesAnotherHost_isNeverSentTheCall() {
        try (GrpcFixture fixture = GrpcFixture.start(tlsServer("blue-1", "other-host"),
                tlsServer("green-1", "backend"), GrpcOverTlsTest::h2)) {
            assertThatThrownBy(() -> GrpcTestServer.which(fixture.channel, WAIT))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, failed ->
                            // The proxy's 502; a gRPC client reads it as UNAVAILABLE.
                            assertThat(failed.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            assertThat(fixture.blue.activeCalls()).isZero();
            assertThat(fixture.blue.connectionsAccepted()).as("no HTTP/2 connection came up").isZero();
        }
    }

    @Test
    void untrustedOrCleartextBackend_failsItsHealthChecks_withTheRootCause_andNoStackTraceEachTime() {
        try (CapturedLog pipelineLog = CapturedLog.of(DefaultChannelPipeline.class);
             GrpcTestServer cleartext = GrpcTestServer.start("cleartext");
             GrpcFixture fixture = GrpcFixture.start(tlsServer("blue-1", "backend"), tlsServer("green-1", "other-host"),
                     proxy -> h2(proxy).withoutTargetGuard()
                             .healthChecks(HealthCheckSettings.grpc().withInterval(Duration.ofMillis(100))))) {
            // other-host's certificate is signed by no authority the proxy trusts: the engine's own error is
            // "General OpenSslEngine problem" (or the JDK's wrapper), the reason is the chain.
            BackendHealth untrusted = awaitFailedCheckAfter(fixture, Colour.GREEN, null);
            assertThat(untrusted.lastReason()).startsWith("TLS handshake failed: ")
                    .contains("certification path").doesNotContain("General OpenSslEngine problem");
            awaitFailedCheckAfter(fixture, Colour.GREEN, untrusted.lastChecked());

            fixture.admin.deploy(Colour.GREEN, "v3",
                    List.of(dev.bluegreen.core.Backend.of("127.0.0.1", cleartext.port())));
            BackendHealth plain = await().atMost(WAIT).until(() -> health(fixture, Colour.GREEN),
                    health -> health.backend().port() == cleartext.port() && health.lastReason() != null);
            assertThat(plain.lastReason()).startsWith("TLS handshake failed: ").contains("not an SSL/TLS record");
            awaitFailedCheckAfter(fixture, Colour.GREEN, plain.lastChecked());

            assertThat(pipelineLog.messages()).as("Netty's WARN for an exception no handler took, at each check")
                    .noneMatch(line -> line.contains("reached at the tail of the pipeline"));
        }
    }

    private static BackendHealth health(GrpcFixture fixture, Colour colour) {
        return fixture.proxy.health().stream().filter(health -> health.colour() == colour).findFirst().orElseThrow();
    }

    /** The colour's first backend's health once a check that failed has come after {@code after} (if not null). */
    private static BackendHealth awaitFailedCheckAfter(GrpcFixture fixture, Colour colour, Instant after) {
        return await().atMost(WAIT).until(() -> health(fixture, colour), health -> health.lastChecked() != null
                && health.lastReason() != null && health.state() != HealthState.HEALTHY
                && (after == null || health.lastChecked().isAfter(after)));
    }

    @Test
    void tlsBackendThatDoesNotPickH2_failsItsHealthChecks_withTheReason() {
        try (TlsFixtures.TlsBackend http1Only = new TlsFixtures.TlsBackend("backend");
             GrpcFixture fixture = GrpcFixture.start(tlsServer("blue-1", "backend"), tlsServer("green-1", "backend"),
                     proxy -> h2(proxy).withoutTargetGuard()
                             .healthChecks(HealthCheckSettings.grpc().withInterval(Duration.ofMillis(100))))) {
            fixture.admin.deploy(Colour.GREEN, "v3",
                    List.of(dev.bluegreen.core.Backend.of("127.0.0.1", http1Only.port())));
            await().atMost(WAIT).untilAsserted(() -> assertThat(fixture.proxy.health().stream()
                    .filter(health -> health.colour() == Colour.GREEN).findFirst().orElseThrow().lastReason())
                    .isEqualTo("the backend did not agree to h2 through ALPN"));
            fixture.admin.switchTo(Colour.GREEN);
            assertThatThrownBy(() -> GrpcTestServer.which(fixture.channel, WAIT))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, failed ->
                            assertThat(failed.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }
}
