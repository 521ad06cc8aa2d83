package dev.bluegreen.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.AdminEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/** {@code GET /fleet} on the admin endpoint of an instance that shares its store through ZooKeeper. */
class FleetEndpointTest {

    private static final String PATH = "/bluegreen/fleet-endpoint";
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> get(AdminEndpoint endpoint, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port() + path))
                .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void fleet_listsTheInstances_andWaitsUntilAllServeAGeneration() throws Exception {
        try (TestingServer server = Zk.server();
             Instance a = Instance.start(server.getConnectString(), PATH, "a");
             Instance b = Instance.start(server.getConnectString(), PATH, "b")) {
            AdminEndpoint endpoint = AdminEndpoint.builder(a.admin).listen("127.0.0.1", 0).build();
            endpoint.start().orTimeout(10, TimeUnit.SECONDS).join();
            try {
                long generation = a.admin.switchTo(Colour.GREEN).generation();

                HttpResponse<String> waited = get(endpoint, "/fleet?generation=" + generation + "&timeout=15s");
                assertThat(waited.statusCode()).isEqualTo(200);
                assertThat(waited.body()).contains("\"allReached\":true", "\"id\":\"a\"", "\"id\":\"b\"",
                        "\"generation\":" + generation, "\"live\":\"green\"");

                HttpResponse<String> unreachable = get(endpoint, "/fleet?generation=" + (generation + 5)
                        + "&timeout=300ms");
                assertThat(unreachable.statusCode()).isEqualTo(504);
                assertThat(unreachable.body()).contains("\"allReached\":false", "\"error\":");

                assertThat(get(endpoint, "/fleet?timeout=forever").statusCode()).isEqualTo(400);
                HttpResponse<String> nothingToWaitFor = get(endpoint, "/fleet?timeout=30s");
                assertThat(nothingToWaitFor.statusCode()).isEqualTo(400);
                assertThat(nothingToWaitFor.body()).contains("parameter 'timeout' given without 'generation'");
                assertThat(get(endpoint, "/fleet").body()).contains("\"connected\":true");
            } finally {
                endpoint.stop().orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }
}
