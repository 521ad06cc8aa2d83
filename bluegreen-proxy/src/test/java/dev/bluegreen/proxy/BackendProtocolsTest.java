package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backend protocol settings and the gRPC health check: values, copies, refusals that say what was expected. */
class BackendProtocolsTest {

    private static BlueGreenProxyBuilder builder(BlueGreen admin) {
        return BlueGreenProxy.builder(admin).listen("127.0.0.1", 0);
    }

    @Test
    void defaults_areHttp1ToBothPools_andCopiesChangeOneThing() {
        BackendProtocols defaults = BackendProtocols.defaults();
        assertThat(defaults.protocol(Colour.BLUE)).isEqualTo(BackendProtocol.HTTP1);
        assertThat(defaults.protocol(Colour.GREEN)).isEqualTo(BackendProtocol.HTTP1);
        assertThat(defaults.maxConnectionsPerBackend()).isEqualTo(2);
        assertThat(defaults.maxStreamsPerConnection()).isEqualTo(100);

        BackendProtocols mixed = defaults.withProtocol(Colour.GREEN, BackendProtocol.H2C);
        assertThat(mixed.protocol(Colour.BLUE)).isEqualTo(BackendProtocol.HTTP1);
        assertThat(mixed.protocol(Colour.GREEN)).isEqualTo(BackendProtocol.H2C);
        assertThat(mixed.uses(BackendProtocol.H2C)).isTrue();
        assertThat(mixed.uses(BackendProtocol.H2)).isFalse();
        assertThat(defaults.protocol(Colour.GREEN)).as("unchanged").isEqualTo(BackendProtocol.HTTP1);
        assertThat(mixed.withProtocol(BackendProtocol.H2).uses(BackendProtocol.HTTP1)).as("both pools").isFalse();
        assertThat(BackendProtocols.of(BackendProtocol.H2).withMaxStreamsPerConnection(10)
                .withMaxConnectionsPerBackend(4)).isEqualTo(BackendProtocols.of(BackendProtocol.H2)
                .withMaxConnectionsPerBackend(4).withMaxStreamsPerConnection(10));
    }

    @Test
    void outOfRangeLimits_andUnknownLabels_areRefused() {
        assertThatThrownBy(() -> BackendProtocols.defaults().withMaxConnectionsPerBackend(0))
                .hasMessage("maxConnectionsPerBackend: 0 (expected: 1-64)");
        assertThatThrownBy(() -> BackendProtocols.defaults().withMaxStreamsPerConnection(10_001))
                .hasMessage("maxStreamsPerConnection: 10001 (expected: 1-10000)");
        assertThat(BackendProtocol.parse(" H2C ")).isEqualTo(BackendProtocol.H2C);
        assertThatThrownBy(() -> BackendProtocol.parse("http2"))
                .hasMessage("backendProtocol: 'http2' (expected: http1, h2c or h2)");
    }

    @Test
    void grpcHealthCheck_asksTheStandardService_andRefusesBadNames() {
        HealthCheckSettings grpc = HealthCheckSettings.grpc();
        assertThat(grpc.isGrpc()).isTrue();
        assertThat(grpc.grpcService()).isEmpty();
        assertThat(grpc.path()).isEqualTo("/grpc.health.v1.Health/Check");
        assertThat(HealthCheckSettings.defaults().isGrpc()).isFalse();
        assertThat(HealthCheckSettings.defaults().withThresholds(3, 4).withGrpcService("shop.Cart"))
                .satisfies(named -> {
                    assertThat(named.grpcService()).isEqualTo("shop.Cart");
                    assertThat(named.rise()).as("timing and thresholds kept").isEqualTo(3);
                });
        assertThatThrownBy(() -> grpc.withGrpcService("bad\nname"))
                .hasMessageStartingWith("grpcService: 'bad\\u000aname' (expected: a service name of at most 1024");
        assertThatThrownBy(() -> grpc.withPath("/health"))
                .hasMessage("path: '/health' (expected: /grpc.health.v1.Health/Check for a gRPC check)");
    }

    @Test
    void settingsThatDoNotFitTogether_areRefusedAtBuild_sayingWhy() {
        try (BlueGreen admin = BlueGreen.builder().blue("v1", List.of(Backend.of("127.0.0.1", 9000))).build()) {
            assertThatThrownBy(() -> builder(admin).backendProtocol(BackendProtocol.H2).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("backendProtocol: h2 without upstreamTls (expected: upstreamTls(...) to verify the"
                            + " backends' certificates, or h2c for cleartext HTTP/2)");
            assertThatThrownBy(() -> builder(admin).backendProtocol(BackendProtocol.H2C)
                    .upstreamTls(UpstreamTls.verifyingWithSystemTrust()).build())
                    .hasMessageStartingWith("upstreamTls: set, but both pools speak h2c");
            assertThatThrownBy(() -> builder(admin).healthChecks(HealthCheckSettings.grpc())
                    .backendProtocols(BackendProtocols.of(BackendProtocol.H2C)
                            .withProtocol(Colour.GREEN, BackendProtocol.HTTP1)).build())
                    .hasMessage("healthChecks: a gRPC check needs HTTP/2 to the backends, but the green pool speaks"
                            + " http1 (expected: backendProtocol h2c or h2)");
            // Set in either order, what fits together builds.
            assertThat(builder(admin).healthChecks(HealthCheckSettings.grpc()).backendProtocol(BackendProtocol.H2C)
                    .build()).isNotNull();
        }
    }
}
