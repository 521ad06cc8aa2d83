package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
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

/**
 * The standalone runner's {@code --close-client-connections-after-switch}: clients that must reconnect to notice a
 * switch are told to, on the first response after it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyCommandCloseAfterSwitchTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

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
    void closeAfterSwitch_theNextResponseOnAConnectionFromBeforeTheSwitch_saysConnectionClose() throws Exception {
        StandaloneProxy proxy = start("--close-client-connections-after-switch");
        try (RawHttpClient client = RawHttpClient.connect(proxy.proxy().port())) {
            RawResponse before = client.get("/");
            assertThat(before.bodyText()).isEqualTo("hello from blue\n");
            assertThat(before.header("Connection")).as("kept alive before the switch").isNull();

            proxy.admin().switchTo(Colour.GREEN);

            RawResponse after = client.get("/");
            assertThat(after.bodyText()).isEqualTo("hello from green\n");
            assertThat(after.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(client.isClosedByPeer(WAIT)).isTrue();
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void leftOut_aKeepAliveConnectionStaysOpenAcrossTheSwitch() throws Exception {
        StandaloneProxy proxy = start();
        try (RawHttpClient client = RawHttpClient.connect(proxy.proxy().port())) {
            assertThat(client.get("/").bodyText()).isEqualTo("hello from blue\n");

            proxy.admin().switchTo(Colour.GREEN);

            RawResponse after = client.get("/");
            assertThat(after.bodyText()).isEqualTo("hello from green\n");
            assertThat(after.header("Connection")).isNull();
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    private StandaloneProxy start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("proxy", "--listen", "127.0.0.1:0", "--threads", "1",
                "--no-health-checks", "--prewarm", "0", "--blue", "127.0.0.1:" + blue.port(),
                "--green", "127.0.0.1:" + green.port()));
        args.addAll(List.of(extra));
        CommandLine line = Main.commandLine();
        line.parseArgs(args.toArray(String[]::new));
        ProxyCommand command = line.getSubcommands().get("proxy").getCommand();
        return command.start().get(10, TimeUnit.SECONDS);
    }
}
