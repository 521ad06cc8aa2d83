package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.GuardContext;
import dev.bluegreen.core.GuardVerdict;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.core.SwitchGuard;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint on a real socket, driven by the JDK's HTTP/1.1 client as an operator's script would. */
class AdminEndpointTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private ProxyFixture fixture;
    private AdminEndpoint endpoint;
    private HttpClient http;

    @BeforeEach
    void start() {
        fixture = ProxyFixture.start();
        endpoint = AdminEndpoint.builder(fixture.admin)
                .proxy(fixture.proxy)
                .listen("127.0.0.1", 0)
                .build();
        endpoint.start().orTimeout(10, TimeUnit.SECONDS).join();
        http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(TIMEOUT)
                .build();
    }

    @AfterEach
    void stop() {
        try {
            if (endpoint != null) {
                endpoint.stop().orTimeout(10, TimeUnit.SECONDS).join();
            }
        } finally {
            fixture.close();
        }
    }

    @Test
    void status_showsTheLiveColourTheGenerationAndBothPools() throws Exception {
        HttpResponse<String> response = get("/status");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        assertThat(response.body())
                .contains("\"live\":\"blue\"")
                .contains("\"generation\":0")
                .containsSubsequence("\"blue\":{", "\"port\":" + fixture.blue().port(),
                        "\"green\":{", "\"port\":" + fixture.green().port())
                .contains("\"activeExchanges\":0");
    }

    @Test
    void switchTo_answers200WithTheNewStatus_andTheProxyFollows() throws Exception {
        HttpResponse<String> response = post("/switch?to=green");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("\"live\":\"green\"")
                .contains("\"generation\":1")
                .contains("\"rollbackTarget\":\"blue\"");
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);
        try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            assertThat(client.get("/").header("X-Backend")).isEqualTo("green-1");
        }
    }

    @Test
    void switchToTheLiveColour_answers409AlreadyLive() throws Exception {
        assertThat(post("/switch?to=green").statusCode()).isEqualTo(200);

        HttpResponse<String> again = post("/switch?to=green");

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body())
                .contains("\"refusal\":\"ALREADY_LIVE\"")
                .contains("\"generation\":1");
        assertThat(fixture.admin.snapshot().generation()).as("nothing changed").isEqualTo(1);
    }

    @Test
    void switchRefusedByAGuard_answers409NamingTheGuard_andForceTrueSkipsIt() throws Exception {
        AutoCloseable guard = fixture.admin.addGuard(new SwitchGuard() {
            @Override
            public String name() {
                return "smoke";
            }

            @Override
            public CompletionStage<GuardVerdict> check(GuardContext context) {
                return CompletableFuture.completedFuture(GuardVerdict.fail("GET /checkout answered 500"));
            }
        });
        try {
            HttpResponse<String> refused = post("/switch?to=green");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body())
                    .contains("\"refusal\":\"GUARD_FAILED\"")
                    .contains("\"guard\":\"smoke\"")
                    .contains("GET /checkout answered 500");
            assertThat(fixture.admin.snapshot().generation()).as("nothing changed").isZero();

            HttpResponse<String> forced = post("/switch?to=green&force=true&reason=smoke+check+is+flaky");
            assertThat(forced.statusCode()).isEqualTo(200);
            assertThat(forced.body()).contains("\"live\":\"green\"").contains("\"forced\":true");
        } finally {
            guard.close();
        }
    }

    @Test
    void shift_answers200WithTheShare_andBadPercentagesAre400() throws Exception {
        HttpResponse<String> shifted = post("/shift?to=green&percent=25");
        assertThat(shifted.statusCode()).isEqualTo(200);
        assertThat(shifted.body()).contains("\"live\":\"blue\"").contains("\"shiftPercent\":25")
                .contains("\"kind\":\"SHIFT\"");

        HttpResponse<String> bad = post("/shift?to=green&percent=250");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("percent: '250' (expected: a whole number from 0 to 100)");
        assertThat(post("/shift?to=green&percent=10&force=maybe").body())
                .contains("force: 'maybe' (expected: true or false)");
        assertThat(fixture.admin.snapshot().shiftPercent()).isEqualTo(25);
    }

    @Test
    void switchToAnUnknownColour_answers400NamingIt() throws Exception {
        HttpResponse<String> response = post("/switch?to=purple");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("'purple'").contains("blue or green");
        assertThat(fixture.admin.snapshot().generation()).isZero();
    }

    @Test
    void aMisspeltParameter_answers400NamingIt_andChangesNothing() throws Exception {
        // A typo must not silently drop the generation check, nor send a deployment to the other pool.
        HttpResponse<String> switched = post("/switch?to=green&generaton=7");
        assertThat(switched.statusCode()).isEqualTo(400);
        assertThat(switched.body()).contains("unknown parameter 'generaton' (expected: to, generation, actor,"
                + " reason, force)");

        HttpResponse<String> deployed = post("/deploy?version=v9&backends=127.0.0.1:1&color=green&force=true");
        assertThat(deployed.statusCode()).isEqualTo(400);
        assertThat(deployed.body()).contains("unknown parameter 'color' (expected: version, backends, colour,"
                + " generation, actor, reason, force)");

        assertThat(post("/rollback?to=blue").body()).contains("unknown parameter 'to'");
        assertThat(fixture.admin.snapshot().generation()).isZero();
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void switchWithoutATarget_answers400() throws Exception {
        HttpResponse<String> response = post("/switch");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("missing parameter 'to' (expected: to=blue or to=green)");
        assertThat(fixture.admin.snapshot().generation()).isZero();
    }

    @Test
    void rollback_answers200WithBlueLive_andASecondRollbackIs409NoRollbackTarget() throws Exception {
        assertThat(post("/switch?to=green").statusCode()).isEqualTo(200);

        HttpResponse<String> rollback = post("/rollback");
        assertThat(rollback.statusCode()).isEqualTo(200);
        assertThat(rollback.body())
                .contains("\"live\":\"blue\"")
                .contains("\"generation\":2")
                .contains("\"rollbackTarget\":null");

        HttpResponse<String> again = post("/rollback");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.body()).contains("\"refusal\":\"NO_ROLLBACK_TARGET\"");
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void promoteWithAStaleGeneration_answers409StaleGeneration_andChangesNothing() throws Exception {
        assertThat(post("/switch?to=green").statusCode()).isEqualTo(200);
        assertThat(post("/rollback").statusCode()).isEqualTo(200);

        HttpResponse<String> response = post("/promote?generation=0");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(response.body())
                .contains("\"refusal\":\"STALE_GENERATION\"")
                .contains("\"generation\":2");
        assertThat(fixture.admin.snapshot().generation()).isEqualTo(2);
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);

        assertThat(post("/promote?generation=2").statusCode()).as("the current generation is accepted")
                .isEqualTo(200);
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);
    }

    @Test
    void getOnAVerb_answers405AllowingPost() throws Exception {
        HttpResponse<String> response = get("/switch?to=green");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("POST");
        assertThat(fixture.admin.snapshot().live()).as("a GET changes nothing").isEqualTo(Colour.BLUE);
    }

    @Test
    void headWhereGetIs_answersTheHeadWithoutTheBody_andAVerbAllowsOnlyPost() {
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port())) {
            for (String path : new String[] {"/", "/status"}) {
                client.request("HEAD", path, Map.of());
                RawResponse head = client.readResponse(true);
                assertThat(head.status()).as(path).isEqualTo(200);
                assertThat(Integer.parseInt(head.header("Content-Length"))).as(path).isPositive();
                assertThat(head.bodyText()).as(path).isEmpty();
            }
            RawResponse after = client.get("/status");
            assertThat(after.bodyText()).as("the next answer on the connection, after no body").contains("\"live\"");

            client.request("HEAD", "/switch?to=green", Map.of());
            RawResponse verb = client.readResponse(true);
            assertThat(verb.status()).isEqualTo(405);
            assertThat(verb.header("Allow")).isEqualTo("POST");
        }
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void requestLineTooLong_isA400ThatSaysSo() {
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port())) {
            RawResponse response = client.get("/status?actor=" + "a".repeat(17_000));
            assertThat(response.status()).isEqualTo(400);
            assertThat(response.bodyText()).contains("malformed request: An HTTP line is larger than 16384 bytes.");
        }
    }

    @Test
    void headerSectionTooLarge_isA400ThatSaysSo_notAMissingHost() {
        // Netty gives such a request with its fields cut off: the Host check must not take that for no Host.
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port())) {
            client.send("GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n");
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.bodyText()).contains("malformed request: HTTP header is larger than");
            assertThat(client.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void theLongestReasonAndActor_fitInTheQuery_evenOfFourByteCharacters() throws Exception {
        String emoji = URLEncoder.encode("\uD83D\uDE80", StandardCharsets.UTF_8);
        HttpResponse<String> switched = post("/switch?to=green&actor=" + emoji.repeat(RoutingSnapshot.MAX_ACTOR_LENGTH)
                + "&reason=" + emoji.repeat(RoutingSnapshot.MAX_REASON_LENGTH));

        assertThat(switched.statusCode()).as(switched.body()).isEqualTo(200);
        assertThat(fixture.admin.snapshot().reason())
                .isEqualTo("\uD83D\uDE80".repeat(RoutingSnapshot.MAX_REASON_LENGTH));
    }

    @Test
    void bodyOverTheLimit_isA413WithAJsonErrorNamingTheLimit_theBodyIsDropped_andTheConnectionGoesOn() {
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port())) {
            client.send("POST /switch?to=green HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n");
            client.sendPattern(70_000);
            RawResponse response = client.readResponse();
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("Content-Type")).startsWith("application/json");
            assertThat(response.bodyText()).contains("{\"error\":\"request body larger than 65536 bytes");
            assertThat(response.header("X-Frame-Options")).isEqualTo("DENY");

            client.send("POST /switch?to=green HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
            client.sendPatternChunked(70_000, 8192);
            assertThat(client.readResponse().bodyText()).contains("request body larger than 65536 bytes");

            assertThat(client.get("/status").status()).as("the next request on the same connection").isEqualTo(200);
        }
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void bodyOverTheLimit_withConnectionClose_isRefused_thenTheConnectionEndsAfterTheBody() {
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port())) {
            client.send("POST /switch?to=green HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                    + "Content-Length: 70000\r\n\r\n");
            client.sendPattern(70_000);
            RawResponse response = client.readResponse();
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.header("Connection")).isEqualTo("close");
            assertThat(client.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void expectContinueForABodyOverTheLimit_isA413BeforeTheBody() {
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port())) {
            client.send("POST /switch?to=green HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n"
                    + "Expect: 100-continue\r\n\r\n");
            RawResponse response = client.readResponse();
            assertThat(response.status()).isEqualTo(413);
            assertThat(response.bodyText()).contains("request body larger than 65536 bytes");
            assertThat(client.isClosedByPeer()).isTrue();
        }
    }

    @Test
    void unknownPath_answers404() throws Exception {
        HttpResponse<String> response = get("/nope");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).contains("/nope");
    }

    @Test
    void history_listsTheChangesInOrder() throws Exception {
        assertThat(post("/switch?to=green").statusCode()).isEqualTo(200);
        assertThat(post("/rollback").statusCode()).isEqualTo(200);
        assertThat(post("/promote").statusCode()).isEqualTo(200);

        HttpResponse<String> response = get("/history");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsSubsequence(
                "{\"generation\":1,\"kind\":\"SWITCH\",\"from\":\"blue\",\"to\":\"green\"",
                "{\"generation\":2,\"kind\":\"ROLLBACK\",\"from\":\"green\",\"to\":\"blue\"",
                "{\"generation\":3,\"kind\":\"PROMOTE\",\"from\":\"blue\",\"to\":\"green\"");
    }

    @Test
    void pipelinedRequestAfterAVerb_isAnsweredAfterTheVerb() {
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port())) {
            // RFC 9112 §9.3.2: responses to pipelined requests go out in the order the requests came.
            client.send("POST /switch?to=green HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n"
                    + "GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse first = client.readResponse();
            RawResponse second = client.readResponse();
            assertThat(first.status()).as("the switch's response: %s", first.bodyText()).isEqualTo(200);
            assertThat(first.bodyText()).contains("\"live\":\"green\"");
            assertThat(second.status()).as("the 404's response: %s", second.bodyText()).isEqualTo(404);
        }
    }

    @Test
    void keepAlive_answersSeveralRequestsOnOneConnection() {
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port())) {
            int localPort = client.localPort();

            RawResponse status = client.get("/status");
            client.request("POST", "/switch?to=green", Map.of("Content-Length", "0"));
            RawResponse switched = client.readResponse();
            RawResponse after = client.get("/status");

            assertThat(status.status()).isEqualTo(200);
            assertThat(status.bodyText()).contains("\"live\":\"blue\"");
            assertThat(switched.status()).isEqualTo(200);
            assertThat(after.bodyText()).contains("\"live\":\"green\"");
            assertThat(client.localPort()).isEqualTo(localPort);
            assertThat(client.isClosedByPeer(Duration.ofMillis(100))).as("still open").isFalse();
        }
    }

    @Test
    void stop_whileStarting_stopsTheEndpointOnceItListens() throws Exception {
        AdminEndpoint starting = AdminEndpoint.builder(fixture.admin).listen("127.0.0.1", 0).build();
        CompletableFuture<AdminEndpoint> started = starting.start();

        starting.stop().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        assertThat(started).as("the start settled first").isCompleted();
        HttpRequest status = HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + started.join().port() + "/status")).timeout(TIMEOUT).build();
        assertThatThrownBy(() -> http.send(status, HttpResponse.BodyHandlers.ofString()))
                .as("nothing listens any more")
                .isInstanceOf(ConnectException.class);
    }

    /** Each caller's future is its own: one that gives up on the stop leaves the others' to complete. */
    @Test
    void stop_cancelledByOneCaller_stillCompletesForAnother() throws Exception {
        CountDownLatch scraping = new CountDownLatch(1);
        CountDownLatch scraped = new CountDownLatch(1);
        // A scrape holds the endpoint's one thread, and so its stop, while a caller gives up on the stop: an idle
        // endpoint's stop can be over before the cancel on a busy machine, and a future completed can't be cancelled.
        AdminEndpoint stopping = AdminEndpoint.builder(fixture.admin).listen("127.0.0.1", 0).metrics(() -> {
            scraping.countDown();
            try {
                scraped.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "";
        }).build();
        stopping.start().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        try (RawHttpClient scrape = RawHttpClient.connect(stopping.port())) {
            scrape.request("GET", "/metrics", Map.of());
            assertThat(scraping.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("the scrape began").isTrue();
            CompletableFuture<Void> givenUp = stopping.stop();
            CompletableFuture<Void> awaited = stopping.stop();

            assertThat(givenUp.cancel(true)).isTrue();
            scraped.countDown();

            awaited.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(awaited).as("completed normally").isCompleted().isNotCancelled();
            assertThat(stopping.stop()).as("a stop after the stop").succeedsWithin(TIMEOUT);
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(request(pathAndQuery).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String pathAndQuery) throws IOException, InterruptedException {
        return http.send(request(pathAndQuery).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + pathAndQuery))
                .timeout(TIMEOUT);
    }
}
