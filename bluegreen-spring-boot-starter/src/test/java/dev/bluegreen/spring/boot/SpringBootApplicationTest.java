package dev.bluegreen.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.TestBackend;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Spring Boot application (embedded web server, Actuator and the starter, configured by properties only) on
 * random ports, in front of two test backends.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class SpringBootApplicationTest {

    /** The application: auto-configuration only, no component scan, so no other test's beans come in. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class Application {
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void proxiesToBlue_switchesToGreenThroughActuator_andShowsTheMeters() throws Exception {
        try (TestBackend blue = TestBackend.start("blue"); TestBackend green = TestBackend.start("green");
             ConfigurableApplicationContext app = start(blue, green)) {
            String proxy = "http://127.0.0.1:" + app.getBean(BlueGreenProxy.class).port();
            String actuator = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port")
                    + "/actuator";

            assertThat(get(proxy + "/").body()).isEqualTo("blue");
            assertThat(get(actuator + "/bluegreen").body()).contains("\"live\":\"blue\"", "\"version\":\"v1\"");

            HttpResponse<String> switched = post(actuator + "/bluegreen/switch",
                    "{\"to\":\"green\",\"reason\":\"release 2\"}");
            assertThat(switched.statusCode()).as(switched.body()).isEqualTo(200);
            assertThat(switched.body()).contains("\"live\":\"green\"", "\"reason\":\"release 2\"",
                    "\"actor\":\"actuator\"");
            assertThat(get(proxy + "/").body()).isEqualTo("green");

            HttpResponse<String> refused = post(actuator + "/bluegreen/switch", "{\"to\":\"green\"}");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("\"refused\":\"already_live\"");

            assertThat(get(actuator + "/metrics").body()).contains("\"bluegreen.requests\"");
            assertThat(get(actuator + "/metrics/bluegreen.requests?tag=colour:green").body())
                    .contains("\"statistic\":\"COUNT\",\"value\":1.0");
        }
    }

    @Test
    void shutdown_letsAnExchangeUnderWayFinish() throws Exception {
        try (TestBackend blue = TestBackend.start("blue"); TestBackend green = TestBackend.start("green")) {
            ConfigurableApplicationContext app = start(blue, green);
            BlueGreenLifecycle lifecycle = app.getBean(BlueGreenLifecycle.class);
            String proxy = "http://127.0.0.1:" + app.getBean(BlueGreenProxy.class).port();
            Gate gate = blue.hold();
            CompletableFuture<HttpResponse<String>> underWay = client.sendAsync(
                    HttpRequest.newBuilder(URI.create(proxy + "/slow")).build(), HttpResponse.BodyHandlers.ofString());
            gate.awaitArrived(1, Duration.ofSeconds(10));

            CompletableFuture<Void> closed = CompletableFuture.runAsync(app::close);
            await().atMost(Duration.ofSeconds(10)).until(() -> !lifecycle.isRunning());
            assertThat(closed).isNotDone();
            gate.release();

            assertThat(underWay.get(10, TimeUnit.SECONDS).body()).isEqualTo("blue");
            closed.get(30, TimeUnit.SECONDS);
            assertThat(app.isActive()).isFalse();
        }
    }

    private static ConfigurableApplicationContext start(TestBackend blue, TestBackend green) {
        return new SpringApplicationBuilder(Application.class).properties(
                "spring.main.banner-mode=off",
                "server.port=0",
                "server.address=127.0.0.1",
                "management.endpoints.web.exposure.include=bluegreen,metrics",
                "bluegreen.proxy.listen=127.0.0.1:0",
                "bluegreen.proxy.threads=1",
                "bluegreen.blue.version=v1",
                "bluegreen.blue.backends=127.0.0.1:" + blue.port(),
                "bluegreen.green.version=v2",
                "bluegreen.green.backends=127.0.0.1:" + green.port()).run();
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String json) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
