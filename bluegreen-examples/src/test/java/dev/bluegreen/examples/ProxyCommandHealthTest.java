package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The standalone runner with health checks and the switch guard on (the default) and off. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProxyCommandHealthTest {

    private final Http http = new Http();
    private final DemoBackend blue = DemoBackend.builder("blue").build();
    private final DemoBackend green = DemoBackend.builder("green").startsDown().build();

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

    private StandaloneProxy start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("proxy", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                "--blue", "127.0.0.1:" + blue.port(), "--green", "127.0.0.1:" + green.port(), "--threads", "1"));
        args.addAll(List.of(extra));
        CommandLine line = Main.commandLine();
        line.parseArgs(args.toArray(String[]::new));
        ProxyCommand command = line.getSubcommands().get("proxy").getCommand();
        return command.start().get(10, TimeUnit.SECONDS);
    }

    @Test
    void byDefault_aSwitchToADownPoolIsRefusedWith409_andAcceptedOnceItIsUp() throws Exception {
        StandaloneProxy proxy = start("--health-interval", "200ms", "--health-timeout", "2s");
        try {
            String admin = proxy.adminUrl().orElseThrow();
            HttpResponse<String> refused = http.post(admin + "/switch?to=green");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("\"guard\":\"healthy-target\"", "status 503");

            green.up();
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                    .until(() -> http.post(admin + "/switch?to=green").statusCode() == 200);
            assertThat(http.body(proxy.proxyUrl() + "/")).isEqualTo("hello from green\n");
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void noHealthChecks_switchesWithoutJudgingTheTarget() throws Exception {
        StandaloneProxy proxy = start("--no-health-checks");
        try {
            String admin = proxy.adminUrl().orElseThrow();
            assertThat(http.post(admin + "/switch?to=green").statusCode()).isEqualTo(200);
            assertThat(http.body(admin + "/status")).contains("\"state\":\"UNKNOWN\"")
                    .doesNotContain("\"state\":\"HEALTHY\"");
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void backendCommandDown_startsDown() throws Exception {
        CommandLine line = Main.commandLine();
        line.parseArgs("backend", "--listen", "127.0.0.1:0", "--name", "g2", "--down");
        BackendCommand command = line.getSubcommands().get("backend").getCommand();
        DemoBackend backend = command.start().get(10, TimeUnit.SECONDS);
        try {
            String url = "http://127.0.0.1:" + backend.port();
            assertThat(http.get(url + "/health").statusCode()).isEqualTo(503);
            assertThat(http.post(url + "/demo/up").statusCode()).isEqualTo(200);
            assertThat(http.get(url + "/health").statusCode()).isEqualTo(200);
        } finally {
            backend.stop().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void badHealthValues_exit2_namingTheOption() {
        assertThat(RunnerUsage.refused("--health-rise", "0")).contains("--health-rise", "0");
        assertThat(RunnerUsage.refused("--health-path", "health")).contains("--health-path", "health");
        assertThat(RunnerUsage.refused("--eject-after", "-1")).contains("--eject-after", "-1");
        assertThat(RunnerUsage.refused("--prewarm", "99")).contains("--prewarm", "99");
        assertThat(RunnerUsage.refused("--slow-start", "2h")).contains("--slow-start", "2h", "at most 1 hour");
        assertThat(RunnerUsage.refused("--no-health-checks", "--eject-after", "0", "--slow-start", "30s"))
                .contains("--slow-start", "30s with --no-health-checks and --eject-after 0 (expected: checks or"
                        + " ejection on");
    }
}
