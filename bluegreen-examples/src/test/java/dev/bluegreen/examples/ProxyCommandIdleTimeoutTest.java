package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.proxy.Timeouts;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The standalone runner's {@code --idle-timeout}: how long a client keep-alive connection may sit idle. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyCommandIdleTimeoutTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final DemoBackend blue = DemoBackend.builder("blue").build();

    @BeforeEach
    void startBackend() throws Exception {
        blue.start().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stopBackend() throws Exception {
        blue.stop().get(10, TimeUnit.SECONDS);
    }

    @Test
    void idleTimeout_closesAClientKeepAliveConnectionThatSitsIdle() throws Exception {
        StandaloneProxy proxy = start("--idle-timeout", "300ms");
        try (RawHttpClient client = RawHttpClient.connect(proxy.proxy().port())) {
            RawResponse response = client.get("/");
            long answered = System.nanoTime();
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("hello from blue\n");
            assertThat(response.header("Connection")).as("kept alive").isNull();

            assertThat(client.isClosedByPeer(WAIT)).as("closed once idle, well before the default 60s").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - answered)).as("not before it was idle")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(200));
            await().atMost(WAIT).until(() -> proxy.proxy().clientConnections() == 0);
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void idleTimeoutLeftOut_isTheProxyBuildersDefault() {
        CommandLine.Model.OptionSpec option = Main.commandLine().getSubcommands().get("proxy").getCommandSpec()
                .findOption("--idle-timeout");

        assertThat(Converters.parseDuration(option.defaultValue())).isEqualTo(Timeouts.defaults().clientIdle());
    }

    @Test
    void badIdleTimeout_exit2_namingTheOptionAndTheValue() {
        assertThat(RunnerUsage.refused("--idle-timeout=-5s"))
                .contains("Invalid value for option '--idle-timeout'", "\"-5s\"",
                        "expected: a whole number and a unit");
        assertThat(RunnerUsage.refused("--idle-timeout", "abc"))
                .contains("Invalid value for option '--idle-timeout'", "\"abc\"");
        assertThat(RunnerUsage.refused("--idle-timeout", "0s"))
                .contains("Invalid value for option '--idle-timeout'", "expected: > 0");
    }

    private StandaloneProxy start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("proxy", "--listen", "127.0.0.1:0", "--threads", "1",
                "--no-health-checks", "--blue", "127.0.0.1:" + blue.port()));
        args.addAll(List.of(extra));
        CommandLine line = Main.commandLine();
        line.parseArgs(args.toArray(String[]::new));
        ProxyCommand command = line.getSubcommands().get("proxy").getCommand();
        return command.start().get(10, TimeUnit.SECONDS);
    }
}
