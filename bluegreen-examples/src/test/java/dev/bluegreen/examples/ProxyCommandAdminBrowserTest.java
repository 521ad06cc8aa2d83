package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The standalone runner's admin endpoint on loopback without a token (the documented default) against the requests
 * of issue 13: a cross-site form post and a DNS-rebinding page; and its {@code --admin-allowed-hosts} and
 * {@code --admin-allowed-origins}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyCommandAdminBrowserTest {

    private static final String FORM = "application/x-www-form-urlencoded";

    private final DemoBackend blue = DemoBackend.builder("blue").build();
    private final DemoBackend green = DemoBackend.builder("green").build();
    private StandaloneProxy proxy;

    @BeforeEach
    void startBackends() throws Exception {
        blue.start().get(10, TimeUnit.SECONDS);
        green.start().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopAll() throws Exception {
        if (proxy != null) {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
        blue.stop().get(10, TimeUnit.SECONDS);
        green.stop().get(10, TimeUnit.SECONDS);
    }

    private void start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("proxy", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                "--threads", "1", "--no-health-checks", "--blue", "127.0.0.1:" + blue.port(),
                "--green", "127.0.0.1:" + green.port()));
        args.addAll(List.of(extra));
        CommandLine line = Main.commandLine();
        line.parseArgs(args.toArray(String[]::new));
        ProxyCommand command = line.getSubcommands().get("proxy").getCommand();
        proxy = command.start().get(10, TimeUnit.SECONDS);
    }

    @Test
    void theIssuesForgedFormPost_andItsRebindingTwin_changeNothing_whileCurlStillSwitches() throws Exception {
        start();
        int port = proxy.adminEndpoint().orElseThrow().port();
        Map<String, String> forged = Map.of("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site",
                "Content-Type", FORM);

        RawResponse crossSite = post(port, forged);
        RawResponse rebound = post(port, with(forged, "Host", "evil.example:" + port));

        assertThat(crossSite.status()).as(crossSite.bodyText()).isEqualTo(403);
        assertThat(rebound.status()).as(rebound.bodyText()).isEqualTo(421);
        assertThat(rebound.bodyText()).contains("evil.example:" + port);
        assertThat(proxy.admin().snapshot().live()).isEqualTo(Colour.BLUE);
        assertThat(proxiedBody()).isEqualTo("hello from blue\n");

        RawResponse curl = post(port, Map.of("Content-Type", FORM));

        assertThat(curl.status()).as(curl.bodyText()).isEqualTo(200);
        assertThat(proxiedBody()).isEqualTo("hello from green\n");
    }

    @Test
    void allowedHostsAndOrigins_letAReverseProxysPageSwitch() throws Exception {
        start("--admin-allowed-hosts", "admin.internal", "--admin-allowed-origins", "https://admin.example.com");
        int port = proxy.adminEndpoint().orElseThrow().port();

        RawResponse proxied = post(port, Map.of("Host", "admin.internal", "Origin", "https://admin.example.com",
                "Sec-Fetch-Site", "same-origin", "Content-Type", FORM));

        assertThat(proxied.status()).as(proxied.bodyText()).isEqualTo(200);
        assertThat(proxy.admin().snapshot().live()).isEqualTo(Colour.GREEN);
    }

    @Test
    void adminRequestTimeout_closesAConnectionThatSendsNothing_whileTheDefaultLeavesItOpen() throws Exception {
        start("--admin-request-timeout", "300ms");
        int port = proxy.adminEndpoint().orElseThrow().port();

        try (RawHttpClient silent = RawHttpClient.connect(port)) {
            // Well past 300 ms, far below the default 30 s: only the option can close it within the wait.
            assertThat(silent.isClosedByPeer(Duration.ofSeconds(10))).as("closed by the endpoint").isTrue();
        }
        proxy.stop().get(20, TimeUnit.SECONDS);
        proxy = null;
        start();
        try (RawHttpClient silent = RawHttpClient.connect(proxy.adminEndpoint().orElseThrow().port())) {
            assertThat(silent.isClosedByPeer(Duration.ofSeconds(2))).as("open at the default, 30 s").isFalse();
        }
    }

    @Test
    void adminRequestTimeout_outOfRangeOrWithoutTheEndpoint_exit2_namingTheOption() {
        assertThat(RunnerUsage.refused("--admin", "127.0.0.1:0", "--admin-request-timeout", "0s"))
                .contains("--admin-request-timeout", "0s");
        assertThat(RunnerUsage.refused("--admin", "127.0.0.1:0", "--admin-request-timeout", "2h"))
                .contains("--admin-request-timeout", "at most 1 hour");
        assertThat(RunnerUsage.refused("--admin-request-timeout", "10s")).contains("--admin-request-timeout");
    }

    @Test
    void badAllowedHostsOrOrigins_exit2_namingTheOption() {
        assertThat(RunnerUsage.refused("--admin", "127.0.0.1:0", "--admin-allowed-hosts", "admin.internal:8081"))
                .contains("--admin-allowed-hosts", "admin.internal:8081", "without port");
        assertThat(RunnerUsage.refused("--admin", "127.0.0.1:0", "--admin-allowed-origins", "admin.example.com"))
                .contains("--admin-allowed-origins", "admin.example.com", "scheme://host[:port]");
    }

    /** {@code POST /switch} with the form body {@code to=green}, on a new connection. */
    private static RawResponse post(int port, Map<String, String> headers) {
        Map<String, String> all = with(headers, "Content-Length", "8");
        try (RawHttpClient client = RawHttpClient.connect(port).soTimeout(Duration.ofSeconds(5))) {
            return client.request("POST", "/switch", all).send("to=green").readResponse();
        }
    }

    private String proxiedBody() {
        try (RawHttpClient client = RawHttpClient.connect(proxy.proxy().port())) {
            return client.get("/").bodyText();
        }
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return more;
    }
}
