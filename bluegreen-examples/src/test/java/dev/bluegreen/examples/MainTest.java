package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.LoadBalancing;
import dev.bluegreen.testing.CapturedLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MainTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Http http = new Http();

    private int run(String... args) {
        return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void help_exits0_andListsTheThreeCommands() {
        assertThat(run("--help")).isZero();

        assertThat(out.toString()).contains("Usage: bluegreen-examples", "demo", "proxy", "backend");
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void subCommandHelp_exits0() {
        assertThat(run("proxy", "--help")).isZero();

        assertThat(out.toString()).contains("--blue=HOST:PORT", "--green=HOST:PORT", "--admin=HOST:PORT",
                "--connect-timeout=DURATION");
    }

    @Test
    void proxy_badBackend_exits2_namingTheOptionAndTheValue() {
        assertThat(run("proxy", "--blue", "nonsense")).isEqualTo(2);

        assertThat(err.toString()).contains("--blue", "nonsense").contains("Usage:");
    }

    @Test
    void proxy_aListWithATrailingComma_exits2_namingTheItem() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001,", "--listen", "127.0.0.1:0")).isEqualTo(2);
        assertThat(err.toString()).contains("--blue", "'127.0.0.1:9001,'");

        assertThat(run("proxy", "--blue", "127.0.0.1:9001,127.0.0.1:9002", "--allowed-hosts", "shop.example,",
                "--listen", "127.0.0.1:0")).isEqualTo(2);
        assertThat(err.toString()).contains("--allowed-hosts", "'shop.example,'");
    }

    @Test
    void proxy_withoutBlue_exits2() {
        assertThat(run("proxy", "--green", "127.0.0.1:9001")).isEqualTo(2);

        assertThat(err.toString()).contains("Missing required option", "--blue");
    }

    @Test
    void proxy_badDuration_exits2_namingTheOptionAndTheValue() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--connect-timeout", "soon")).isEqualTo(2);

        assertThat(err.toString()).contains("--connect-timeout", "soon", "500ms");
    }

    @Test
    void proxy_durationOverAYear_exits2_namingTheOption() {
        assertThat(RunnerUsage.refused("--idle-timeout", "999999999d")).contains("--idle-timeout",
                "idleTimeout: 999999999d (expected: at most 365d)");
        assertThat(RunnerUsage.refused("--drain-timeout", "106752d")).contains("--drain-timeout",
                "drainTimeout: 106752d (expected: at most 365d)");
        assertThat(RunnerUsage.refused("--rollback-window", "400d")).contains("--rollback-window",
                "rollbackWindow: 400d (expected: at most 365d)");
        assertThat(RunnerUsage.refused("--queue-timeout", "25d")).contains("--queue-timeout",
                "queueTimeout: 25d (expected: between 0 and 24 days)");
        assertThat(RunnerUsage.refused("--queue-timeout", "1s", "--max-queued", "-1")).contains("--max-queued",
                "maxQueuedRequests: -1 (expected: 0-1000000)");
        assertThat(RunnerUsage.refused("--max-queued", "100")).contains(
                "Invalid value for option '--max-queued': given without --queue-timeout");
    }

    @Test
    void proxy_loadBalancing_isSetByName_andAnUnknownNameExits2() throws Exception {
        StandaloneProxy proxy = RunnerUsage.started("--blue", "127.0.0.1:9", "--load-balancing", "least-requests");
        try {
            assertThat(proxy.proxy().loadBalancing()).isEqualTo(LoadBalancing.LEAST_REQUESTS);
            assertThat(ProxyCommand.banner(proxy)).contains("  each request's backend picked by least-requests");
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
        assertThat(RunnerUsage.refused("--load-balancing", "leastconn")).contains("--load-balancing",
                "loadBalancing: 'leastconn' (expected: round-robin, least-requests, hash:header:NAME,");
        StandaloneProxy hashing = RunnerUsage.started("--blue", "127.0.0.1:9",
                "--load-balancing", "hash:header:X-User");
        try {
            assertThat(hashing.proxy().loadBalancing()).isEqualTo(LoadBalancing.hashOfHeader("x-user"));
            assertThat(ProxyCommand.banner(hashing)).contains("  each request's backend picked by hash:header:x-user"
                    + " (round robin for a request without the key)");
        } finally {
            hashing.stop().get(20, TimeUnit.SECONDS);
        }
        assertThat(RunnerUsage.refused("--load-balancing", "hash:header:")).contains("--load-balancing",
                "header: '' (expected: a token");
    }

    @Test
    void proxy_settingsOfSomethingThatIsOff_exit2_ratherThanBeIgnored() {
        assertThat(RunnerUsage.refused("--admin-allowed-hosts", "admin.internal")).contains(
                "Invalid value for option '--admin-allowed-hosts': given without --admin");
        assertThat(RunnerUsage.refused("--admin-token", "not-the-environments-token")).contains(
                "Invalid value for option '--admin-token': given without --admin");
        assertThat(RunnerUsage.refused("--no-health-checks", "--health-grpc")).contains(
                "Invalid value for option '--health-grpc': given with --no-health-checks");
        assertThat(RunnerUsage.refused("--no-health-checks", "--health-interval", "5s")).contains(
                "Invalid value for option '--health-interval': given with --no-health-checks");
    }

    @Test
    void proxy_adminBeyondLoopbackWithoutAToken_exits2() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--listen", "127.0.0.1:0", "--admin", "0.0.0.0:0"))
                .isEqualTo(2);

        assertThat(err.toString()).contains("--admin", "bearerToken");
    }

    @Test
    void proxy_shortAdminToken_exits2() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                "--admin-token", "short")).isEqualTo(2);

        assertThat(err.toString()).contains("--admin-token", "at least 16");
    }

    @Test
    void proxy_adminTokenWithAControlCharacter_exits2_namingItsPosition_notTheToken() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                "--admin-token", "0123456789abcdef\u0007")).isEqualTo(2);

        assertThat(err.toString()).contains("--admin-token", "character 17 is U+0007").doesNotContain("0123456789");
    }

    @Test
    void proxy_badAdminTokenFromTheEnvironment_isBlamedOnTheVariable() throws Exception {
        // The variable is read by picocli from the process environment: a child process carries it.
        ProcessBuilder child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "proxy", "--blue", "127.0.0.1:9001", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0")
                .redirectErrorStream(true);
        child.environment().put("BLUEGREEN_ADMIN_TOKEN", "short");
        Process process = child.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isEqualTo(2);
        assertThat(output).contains("Invalid value for option '--admin-token': its default, the environment variable"
                + " BLUEGREEN_ADMIN_TOKEN: bearerToken: 5 characters (expected: at least 16");
    }

    @Test
    void proxy_badColour_exits2() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--live", "purple")).isEqualTo(2);

        assertThat(err.toString()).contains("--live", "purple");
    }

    @Test
    void proxy_liveGreenWithoutGreenBackends_exits2() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--live", "green", "--listen", "127.0.0.1:0"))
                .isEqualTo(2);

        assertThat(err.toString()).contains("--live", "--green");
    }

    @Test
    void proxy_sameBackendTwice_exits2() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001,127.0.0.1:9001", "--listen", "127.0.0.1:0")).isEqualTo(2);

        assertThat(err.toString()).contains("--blue", "127.0.0.1:9001");
    }

    @Test
    void proxy_zeroThreads_exits2() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--threads", "0", "--listen", "127.0.0.1:0"))
                .isEqualTo(2);

        assertThat(err.toString()).contains("--threads", "0");
    }

    @Test
    void proxy_unknownTransport_exits2_namingTheOption() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--transport", "kqueue", "--listen", "127.0.0.1:0"))
                .isEqualTo(2);

        assertThat(err.toString()).contains("--transport", "kqueue", "io_uring");
    }

    @Test
    void demo_badPort_exits2() {
        assertThat(run("demo", "--port", "70000")).isEqualTo(2);

        assertThat(err.toString()).contains("--port", "70000");
    }

    @Test
    void backend_onAPortInUse_exits1_withAOneLineError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = run("backend", "--name", "b", "--listen", "127.0.0.1:" + taken.getLocalPort());

            assertThat(code).isEqualTo(1);
        }
        assertThat(err.toString().strip()).startsWith("bluegreen-examples: demo backend b: cannot listen on 127.0.0.1:")
                .doesNotContain("\n").doesNotContain("Exception");
    }

    @Test
    void demo_onAPortInUse_exits1_withAOneLineError() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = run("demo", "--port", String.valueOf(taken.getLocalPort()), "--admin-port", "0");

            assertThat(code).isEqualTo(1);
        }
        assertThat(err.toString().strip()).startsWith("bluegreen-examples: proxy: cannot listen on")
                .doesNotContain("\n");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void proxy_adminPortInUse_exits1_andReleasesTheProxyPort() throws Exception {
        int proxyPort;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            proxyPort = probe.getLocalPort();
        }
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int code = run("proxy", "--blue", "127.0.0.1:9001", "--listen", "127.0.0.1:" + proxyPort,
                    "--admin", "127.0.0.1:" + taken.getLocalPort());

            assertThat(code).isEqualTo(1);
        }
        assertThat(err.toString().strip()).startsWith("bluegreen-examples: admin endpoint: cannot listen on");
        try (ServerSocket again = new ServerSocket(proxyPort, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(proxyPort);
        }
    }

    @Test
    void backendAndProxyCommands_startedProgrammatically_serveARequest() throws Exception {
        CommandLine backendLine = Main.commandLine();
        backendLine.parseArgs("backend", "--listen", "127.0.0.1:0", "--name", "b1");
        BackendCommand backendCommand = backendLine.getSubcommands().get("backend").getCommand();
        DemoBackend backend = backendCommand.start().get(10, TimeUnit.SECONDS);
        try {
            CommandLine proxyLine = Main.commandLine();
            proxyLine.parseArgs("proxy", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                    "--blue", "127.0.0.1:" + backend.port(), "--blue-version", "b-1", "--threads", "1",
                    "--connect-timeout", "500ms", "--response-timeout", "5s");
            ProxyCommand proxyCommand = proxyLine.getSubcommands().get("proxy").getCommand();
            StandaloneProxy proxy = proxyCommand.start().get(10, TimeUnit.SECONDS);
            try {
                HttpResponse<String> response = http.get(proxy.proxyUrl() + "/");
                assertThat(response.statusCode()).isEqualTo(200);
                assertThat(response.body()).isEqualTo("hello from b1\n");
                assertThat(response.headers().firstValue("X-Backend")).hasValue("b1");
                assertThat(http.body(proxy.adminUrl().orElseThrow() + "/status"))
                        .contains("\"live\":\"blue\"", "\"version\":\"b-1\"");
                assertThat(ProxyCommand.banner(proxy)).first().asString()
                        .isEqualTo("bluegreen proxy on " + proxy.proxyUrl() + ", blue live");
            } finally {
                proxy.stop().get(20, TimeUnit.SECONDS);
            }
        } finally {
            backend.stop().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void proxyCommand_startsLoopsThatYieldAfterIo_unlessToldNot() throws Exception {
        List<String> logged;
        try (CapturedLog log = CapturedLog.of(BlueGreenProxy.class)) {
            startAndStopProxy();
            startAndStopProxy("--no-yield-after-io");
            startAndStopProxy("--yield-after-io");
            logged = log.messages();
        }

        assertThat(logged)
                .filteredOn(line -> line.startsWith("bluegreen proxy listening on"))
                .satisfiesExactly(
                        byDefault -> assertThat(byDefault).contains("1 event loops that yield after I/O)"),
                        toldNot -> assertThat(toldNot).contains("1 event loops)").doesNotContain("yield"),
                        toldTo -> assertThat(toldTo).contains("1 event loops that yield after I/O)"));
    }

    private static void startAndStopProxy(String... extraArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("proxy", "--listen", "127.0.0.1:0", "--blue", "127.0.0.1:1",
                "--threads", "1", "--no-health-checks"));
        args.addAll(List.of(extraArgs));
        CommandLine proxyLine = Main.commandLine();
        proxyLine.parseArgs(args.toArray(String[]::new));
        ProxyCommand proxyCommand = proxyLine.getSubcommands().get("proxy").getCommand();
        proxyCommand.start().get(10, TimeUnit.SECONDS).stop().get(20, TimeUnit.SECONDS);
    }
}
