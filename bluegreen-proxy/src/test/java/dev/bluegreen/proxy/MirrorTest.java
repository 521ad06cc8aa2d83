package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.SeenRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Shadow traffic end to end, on real sockets: requests served by the live colour are mirrored to the idle one, each
 * pair compared, the figures reported, and the guard {@code mirror-agreement} judges switches by them. The live
 * answers are checked to be the live colour's, whole, whatever the idle colour does.
 */
class MirrorTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void identicalColours_allPairsMatch_andTheGuardLetsTheSwitchThrough() {
        try (ProxyFixture fixture = ProxyFixture.start(mirroring(MirrorSettings.percent(100)
                .withAgreementGuard(0.99)))) {
            fixture.blue().status(200, "same answer");
            fixture.green().status(200, "same answer");
            assertThatThrownBy(() -> fixture.admin.switchTo(Colour.GREEN))
                    .isInstanceOfSatisfying(ChangeRefusedException.class, refused -> {
                        assertThat(refused.guard()).contains("mirror-agreement");
                        assertThat(refused.getMessage()).contains(
                                "green has 0 compared pairs of shadow traffic (need at least 100)");
                    });

            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 120; i++) {
                    RawResponse response = client.get("/items/" + i + "?page=" + i);
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.header("X-Backend")).isEqualTo("blue-1");
                }
            }
            MirrorReport report = settled(fixture.proxy);

            assertThat(report.mirrored()).isEqualTo(120);
            assertThat(report.matched()).isEqualTo(120);
            assertThat(report.mismatched()).isZero();
            assertThat(report.dropped()).isZero();
            assertThat(report.samples()).isEmpty();
            assertThat(report.routes()).singleElement().satisfies(route -> {
                assertThat(route.method()).isEqualTo("GET");
                assertThat(route.route()).isEqualTo("/items/{id}");
                assertThat(route.matched()).isEqualTo(120);
            });
            assertThat(report.agreement().get(Colour.GREEN)).isEqualTo(new MirrorReport.Agreement(120, 120));
            assertThat(fixture.green().requestCount()).isEqualTo(120);
            fixture.admin.switchTo(Colour.GREEN);
            assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);
        }
    }

    @Test
    void theMirroredRequest_carriesTheLiveHeadAsRewritten_lessTheStrippedHeaders_plusTheMarker() {
        try (ProxyFixture fixture = ProxyFixture.start(mirroring(MirrorSettings.percent(100)
                .withStrippedHeaders("Authorization")))) {
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                client.request("GET", "/me", Map.of("Authorization", "Bearer secret", "X-Trace", "t-1",
                        "Connection", "keep-alive, X-Hop", "X-Hop", "hop"));
                assertThat(client.readResponse().status()).isEqualTo(200);
            }
            settled(fixture.proxy);

            SeenRequest live = fixture.blue().requests().get(0);
            SeenRequest mirrored = fixture.green().requests().get(0);
            assertThat(mirrored.uri()).isEqualTo("/me");
            assertThat(mirrored.header("X-Trace")).isEqualTo("t-1");
            assertThat(mirrored.header("X-Forwarded-For")).isEqualTo(live.header("X-Forwarded-For")).isNotNull();
            assertThat(mirrored.header("X-Hop")).as("hop-by-hop, stripped for the live hop too").isNull();
            assertThat(mirrored.header("Authorization")).isNull();
            assertThat(live.header("Authorization")).isEqualTo("Bearer secret");
            assertThat(mirrored.header("X-Bluegreen-Mirror")).isEqualTo("1");
            assertThat(live.header("X-Bluegreen-Mirror")).isNull();
        }
    }

    @Test
    void aRequestOfferingAnH2cUpgrade_isMirrored_asThePlainRequestTheProxySendsOn() {
        // Java's HttpClient (HTTP_2 by default) and curl --http2 offer h2c on every cleartext HTTP/1.1 request. The
        // proxy declines that upgrade and forwards a plain request, so the request is as mirrorable as any other.
        try (ProxyFixture fixture = ProxyFixture.start(mirroring(MirrorSettings.percent(100)))) {
            fixture.blue().status(200, "same answer");
            fixture.green().status(200, "same answer");
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                client.request("GET", "/items/7", Map.of("Connection", "Upgrade, HTTP2-Settings", "Upgrade", "h2c",
                        "HTTP2-Settings", "AAEAAEAAAAIAAAABAAMAAABkAAQBAAAAAAUAAEAA"));
                assertThat(client.readResponse().status()).isEqualTo(200);
                // An Upgrade header that Connection does not name asks for nothing either.
                client.request("GET", "/items/8", Map.of("Upgrade", "websocket"));
                assertThat(client.readResponse().status()).isEqualTo(200);
            }
            MirrorReport report = settled(fixture.proxy);

            assertThat(report.mirrored()).isEqualTo(2);
            assertThat(report.matched()).isEqualTo(2);
            assertThat(fixture.green().requests()).hasSize(2).allSatisfy(mirrored -> {
                assertThat(mirrored.header("Upgrade")).as(mirrored.uri()).isNull();
                assertThat(mirrored.header("X-Bluegreen-Mirror")).isEqualTo("1");
            });
        }
    }

    @Test
    void aMarkerTheClientSent_isRemoved_fromLiveAndPreviewRequests_soOnlyTheCopiesCarryIt() {
        try (ProxyFixture fixture = ProxyFixture.start(builder -> builder.mirror(MirrorSettings.percent(100))
                .preview(PreviewRule.header("X-Preview")))) {
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                client.request("GET", "/live", Map.of("X-Bluegreen-Mirror", "1"));
                assertThat(client.readResponse().header("X-Backend")).isEqualTo("blue-1");
                client.request("GET", "/preview", Map.of("x-bluegreen-mirror", "1", "X-Preview", "1"));
                assertThat(client.readResponse().header("X-Backend")).isEqualTo("green-1");
            }
            assertThat(settled(fixture.proxy).mirrored()).isEqualTo(1);

            assertThat(fixture.blue().requests()).singleElement().satisfies(live ->
                    assertThat(live.headers("X-Bluegreen-Mirror")).as("a real request").isEmpty());
            assertThat(fixture.green().requests()).hasSize(2).allSatisfy(seen -> assertThat(
                    seen.headers("X-Bluegreen-Mirror")).as(seen.uri()).isEqualTo(
                    seen.uri().equals("/live") ? List.of("1") : List.of()));
        }
    }

    @Test
    void aColourThatDiffersOnSomePaths_isReportedByRouteWithSamples_andTheGuardRefuses() {
        // Both colours answer JSON; a request id differs on every answer and is ignored; the orders differ on green.
        try (PathBackend blue = PathBackend.start("application/json", path -> answer(path, "blue", 10));
             PathBackend green = PathBackend.start("application/json", path -> answer(path, "green", 11));
             BlueGreen admin = BlueGreen.builder().blue("v1", backend(blue)).green("v2", backend(green)).build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(2)
                    .mirror(MirrorSettings.percent(100).withIgnoredJsonMembers("requestId")
                            .withRouteTemplates("/orders/{id}").withAgreementGuard(0.99, 50))
                    .build();
            proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                for (int i = 0; i < 50; i++) {
                    assertThat(client.get("/users/" + i).bodyText()).contains("\"requestId\":\"blue-");
                    assertThat(client.get("/orders/" + i).bodyText()).contains("\"total\":10");
                }
                MirrorReport report = settled(proxy);

                assertThat(report.matched()).isEqualTo(50);
                assertThat(report.mismatched()).isEqualTo(50);
                assertThat(report.routes()).extracting(MirrorReport.Route::route, MirrorReport.Route::matched,
                        MirrorReport.Route::mismatched).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("/users/{id}", 50L, 0L),
                        org.assertj.core.groups.Tuple.tuple("/orders/{id}", 0L, 50L));
                assertThat(report.samples()).hasSize(20).allSatisfy(sample -> {
                    assertThat(sample.route()).isEqualTo("/orders/{id}");
                    assertThat(sample.colour()).isEqualTo(Colour.GREEN);
                    assertThat(sample.differences()).singleElement().asString()
                            .startsWith("body: ").endsWith("(compared as JSON)");
                    assertThat(sample.live().body()).contains("\"total\":10");
                    assertThat(sample.mirror().body()).contains("\"total\":11");
                    assertThat(sample.live().headers()).containsEntry("content-type", "application/json");
                });
                // Newest first: the last pairs compared lead, the oldest kept close the list. Not exactly /orders/49
                // first: a pair is compared when its mirror answers, and mirrors may answer out of order.
                int newest = orderNumber(report.samples().get(0));
                assertThat(newest).as("one of the last pairs").isGreaterThanOrEqualTo(45);
                assertThat(orderNumber(report.samples().get(19))).isLessThan(newest);
                assertThat(report.samples()).extracting(MirrorReport.Sample::target).doesNotHaveDuplicates();
                assertThatThrownBy(() -> admin.switchTo(Colour.GREEN))
                        .isInstanceOfSatisfying(ChangeRefusedException.class, refused -> {
                            assertThat(refused.guard()).contains("mirror-agreement");
                            assertThat(refused.getMessage()).contains("green agreed on 50 of its last 100 compared"
                                    + " pairs (0.5000; need 0.99)");
                        });
                assertThat(admin.snapshot().live()).isEqualTo(Colour.BLUE);
            } finally {
                proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }

    @Test
    void aDeadIdleColour_failsNoLiveRequest_andItsMirrorsAreDroppedAsIdleDown() {
        try (ProxyFixture fixture = ProxyFixture.start(mirroring(MirrorSettings.percent(100)))) {
            fixture.green().close();
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 30; i++) {
                    RawResponse response = client.get("/" + i);
                    assertThat(response.status()).isEqualTo(200);
                    assertThat(response.bodyText()).isEqualTo("blue-1");
                }
            }
            MirrorReport report = settled(fixture.proxy);

            assertThat(report.mirrored()).isEqualTo(30);
            assertThat(report.dropped()).isEqualTo(30);
            assertThat(report.droppedBy()).containsEntry("idle-down", 30L);
            assertThat(report.matched() + report.mismatched()).isZero();
            assertThat(report.agreement().get(Colour.GREEN).pairs()).as("no mirror reached it: no pair").isZero();
            assertThat(fixture.proxy.failedExchanges(Colour.BLUE)).isZero();
        }
    }

    @Test
    void anIdleColourThatTakesRequestsAndFailsThem_losesAgreement_andTheGuardRefuses() {
        // The mirror timeout runs from the live request's arrival and covers the connect to green: a mirror timed out
        // before its connection was up never reached green, and is dropped without counting against it. At 500 ms an
        // event loop held up that long on a loaded machine did that (9 pairs instead of 10); 2 s leaves the connect
        // room, and the test waits for green to have each request it does not answer.
        try (ProxyFixture fixture = ProxyFixture.start(mirroring(MirrorSettings.percent(100)
                .withTimeout(Duration.ofSeconds(2)).withAgreementGuard(0.99, 10)))) {
            fixture.green().closeOnRequest();
            Gate hanging;
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                for (int i = 0; i < 6; i++) {
                    assertThat(client.get("/closed/" + i).bodyText()).isEqualTo("blue-1");
                }
                await().atMost(WAIT).until(() -> fixture.proxy.mirror().orElseThrow().dropped() == 6);
                hanging = fixture.green().hold();
                for (int i = 0; i < 4; i++) {
                    assertThat(client.get("/hangs/" + i).bodyText()).isEqualTo("blue-1");
                }
                hanging.awaitArrived(4, WAIT);
            }
            MirrorReport report = settled(fixture.proxy);

            assertThat(report.droppedBy()).containsEntry("idle-down", 6L).containsEntry("idle-slow", 4L);
            assertThat(report.matched() + report.mismatched()).isZero();
            assertThat(report.agreement().get(Colour.GREEN)).as("each a pair that did not match")
                    .isEqualTo(new MirrorReport.Agreement(10, 0));
            assertThatThrownBy(() -> fixture.admin.switchTo(Colour.GREEN)).hasMessageContaining(
                    "green agreed on 0 of its last 10 compared pairs");
            hanging.release();
        }
    }

    /** N of a sample for {@code /orders/N}. */
    private static int orderNumber(MirrorReport.Sample sample) {
        assertThat(sample.target()).startsWith("/orders/");
        return Integer.parseInt(sample.target().substring("/orders/".length()));
    }

    private static String answer(String path, String colour, int total) {
        String id = path.substring(path.lastIndexOf('/') + 1);
        String requestId = "\"requestId\":\"" + colour + "-" + System.nanoTime() + "\"";
        return path.startsWith("/orders/") ? "{" + requestId + ",\"order\":" + id + ",\"total\":" + total + "}"
                // Members in another order on green: still the same document.
                : colour.equals("blue") ? "{\"id\":" + id + ",\"name\":\"user " + id + "\"," + requestId + "}"
                : "{" + requestId + ", \"name\": \"user " + id + "\", \"id\": " + id + "}";
    }

    private static Backend backend(PathBackend server) {
        return Backend.of("127.0.0.1", server.port());
    }

    private static UnaryOperator<BlueGreenProxyBuilder> mirroring(MirrorSettings settings) {
        return builder -> builder.mirror(settings);
    }

    /** The report once no mirror is in flight and every mirrored request has an outcome. */
    static MirrorReport settled(BlueGreenProxy proxy) {
        await().atMost(WAIT).pollInterval(Duration.ofMillis(5)).until(() -> {
            MirrorReport report = proxy.mirror().orElseThrow();
            long afterSending = report.droppedBy().entrySet().stream()
                    .filter(e -> !e.getKey().equals("over-bound") && !e.getKey().equals("body-too-large"))
                    .mapToLong(Map.Entry::getValue).sum();
            return report.inFlight() == 0
                    && report.matched() + report.mismatched() + afterSending == report.mirrored();
        });
        return proxy.mirror().orElseThrow();
    }
}
