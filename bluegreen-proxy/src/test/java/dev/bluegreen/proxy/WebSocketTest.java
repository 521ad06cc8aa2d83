package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** WebSockets through the proxy: relayed both ways, pinned to their colour, sent away with 1001 at the deadline. */
class WebSocketTest {

    private static final Duration WAIT = Duration.ofSeconds(5);

    private final WebSocketBackend blue = new WebSocketBackend("blue");
    private final WebSocketBackend green = new WebSocketBackend("green");
    private BlueGreen admin;
    private BlueGreenProxy proxy;

    private void startProxy(Duration drainTimeout) {
        admin = BlueGreen.builder()
                .blue("v1", Backend.of("127.0.0.1", blue.port()))
                .green("v2", Backend.of("127.0.0.1", green.port()))
                .build();
        proxy = BlueGreenProxy.builder(admin)
                .listen("127.0.0.1", 0)
                .eventLoopThreads(2)
                .drainTimeout(drainTimeout)
                .build();
        proxy.start().orTimeout(5, TimeUnit.SECONDS).join();
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
            admin.close();
        }
        blue.close();
        green.close();
    }

    @Test
    void webSocket_isRelayedBothWays() throws Exception {
        startProxy(Duration.ofSeconds(30));
        try (WebSocketClient client = new WebSocketClient(proxy.port())) {
            assertThat(client.echo("hello", WAIT)).isEqualTo("blue: hello");
            assertThat(client.echo("again", WAIT)).isEqualTo("blue: again");
            assertThat(proxy.activeExchanges(Colour.BLUE)).as("a tunnel is one exchange until it closes").isEqualTo(1);
        }
        await().atMost(WAIT).until(() -> proxy.activeExchanges(Colour.BLUE) == 0);
    }

    @Test
    void webSocketBytes_countInTheColoursRequestAndResponseBytes() throws Exception {
        startProxy(Duration.ofSeconds(30));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        BlueGreenMetrics.of(proxy).bindTo(registry);
        try (WebSocketClient client = new WebSocketClient(proxy.port())) {
            assertThat(client.echo("hello", WAIT)).isEqualTo("blue: hello");
        }
        await().atMost(WAIT).until(() -> proxy.activeExchanges(Colour.BLUE) == 0);

        // At least the frames of the echo: "hello" masked (2 + 4 + 5 bytes), "blue: hello" unmasked (2 + 11).
        assertThat(registry.get(MeterNames.REQUEST_BYTES).tag("colour", "blue").counter().count())
                .isGreaterThanOrEqualTo(11);
        assertThat(registry.get(MeterNames.RESPONSE_BYTES).tag("colour", "blue").counter().count())
                .isGreaterThanOrEqualTo(13);
    }

    @Test
    void webSocketOpenAcrossASwitch_keepsWorkingOnItsColour_whileNewOnesGoToTheNewColour() throws Exception {
        startProxy(Duration.ofSeconds(30));
        try (WebSocketClient before = new WebSocketClient(proxy.port())) {
            assertThat(before.echo("1", WAIT)).isEqualTo("blue: 1");

            admin.switchTo(Colour.GREEN);

            assertThat(before.echo("2", WAIT)).isEqualTo("blue: 2");
            try (WebSocketClient after = new WebSocketClient(proxy.port())) {
                assertThat(after.echo("3", WAIT)).isEqualTo("green: 3");
            }
            assertThat(proxy.drain(Colour.BLUE)).get()
                    .satisfies(drain -> assertThat(drain.activeExchanges()).isEqualTo(1))
                    .satisfies(drain -> assertThat(drain.isDone()).isFalse());
        }
        DrainReport report = proxy.drain(Colour.BLUE).orElseThrow().completion().get(5, TimeUnit.SECONDS);
        assertThat(report.outcome()).isEqualTo(DrainReport.Outcome.DRAINED);
        assertThat(report.forcedClosed()).isZero();
    }

    @Test
    void atTheDrainDeadline_bothPeersGetACloseFrameWith1001() throws Exception {
        startProxy(Duration.ofMillis(300));
        try (WebSocketClient client = new WebSocketClient(proxy.port())) {
            assertThat(client.echo("hi", WAIT)).isEqualTo("blue: hi");

            admin.switchTo(Colour.GREEN);

            assertThat(client.closeStatusReceived.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
            assertThat(blue.closeStatusReceived.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
            client.closed().get(5, TimeUnit.SECONDS);
            DrainReport report = proxy.drain(Colour.BLUE).orElseThrow().completion().get(5, TimeUnit.SECONDS);
            assertThat(report.outcome()).isEqualTo(DrainReport.Outcome.DEADLINE);
            assertThat(report.forcedClosed()).isEqualTo(1);
            assertThat(report.exchangesAtStart()).isEqualTo(1);
        }
    }

    @Test
    void stop_sendsBothPeersACloseFrameWith1001_atTheEndOfTheGracePeriod() throws Exception {
        startProxy(Duration.ofSeconds(30));
        try (WebSocketClient client = new WebSocketClient(proxy.port())) {
            assertThat(client.echo("hi", WAIT)).isEqualTo("blue: hi");

            proxy.stop(Duration.ofMillis(200)).get(10, TimeUnit.SECONDS);

            assertThat(client.closeStatusReceived.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
            assertThat(blue.closeStatusReceived.get(5, TimeUnit.SECONDS)).isEqualTo(1001);
            client.closed().get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void rollbackDuringTheDrain_keepsTheWebSocketOpenPastTheDeadline() throws Exception {
        // The rollback must come before the drain deadline: at 300 ms, a test thread held up that long between the two
        // changes (as a loaded machine may) sees the drain end at its DEADLINE instead. A second leaves it room.
        startProxy(Duration.ofSeconds(1));
        try (WebSocketClient client = new WebSocketClient(proxy.port())) {
            assertThat(client.echo("1", WAIT)).isEqualTo("blue: 1");
            admin.switchTo(Colour.GREEN);
            Drain drain = proxy.drain(Colour.BLUE).orElseThrow();

            admin.rollback();

            assertThat(drain.completion().get(5, TimeUnit.SECONDS).outcome())
                    .isEqualTo(DrainReport.Outcome.CANCELLED);
            // Open past the deadline the cancelled drain had (a second after the switch).
            await().during(Duration.ofMillis(1500)).atMost(WAIT).until(client::isOpen);
            assertThat(client.echo("2", WAIT)).isEqualTo("blue: 2");
            assertThat(client.closeStatusReceived).isNotDone();
        }
    }
}
