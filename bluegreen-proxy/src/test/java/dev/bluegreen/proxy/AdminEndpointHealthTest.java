package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The admin endpoint with health checks on: health in /status, and a guard's refusal as 409 with its reason. */
class AdminEndpointHealthTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private ProxyFixture fixture;
    private AdminEndpoint endpoint;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    @BeforeEach
    void start() {
        fixture = ProxyFixture.start(1, 1, HealthCheckTest.checks());
        endpoint = AdminEndpoint.builder(fixture.admin).proxy(fixture.proxy).listen("127.0.0.1", 0).build();
        endpoint.start().orTimeout(10, TimeUnit.SECONDS).join();
    }

    @AfterEach
    void stop() {
        try {
            endpoint.stop().orTimeout(10, TimeUnit.SECONDS).join();
        } finally {
            fixture.close();
        }
    }

    @Test
    void status_showsEachBackendsHealth() {
        fixture.green().status(503, "starting");
        await().atMost(TIMEOUT).untilAsserted(() -> assertThat(get("/status").body())
                .containsSubsequence("\"blue\":{", "\"health\":{\"state\":\"HEALTHY\",\"usable\":true",
                        "\"reason\":\"status 200\"",
                        "\"green\":{", "\"health\":{\"state\":\"UNHEALTHY\",\"usable\":false",
                        "\"reason\":\"status 503\""));
    }

    @Test
    void switchToAGreenThatIsDown_answers409WithTheGuardAndItsReason_thenSwitchesOnceGreenIsUp() throws Exception {
        fixture.green().status(503, "starting");

        HttpResponse<String> refused = post("/switch?to=green");

        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body())
                .contains("\"refusal\":\"GUARD_FAILED\"")
                .contains("\"guard\":\"healthy-target\"")
                .contains("green has 0 healthy backends of 1 (need 1)")
                .contains("status 503")
                .contains("\"generation\":0");
        assertThat(get("/history").body()).contains("GUARD_FAILED");
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.BLUE);

        fixture.green().reply();
        await().atMost(TIMEOUT).until(() -> post("/switch?to=green").statusCode() == 200);
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(TIMEOUT)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + endpoint.port() + path);
    }
}
