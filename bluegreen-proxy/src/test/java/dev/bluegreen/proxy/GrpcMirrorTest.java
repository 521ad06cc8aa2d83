package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.testing.GrpcTestServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Shadow traffic to an idle colour that speaks h2c: the copies travel over HTTP/2, as the colour's requests do. */
class GrpcMirrorTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void grpcCallsMirroredToAnH2cIdleColour_reachIt_andArePaired() {
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy.mirror(MirrorSettings.percent(100)
                .withMethods(List.of("POST"))))) {
            for (int i = 0; i < 10; i++) {
                assertThat(GrpcTestServer.which(fixture.channel, WAIT)).isEqualTo("blue-1");
            }
            await().atMost(WAIT).untilAsserted(() -> {
                MirrorReport report = fixture.proxy.mirror().orElseThrow();
                assertThat(report.mirrored()).isEqualTo(10);
                // Each colour answers with its own name, so the pairs differ; none was lost on the way.
                assertThat(report.mismatched()).isEqualTo(10);
                assertThat(report.dropped()).isZero();
            });
            assertThat(fixture.green.connectionsAccepted()).as("the copies went over HTTP/2").isPositive();
        }
    }
}
