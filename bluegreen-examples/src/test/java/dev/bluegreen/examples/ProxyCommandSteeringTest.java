package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The standalone runner's preview, sticky-session, safety-net, auto-rollback and TLS options. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProxyCommandSteeringTest {

    private final HttpClient client = HttpClient.newHttpClient();
    private final DemoBackend blue = DemoBackend.builder("blue").build();
    private final DemoBackend green = DemoBackend.builder("green").build();

    @BeforeEach
    void startBackends() throws Exception {
        blue.start().get(10, TimeUnit.SECONDS);
        green.start().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopBackends() throws Exception {
        blue.stop().get(10, TimeUnit.SECONDS);
        green.stop().get(10, TimeUnit.SECONDS);
    }

    @Test
    void previewHeaderWithSecret_reachesTheIdleColour_andARoutedRequestGetsTheStickyCookie() throws Exception {
        CommandLine line = Main.commandLine();
        line.parseArgs("proxy", "--listen", "127.0.0.1:0", "--threads", "1", "--no-health-checks",
                "--blue", "127.0.0.1:" + blue.port(), "--green", "127.0.0.1:" + green.port(),
                "--preview-header", "X-Preview:s3cret-value", "--sticky-cookie", "bg", "--safety-net", "10s",
                "--auto-rollback");
        ProxyCommand command = line.getSubcommands().get("proxy").getCommand();
        StandaloneProxy proxy = command.start().get(10, TimeUnit.SECONDS);
        try {
            String url = proxy.proxyUrl() + "/";
            HttpResponse<String> preview = client.send(HttpRequest.newBuilder(URI.create(url))
                    .header("X-Preview", "s3cret-value").build(), HttpResponse.BodyHandlers.ofString());
            HttpResponse<String> wrongSecret = client.send(HttpRequest.newBuilder(URI.create(url))
                    .header("X-Preview", "guess").build(), HttpResponse.BodyHandlers.ofString());

            assertThat(preview.body()).isEqualTo("hello from green\n");
            assertThat(wrongSecret.body()).isEqualTo("hello from blue\n");
            assertThat(wrongSecret.headers().firstValue("Set-Cookie")).hasValueSatisfying(
                    cookie -> assertThat(cookie).startsWith("bg=").contains("HttpOnly"));
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void badSteeringOrTlsValues_exit2_namingTheOption() {
        assertThat(RunnerUsage.refused("--tls-cert", "/nonexistent/cert.pem")).contains("--tls-cert", "given alone");
        assertThat(RunnerUsage.refused("--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"))
                .contains("--tls-cert", "/nonexistent/cert.pem");
        assertThat(RunnerUsage.refused("--preview-header", "bad header:x")).contains("--preview-header");
        assertThat(RunnerUsage.refused("--safety-net", "0s")).contains("--safety-net");
        assertThat(RunnerUsage.refused("--max-connections", "-1")).contains("--max-connections", "-1");
        assertThat(RunnerUsage.refused("--trusted-proxies", "10.0.0.0/99")).contains("--trusted-proxies", "10.0.0.0/99");
        assertThat(RunnerUsage.refused("--allowed-hosts", "bad host")).contains("--allowed-hosts");
    }
}
