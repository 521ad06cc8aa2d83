package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Deployment;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.TestBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which requests shadow traffic mirrors, and where to: HTTP/2 streams as well as HTTP/1.1 requests, only requests the
 * live colour serves (never preview traffic), only to the idle colour, which stops getting mirrors the moment it
 * becomes live; and where the figures show: {@code GET /mirror} and the meters.
 */
class MirrorRoutingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void http2Streams_areMirroredAndCompared_likeHttp1Requests() {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.mirror(MirrorSettings.percent(100)));
             H2Client client = H2Client.cleartext(fixture.port())) {
            fixture.blue().status(200, "same");
            fixture.green().status(200, "same");
            for (int i = 0; i < 10; i++) {
                assertThat(H2Client.await(client.get("/h2/" + i)).body()).isEqualTo("same");
            }
            assertThat(H2Client.await(client.send(io.netty.handler.codec.http.HttpMethod.POST, "/h2/post", "x"))
                    .status()).isEqualTo(200);
            MirrorReport report = MirrorTest.settled(fixture.proxy);

            assertThat(report.mirrored()).as("the POST is not mirrored by default").isEqualTo(10);
            assertThat(report.matched()).isEqualTo(10);
            assertThat(fixture.green().requests()).hasSize(10)
                    .allSatisfy(seen -> assertThat(seen.header("X-Bluegreen-Mirror")).isEqualTo("1"));
        }
    }

    @Test
    void previewRequests_goToTheIdleColourOnce_andAreNotMirrored() {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.mirror(MirrorSettings.percent(100))
                .preview(PreviewRule.header("X-Preview")))) {
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.request("GET", "/preview", Map.of("X-Preview", "1")).readResponse()
                        .header("X-Backend")).isEqualTo("green-1");
                assertThat(client.get("/live").header("X-Backend")).isEqualTo("blue-1");
            }
            MirrorReport report = MirrorTest.settled(fixture.proxy);

            assertThat(report.mirrored()).isEqualTo(1);
            assertThat(fixture.green().requests()).extracting(seen -> seen.uri()).containsExactlyInAnyOrder(
                    "/preview", "/live");
            assertThat(fixture.blue().requests()).extracting(seen -> seen.uri()).containsExactly("/live");
        }
    }

    @Test
    void afterASwitch_neitherColourGetsMirrors_untilTheOldOneIsDeployedAgain() {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.mirror(MirrorSettings.percent(100)));
             TestBackend blueV3 = TestBackend.start("blue-v3")) {
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.get("/before").header("X-Backend")).isEqualTo("blue-1");
                MirrorTest.settled(fixture.proxy);
                fixture.admin.switchTo(Colour.GREEN);
                fixture.proxy.drain(Colour.BLUE).orElseThrow().completion().orTimeout(10, TimeUnit.SECONDS).join();
                assertThat(client.get("/after").header("X-Backend")).isEqualTo("green-1");
                MirrorReport drained = MirrorTest.settled(fixture.proxy);
                assertThat(drained.target()).isNull();
                assertThat(drained.paused()).isEqualTo("blue was drained when it stopped being live; mirroring"
                        + " resumes once a deployment gives it another pool");

                fixture.admin.deploy(Deployment.of(Colour.BLUE, "v3",
                        List.of(Backend.of("127.0.0.1", blueV3.port()))));
                await().atMost(WAIT).until(() -> fixture.proxy.mirror().orElseThrow().target() == Colour.BLUE);
                assertThat(client.get("/deployed").header("X-Backend")).isEqualTo("green-1");
            }
            MirrorReport report = MirrorTest.settled(fixture.proxy);

            assertThat(report.mirrored()).isEqualTo(2);
            assertThat(fixture.green().requests()).extracting(seen -> seen.uri())
                    .as("green: the mirror before the switch, then only its own live requests")
                    .containsExactly("/before", "/after", "/deployed");
            assertThat(fixture.blue().requests()).extracting(seen -> seen.uri())
                    .as("the drained blue pool: nothing after its drain").containsExactly("/before");
            assertThat(blueV3.requests()).singleElement().satisfies(seen -> {
                assertThat(seen.uri()).isEqualTo("/deployed");
                assertThat(seen.header("X-Bluegreen-Mirror")).isEqualTo("1");
            });
        }
    }

    @Test
    void mirrorsUnderWayAtASwitch_areDroppedAsSwitched_andTheirConnectionsClosed() {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.mirror(MirrorSettings.percent(100)
                .withTimeout(Duration.ofMinutes(1))))) {
            fixture.green().neverRespond();
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                assertThat(client.get("/a").status()).isEqualTo(200);
                assertThat(client.get("/b").status()).isEqualTo(200);
            }
            await().atMost(WAIT).until(() -> fixture.green().requestCount() == 2);
            assertThat(fixture.proxy.mirror().orElseThrow().inFlight()).isEqualTo(2);

            fixture.admin.switchTo(Colour.GREEN);
            MirrorReport report = MirrorTest.settled(fixture.proxy);

            assertThat(report.droppedBy()).containsEntry("switched", 2L);
            assertThat(report.inFlight()).isZero();
            fixture.green().awaitOpenConnections(0, WAIT);
        }
    }

    @Test
    void whileTheOldLiveColourDrains_itGetsNoMirror() {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.mirror(MirrorSettings.percent(100)))) {
            dev.bluegreen.testing.Gate gate = fixture.blue().hold();
            try (RawHttpClient held = RawHttpClient.connect(fixture.port());
                 RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                held.request("GET", "/held", Map.of());
                gate.awaitArrived(1, WAIT);
                fixture.admin.switchTo(Colour.GREEN);

                assertThat(client.get("/during").header("X-Backend")).isEqualTo("green-1");
                MirrorReport during = fixture.proxy.mirror().orElseThrow();
                assertThat(during.target()).isNull();
                assertThat(during.paused()).startsWith("blue was drained when it stopped being live");

                gate.release();
                assertThat(held.readResponse().header("X-Backend")).isEqualTo("blue-1");
            }
            assertThat(fixture.blue().requests()).extracting(seen -> seen.uri()).containsExactly("/held");
        }
    }

    @Test
    void getMirror_onTheAdminEndpoint_showsTheTotalsRoutesAndSamples() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.mirror(MirrorSettings.percent(100)
                .withAgreementGuard(0.9, 10)))) {
            fixture.green().status(500, "broken");
            AdminEndpoint endpoint = AdminEndpoint.builder(fixture.admin).listen("127.0.0.1", 0)
                    .proxy(fixture.proxy).build();
            endpoint.start().orTimeout(10, TimeUnit.SECONDS).join();
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                client.get("/orders/7");
                client.get("/orders/8");
                MirrorTest.settled(fixture.proxy);
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + endpoint.port() + "/mirror")).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                        type -> assertThat(type).startsWith("application/json"));
                assertThat(response.body()).startsWith(
                        "{\"mirrored\":2,\"matched\":0,\"mismatched\":2,\"dropped\":0,\"enabled\":true,"
                                + "\"percent\":100.0,\"target\":\"green\",\"paused\":null,\"inFlight\":0,")
                        .contains("\"guard\":{\"name\":\"mirror-agreement\",\"minRatio\":0.9,\"minPairs\":10}")
                        .contains("\"green\":{\"pairs\":2,\"matched\":0,\"ratio\":0.0,\"window\":1000}")
                        .contains("{\"method\":\"GET\",\"route\":\"/orders/{id}\",\"mirrored\":2,\"matched\":0,"
                                + "\"mismatched\":2,\"dropped\":0}")
                        .contains("\"target\":\"/orders/8\"", "\"differences\":[\"status: 200 vs 500\",",
                                "\"live\":{\"status\":200,", "\"body\":\"blue-1\"",
                                "\"mirror\":{\"status\":500,", "\"body\":\"broken\"");
            } finally {
                endpoint.stop().orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }

    @Test
    void getMirror_withoutShadowTraffic_answersZeroTotals() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            AdminEndpoint endpoint = AdminEndpoint.builder(fixture.admin).listen("127.0.0.1", 0)
                    .proxy(fixture.proxy).build();
            endpoint.start().orTimeout(10, TimeUnit.SECONDS).join();
            try {
                HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + endpoint.port() + "/mirror")).build(),
                        HttpResponse.BodyHandlers.ofString());

                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body().trim()).isEqualTo(
                        "{\"mirrored\":0,\"matched\":0,\"mismatched\":0,\"dropped\":0,\"enabled\":false}");
                assertThat(fixture.proxy.mirror()).isEmpty();
            } finally {
                endpoint.stop().orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }

    @Test
    void theMeters_countMirroredComparedAndDropped_andGiveTheAgreement() {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.mirror(MirrorSettings.percent(100)))) {
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                client.get("/a");
                // Green answers /a as itself (a mismatch) before it is told to answer like blue.
                MirrorTest.settled(fixture.proxy);
                fixture.green().status(200, "blue-1");
                client.get("/b");
            }
            MirrorTest.settled(fixture.proxy);

            assertThat(registry.get(MeterNames.MIRROR_REQUESTS).functionCounter().count()).isEqualTo(2);
            assertThat(registry.get(MeterNames.MIRROR_COMPARED).tag(MeterNames.OUTCOME, "matched")
                    .functionCounter().count()).isEqualTo(1);
            assertThat(registry.get(MeterNames.MIRROR_COMPARED).tag(MeterNames.OUTCOME, "mismatched")
                    .functionCounter().count()).isEqualTo(1);
            assertThat(registry.get(MeterNames.MIRROR_DROPPED).tag(MeterNames.REASON, "idle-down")
                    .functionCounter().count()).isZero();
            assertThat(registry.get(MeterNames.MIRROR_IN_FLIGHT).gauge().value()).isZero();
            assertThat(registry.get(MeterNames.MIRROR_AGREEMENT).tag(MeterNames.COLOUR, "green").gauge().value())
                    .isEqualTo(0.5);
            assertThat(registry.get(MeterNames.MIRROR_AGREEMENT).tag(MeterNames.COLOUR, "blue").gauge().value())
                    .isNaN();
        }
    }
}
