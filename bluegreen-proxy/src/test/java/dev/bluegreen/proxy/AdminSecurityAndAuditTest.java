package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint's bearer token, its deploy verb, its audit trail and its metrics scrape. */
class AdminSecurityAndAuditTest {

    private static final String TOKEN = "s3cret-token-0123456789";

    private ProxyFixture fixture;
    private AdminEndpoint endpoint;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private void start(UnaryOperator<AdminEndpoint.Builder> options) {
        fixture = ProxyFixture.start();
        endpoint = options.apply(AdminEndpoint.builder(fixture.admin).proxy(fixture.proxy).listen("127.0.0.1", 0))
                .build();
        endpoint.start().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.stop().orTimeout(10, TimeUnit.SECONDS).join();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private HttpResponse<String> send(String method, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
                .timeout(Duration.ofSeconds(5))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void build_beyondLoopbackWithoutAToken_isRefused() {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            assertThatThrownBy(() -> AdminEndpoint.builder(fixture.admin).listen("0.0.0.0", 0).build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("0.0.0.0").hasMessageContaining("bearerToken");
            assertThatThrownBy(() -> AdminEndpoint.builder(fixture.admin).bearerToken("short"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16");
            assertThatThrownBy(() -> AdminEndpoint.builder(fixture.admin).bearerToken("0123456789 abcdef"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("bearerToken: character 11 is a space (expected: at least 16 visible ASCII characters,"
                            + " no spaces)");
        }
    }

    @Test
    void withAToken_requestsWithoutItOrWithAWrongOneGet401_andTheRightOnePasses() throws Exception {
        start(b -> b.bearerToken(TOKEN));

        HttpResponse<String> missing = send("GET", "/status", null);
        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).contains("Bearer");

        HttpResponse<String> wrong = send("POST", "/switch?to=green", "s3cret-token-0123456780");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v ->
                assertThat(v).contains("invalid_token"));
        assertThat(fixture.admin.snapshot().live()).as("nothing changed").isEqualTo(Colour.BLUE);

        assertThat(send("GET", "/status", TOKEN).statusCode()).isEqualTo(200);
        assertThat(send("POST", "/switch?to=green", TOKEN).statusCode()).isEqualTo(200);
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);

        HttpResponse<String> page = send("GET", "/", null);
        assertThat(page.statusCode()).as("the page itself asks for the token").isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v ->
                assertThat(v).startsWith("text/html"));
        assertThat(send("HEAD", "/", null).statusCode()).as("its head too").isEqualTo(200);
        assertThat(send("HEAD", "/status", null).statusCode()).isEqualTo(401);
    }

    @Test
    void deploy_replacesTheIdlePool_andBadInputIsA400ThatSaysWhatWasWrong() throws Exception {
        start(UnaryOperator.identity());
        int port = fixture.green().port();

        HttpResponse<String> deployed = send("POST", "/deploy?version=v3&backends=127.0.0.1:" + port
                + "%20weight=2%20max=50&actor=ci&reason=build%2042", null);
        assertThat(deployed.statusCode()).isEqualTo(200);
        assertThat(deployed.body()).contains("\"version\":\"v3\"").contains("\"actor\":\"ci\"")
                .contains("\"reason\":\"build 42\"");
        assertThat(fixture.admin.snapshot().green().version()).isEqualTo("v3");
        assertThat(fixture.admin.snapshot().green().backends()).extracting(Backend::weight, Backend::maxRequests)
                .containsExactly(tuple(2, 50));
        assertThat(send("GET", "/status", null).body()).contains("\"weight\":2,\"maxRequests\":50,"
                + "\"requestsUnderWay\":0").contains("\"loadBalancing\":\"round-robin\",\"requestsQueued\":0");

        assertThat(send("POST", "/deploy?backends=127.0.0.1:1", null).body()).contains("missing parameter 'version'");
        HttpResponse<String> badBackend = send("POST", "/deploy?version=v4&backends=nonsense", null);
        assertThat(badBackend.statusCode()).isEqualTo(400);
        assertThat(badBackend.body()).contains("nonsense");
        HttpResponse<String> live = send("POST", "/deploy?version=v4&colour=blue&backends=127.0.0.1:1", null);
        assertThat(live.statusCode()).isEqualTo(409);
        assertThat(live.body()).contains("LIVE_POOL_NOT_FORCED");
        assertThat(fixture.admin.snapshot().blue().version()).isNotEqualTo("v4");

        int bluePort = fixture.blue.get(0).port();
        HttpResponse<String> forced = send("POST", "/deploy?version=v4&colour=blue&force=true&backends=127.0.0.1:"
                + bluePort, null);
        assertThat(forced.statusCode()).as("the live pool, forced, as the refusal says").isEqualTo(200);
        assertThat(fixture.admin.snapshot().blue().version()).isEqualTo("v4");
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);
    }

    @Test
    void history_recordsWhoAskedAndWhy_theDrainReport_andRefusedAttempts() throws Exception {
        start(UnaryOperator.identity());
        assertThat(send("POST", "/switch?to=green&actor=alice&reason=release%202.3", null).statusCode())
                .isEqualTo(200);
        fixture.proxy.drain(Colour.BLUE).orElseThrow().completion().get(5, TimeUnit.SECONDS);
        assertThat(send("POST", "/switch?to=green&actor=bob", null).statusCode()).isEqualTo(409);

        String history = send("GET", "/history", null).body();

        assertThat(history).contains("\"kind\":\"SWITCH\"", "\"from\":\"blue\"", "\"to\":\"green\"",
                "\"actor\":\"alice\"", "\"reason\":\"release 2.3\"", "\"outcome\":\"DRAINED\"");
        assertThat(history).contains("\"refusals\":[{", "\"actor\":\"bob\"", "\"refusal\":\"ALREADY_LIVE\"");
        String status = send("GET", "/status", null).body();
        assertThat(status).contains("\"actor\":\"alice\"");
        assertThat(fixture.admin.refusals()).singleElement()
                .satisfies(refused -> assertThat(refused.actor()).isEqualTo("bob"));
    }

    @Test
    void history_saysAChangeWasForced_whenItsOwnReasonDoesNot() throws Exception {
        start(UnaryOperator.identity());
        assertThat(send("POST", "/switch?to=green&force=true&actor=carol&reason=hotfix", null).statusCode())
                .isEqualTo(200);
        assertThat(send("POST", "/rollback?actor=carol&reason=undo", null).statusCode()).isEqualTo(200);

        assertThat(send("GET", "/history", null).body())
                .containsSubsequence("\"generation\":1,\"kind\":\"SWITCH\"", "\"reason\":\"hotfix\",\"forced\":true,",
                        "\"generation\":2,\"kind\":\"ROLLBACK\"", "\"reason\":\"undo\",\"forced\":false,");
    }

    @Test
    void actor_defaultsToTheCallersAddress() throws Exception {
        start(UnaryOperator.identity());
        send("POST", "/promote", null);
        assertThat(fixture.admin.snapshot().actor()).isEqualTo("http:127.0.0.1");
    }

    @Test
    void actorOfTheAutomaticRollback_isRefused_soNoCallerPosesAsTheWatch() throws Exception {
        start(UnaryOperator.identity());
        send("POST", "/switch?to=green", null);
        HttpResponse<String> posing = send("POST", "/rollback?actor=auto-rollback", null);
        assertThat(posing.statusCode()).isEqualTo(400);
        assertThat(posing.body()).contains("actor", "auto-rollback");
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);
    }

    @Test
    void fleet_isA404WithTheInMemoryStore() throws Exception {
        start(UnaryOperator.identity());
        HttpResponse<String> fleet = send("GET", "/fleet", null);
        assertThat(fleet.statusCode()).isEqualTo(404);
        assertThat(fleet.body()).contains("no fleet");
    }

    @Test
    void metrics_answersTheScrapeWhenGivenOne_else404() throws Exception {
        start(b -> b.metrics(() -> "# HELP bluegreen_requests_total x\nbluegreen_requests_total 3.0\n"));
        HttpResponse<String> scrape = send("GET", "/metrics", null);
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(v ->
                assertThat(v).startsWith("text/plain; version=0.0.4"));
        assertThat(scrape.body()).contains("bluegreen_requests_total 3.0");

        try (AdminEndpointFixture.Running without = AdminEndpointFixture.startWithoutMetrics(fixture)) {
            try (RawHttpClient client = RawHttpClient.connect(without.port())) {
                assertThat(client.get("/metrics").status()).isEqualTo(404);
            }
        }
    }
}
