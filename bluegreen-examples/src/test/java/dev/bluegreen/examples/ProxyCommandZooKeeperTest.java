package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The proxy command with {@code --zookeeper}: two standalone proxies share one routing state. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyCommandZooKeeperTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final Http http = new Http();

    @Test
    void twoProxiesOnOneZnode_aSwitchThroughOnesAdminEndpoint_movesBoth() throws Exception {
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 300, -1,
                Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
        List<DemoBackend> backends = new ArrayList<>();
        List<StandaloneProxy> proxies = new ArrayList<>();
        try (TestingServer zooKeeper = new TestingServer(spec, true)) {
            try {
                switchThroughOne(zooKeeper, backends, proxies);
            } finally {
                // Before the server goes: each proxy's store removes its registration on the way out.
                for (StandaloneProxy proxy : proxies) {
                    proxy.stop().get(20, TimeUnit.SECONDS);
                }
            }
        } finally {
            for (DemoBackend backend : backends) {
                backend.stop().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private void switchThroughOne(TestingServer zooKeeper, List<DemoBackend> backends,
                                  List<StandaloneProxy> proxies) throws Exception {
        DemoBackend blue = backend("b1", backends);
        DemoBackend green = backend("g1", backends);
        for (String id : List.of("p1", "p2")) {
            CommandLine line = Main.commandLine();
            line.parseArgs("proxy", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--threads", "1",
                    "--blue", "127.0.0.1:" + blue.port(), "--green", "127.0.0.1:" + green.port(),
                    "--zookeeper", zooKeeper.getConnectString(), "--zk-path", "/bluegreen/cli", "--zk-instance", id);
            ProxyCommand command = line.getSubcommands().get("proxy").getCommand();
            proxies.add(command.start().get(20, TimeUnit.SECONDS));
        }
        StandaloneProxy p1 = proxies.get(0);
        StandaloneProxy p2 = proxies.get(1);
        assertThat(http.body(p2.proxyUrl() + "/")).isEqualTo("hello from b1\n");
        assertThat(ProxyCommand.banner(p1)).contains("  routing state shared through ZooKeeper, as instance p1"
                + " at generation 0: a change through any instance moves them all");

        assertThat(http.post(p1.adminUrl().orElseThrow() + "/switch?to=green").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(10)).until(() -> http.body(p2.proxyUrl() + "/").equals("hello from g1\n"));
        assertThat(http.body(p2.adminUrl().orElseThrow() + "/status")).contains("\"live\":\"green\"",
                "\"generation\":1");
    }

    @Test
    void aFleetRunnersMetrics_showTheStoresMeters() throws Exception {
        InstanceSpec spec = new InstanceSpec(null, -1, -1, -1, true, -1, 300, -1,
                Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1");
        List<DemoBackend> backends = new ArrayList<>();
        try (TestingServer zooKeeper = new TestingServer(spec, true)) {
            DemoBackend blue = backend("b1", backends);
            CommandLine line = Main.commandLine();
            line.parseArgs("proxy", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--threads", "1",
                    "--no-health-checks", "--blue", "127.0.0.1:" + blue.port(),
                    "--zookeeper", zooKeeper.getConnectString(), "--zk-path", "/bluegreen/meters",
                    "--zk-instance", "m1");
            ProxyCommand command = line.getSubcommands().get("proxy").getCommand();
            StandaloneProxy proxy = command.start().get(20, TimeUnit.SECONDS);
            try {
                // The gauge an operator alerts on when an instance loses ZooKeeper (docs/fleet.md, Meters).
                String metrics = proxy.adminUrl().orElseThrow() + "/metrics";
                assertThat(http.body(metrics)).contains(
                        "bluegreen_store_connected{instance=\"m1\"} 1.0",
                        "bluegreen_store_generation{instance=\"m1\"} 0.0");
                // The fleet view learns of the instance's own registration through a watch, after the start.
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(http.body(metrics))
                        .contains("bluegreen_fleet_instances{instance=\"m1\",reachable=\"true\"} 1.0"));
            } finally {
                proxy.stop().get(20, TimeUnit.SECONDS);
            }
        } finally {
            for (DemoBackend backend : backends) {
                backend.stop().get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void zooKeeperOptions_withoutZooKeeper_exit2() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--listen", "127.0.0.1:0", "--zk-path", "/x"))
                .isEqualTo(2);

        assertThat(err.toString()).contains("--zk-path", "without --zookeeper");
    }

    @Test
    void badInstanceId_exits2_namingTheOption() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--listen", "127.0.0.1:0",
                "--zookeeper", "127.0.0.1:1", "--zk-instance", "a/b")).isEqualTo(2);

        assertThat(err.toString()).contains("--zk-instance", "a/b");
    }

    @Test
    void badPath_exits2_namingTheOption() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--listen", "127.0.0.1:0",
                "--zookeeper", "127.0.0.1:1", "--zk-path", "relative")).isEqualTo(2);

        assertThat(err.toString()).contains("--zk-path", "relative");
    }

    @Test
    void pathInZooKeepersReservedSubtree_exits2_namingTheOption_unlessAChrootMovesIt() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--listen", "127.0.0.1:0",
                "--zookeeper", "127.0.0.1:1", "--zk-path", "/zookeeper/bluegreen")).isEqualTo(2);
        assertThat(err.toString()).contains("--zk-path", "'/zookeeper/bluegreen' is in ZooKeeper's reserved"
                + " /zookeeper subtree");

        err.getBuffer().setLength(0);
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--listen", "127.0.0.1:0",
                "--zookeeper", "127.0.0.1:1/zookeeper", "--zk-path", "/bluegreen")).isEqualTo(2);
        assertThat(err.toString()).contains("--zk-path", "(/zookeeper/bluegreen on the server)");
    }

    @Test
    void malformedConnectString_exits2_namingTheOptionAndWhatIsWrong() {
        assertThat(run("proxy", "--blue", "127.0.0.1:9001", "--listen", "127.0.0.1:0",
                "--zookeeper", "127.0.0.1:abc")).isEqualTo(2);
        assertThat(err.toString()).contains("Invalid value for option '--zookeeper': '127.0.0.1:abc': port 'abc'"
                + " of server '127.0.0.1:abc' is not a number 1-65535 (expected: HOST[:PORT][,HOST[:PORT]...]"
                + "[/CHROOT]");
    }

    private int run(String... args) {
        return Main.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    private static DemoBackend backend(String name, List<DemoBackend> started) throws Exception {
        CommandLine line = Main.commandLine();
        line.parseArgs("backend", "--listen", "127.0.0.1:0", "--name", name);
        BackendCommand command = line.getSubcommands().get("backend").getCommand();
        DemoBackend backend = command.start().get(10, TimeUnit.SECONDS);
        started.add(backend);
        return backend;
    }
}
