package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The drain handle a switch leaves behind: live figures, a future, and a report that says how it ended. */
class DrainReportTest {

    @Test
    void completion_completesOffTheEventLoops_andCancellingOneCallersFutureEndsNothing() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient slow = RawHttpClient.connect(fixture.port())) {
            Gate gate = fixture.blue().hold();
            slow.request("GET", "/slow", Map.of());
            gate.awaitArrived(1, Duration.ofSeconds(5));
            fixture.admin.switchTo(Colour.GREEN);
            Drain drain = fixture.proxy.drain(Colour.BLUE).orElseThrow();
            // Completed on the event loop that ended the drain, this stage would block that loop.
            CompletableFuture<Thread> endedOn = drain.completion().thenApply(report -> Thread.currentThread());

            // Before, completion() was the drain's own future: this ended the drain, leaving its deadline unenforced.
            drain.completion().cancel(true);

            assertThat(drain.isDone()).as("a caller's cancel ends nothing").isFalse();
            gate.release();
            assertThat(slow.readResponse().status()).isEqualTo(200);
            assertThat(endedOn.get(10, TimeUnit.SECONDS)).isNotInstanceOf(FastThreadLocalThread.class);
            assertThat(drain.completion().get(10, TimeUnit.SECONDS).outcome()).isEqualTo(DrainReport.Outcome.DRAINED);
        }
    }

    @Test
    void afterASwitch_theOldColourReachesZero_andTheReportSaysDrained() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1);
             RawHttpClient slow = RawHttpClient.connect(fixture.port())) {
            try (RawHttpClient warm = RawHttpClient.connect(fixture.port())) {
                assertThat(warm.get("/1").status()).isEqualTo(200);
                assertThat(warm.get("/2").status()).isEqualTo(200);
            }
            Gate gate = fixture.blue.get(0).hold();
            fixture.blue.get(1).hold();
            slow.request("GET", "/slow", Map.of());
            gate.awaitArrived(1, Duration.ofSeconds(5));
            // The warm-up's last exchange may still be ending on its event loop after its client read the response.
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.proxy.activeExchanges(Colour.BLUE) == 1);

            fixture.admin.switchTo(Colour.GREEN);
            Drain drain = fixture.proxy.drain(Colour.BLUE).orElseThrow();

            assertThat(drain.colour()).isEqualTo(Colour.BLUE);
            assertThat(drain.generation()).isEqualTo(1);
            assertThat(drain.isDone()).isFalse();
            assertThat(drain.activeExchanges()).isEqualTo(1);
            assertThat(drain.deadline()).isAfter(drain.startedAt());

            gate.release();
            assertThat(slow.readResponse().status()).isEqualTo(200);
            DrainReport report = drain.completion().get(5, TimeUnit.SECONDS);

            assertThat(report.outcome()).isEqualTo(DrainReport.Outcome.DRAINED);
            assertThat(report.exchangesAtStart()).isEqualTo(1);
            assertThat(report.connectionsAtStart()).isGreaterThanOrEqualTo(1);
            assertThat(report.forcedClosed()).isZero();
            assertThat(drain.activeExchanges()).isZero();
            assertThat(drain.openConnections()).isZero();
            assertThat(fixture.proxy.drain(Colour.GREEN)).as("green never stopped being live").isEmpty();
        }
    }

    @Test
    void aRequestUnansweredAtTheDeadline_gets504_isCounted_andItsConnectionServesTheNextRequest() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.drainTimeout(Duration.ofMillis(300)));
             RawHttpClient slow = RawHttpClient.connect(fixture.port())) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            Gate gate = fixture.blue().hold();
            slow.request("GET", "/never-finishes-in-time", Map.of());
            gate.awaitArrived(1, Duration.ofSeconds(5));

            fixture.admin.switchTo(Colour.GREEN);
            DrainReport report = fixture.proxy.drain(Colour.BLUE).orElseThrow()
                    .completion().get(5, TimeUnit.SECONDS);

            assertThat(report.outcome()).isEqualTo(DrainReport.Outcome.DEADLINE);
            assertThat(report.forcedClosed()).isEqualTo(1);
            RawResponse answer = slow.readResponse();
            assertThat(answer.status()).isEqualTo(504);
            assertThat(answer.bodyText()).contains("drain deadline");
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.get(MeterNames.REQUESTS)
                    .tags("colour", "blue", "status", "5xx", "source", "proxy").counter().count() == 1);
            assertThat(slow.get("/next").status()).as("the connection belongs to no colour").isEqualTo(200);
            assertThat(fixture.green().requests()).hasSize(1);
            gate.release();
        }
    }

    @Test
    void anHttp2RequestUnansweredAtTheDeadline_gets504_andTheConnectionGoesOn() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.drainTimeout(Duration.ofMillis(300)));
             H2Client client = H2Client.cleartext(fixture.port())) {
            Gate gate = fixture.blue().hold();
            CompletableFuture<H2Client.Response> slow = client.get("/never-finishes-in-time");
            gate.awaitArrived(1, Duration.ofSeconds(5));

            fixture.admin.switchTo(Colour.GREEN);

            H2Client.Response answer = H2Client.await(slow);
            assertThat(answer.status()).isEqualTo(504);
            assertThat(answer.body()).contains("drain deadline");
            assertThat(H2Client.await(client.get("/next")).status()).isEqualTo(200);
            gate.release();
        }
    }

    @Test
    void aRequestStillConnectingAtTheDeadline_gets503() throws Exception {
        // Blue's backend is a name no DNS answer comes for: its request waits for an address, never sent.
        try (TinyDnsServer dns = TinyDnsServer.start("blue.test").silent();
             TestBackend green = TestBackend.start("green");
             BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("blue.test", 8080))
                     .green("v2", Backend.of("127.0.0.1", green.port())).build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1)
                    .nameServers(List.of(dns.address())).drainTimeout(Duration.ofMillis(300)).build();
            proxy.start().orTimeout(5, TimeUnit.SECONDS).join();
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                client.request("GET", "/waits-for-an-address", Map.of());
                await().atMost(Duration.ofSeconds(5)).until(() -> proxy.activeExchanges(Colour.BLUE) == 1);

                admin.switchTo(Colour.GREEN);

                RawResponse answer = client.readResponse();
                assertThat(answer.status()).isEqualTo(503);
                assertThat(answer.header("Retry-After")).isEqualTo("1");
                assertThat(proxy.drain(Colour.BLUE).orElseThrow().completion().get(5, TimeUnit.SECONDS).outcome())
                        .isEqualTo(DrainReport.Outcome.DEADLINE);
                assertThat(client.get("/next").status()).isEqualTo(200);
            } finally {
                proxy.stop(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }

    @Test
    void withCloseAfterSwitch_aConnectionFromBeforeTheSwitchIsToldToClose_andANewOneIsNot() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.closeClientConnectionsAfterSwitch(true));
             RawHttpClient before = RawHttpClient.connect(fixture.port())) {
            assertThat(before.get("/1").header("Connection")).isNull();

            fixture.admin.switchTo(Colour.GREEN);
            RawResponse moved = before.get("/2");

            assertThat(moved.header("X-Backend")).isEqualTo("green-1");
            assertThat(moved.header("Connection")).isEqualTo("close");
            assertThat(before.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
            try (RawHttpClient after = RawHttpClient.connect(fixture.port())) {
                assertThat(after.get("/3").header("Connection")).isNull();
                assertThat(after.get("/4").header("Connection")).isNull();
            }
        }
    }

    @Test
    void withoutCloseAfterSwitch_aConnectionSpansTheSwitch() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            assertThat(client.get("/1").header("X-Backend")).isEqualTo("blue-1");
            fixture.admin.switchTo(Colour.GREEN);
            RawResponse response = client.get("/2");
            assertThat(response.header("X-Backend")).isEqualTo("green-1");
            assertThat(response.header("Connection")).isNull();
        }
    }

    @Test
    void aPreviewRequestOnAnIdlePoolThatIsRedeployed_getsTheDrainTimeout_thenTheProxysAnswer() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(1, 2, b -> b.drainTimeout(Duration.ofMillis(300))
                .preview(PreviewRule.header("X-Preview")));
             RawHttpClient preview = RawHttpClient.connect(fixture.port())) {
            Gate gate = fixture.green.get(0).hold();
            preview.request("GET", "/on-the-old-green", Map.of("X-Preview", "1"));
            gate.awaitArrived(1, Duration.ofSeconds(5));

            // No switch drains green, the idle colour: the deployment that replaces its pool puts the deadline.
            fixture.admin.deploy(Colour.GREEN, "v3", ProxyFixture.backends(List.of(fixture.green.get(1))));

            RawResponse answer = preview.readResponse();
            assertThat(answer.status()).isEqualTo(504);
            assertThat(answer.bodyText()).contains("drain deadline");
            preview.request("GET", "/next", Map.of("X-Preview", "1"));
            assertThat(preview.readResponse().status()).as("on the new green pool").isEqualTo(200);
            assertThat(fixture.green.get(1).requests()).hasSize(1);
            gate.release();
        }
    }
}
