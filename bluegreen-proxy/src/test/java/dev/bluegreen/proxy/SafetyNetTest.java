package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.metrics.FailureLog;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import dev.bluegreen.proxy.internal.routing.FakeTicker;
import dev.bluegreen.testing.Behaviour;
import dev.bluegreen.testing.CapturedLog;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The safety net on real sockets: a request the new colour refuses goes to the old one, only when it is safe. */
class SafetyNetTest {

    private static final Duration WINDOW = Duration.ofSeconds(30);

    private final FakeTicker ticker = new FakeTicker();
    private final AtomicInteger greenFailures = new AtomicInteger();
    private final AtomicInteger blueFailures = new AtomicInteger();
    private final ProxyRecorder recorder = new ProxyRecorder() {
        @Override
        public void safetyNetUsed(Colour failedColour) {
            (failedColour == Colour.GREEN ? greenFailures : blueFailures).incrementAndGet();
        }
    };

    private ProxyFixture start(boolean safetyNet) {
        ProxyFixture fixture = ProxyFixture.start(b -> b
                .safetyNet(safetyNet ? WINDOW : null)
                .routingHeader("X-BlueGreen")
                .steeringTicker(ticker));
        fixture.proxy.addRecorder(recorder);
        return fixture;
    }

    private static RawResponse get(int port) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            return client.get("/");
        }
    }

    @Test
    void newColourRefusingConnections_withinTheWindow_requestIsServedByTheOldColour_andCounted() {
        try (ProxyFixture fixture = start(true)) {
            fixture.green().close();
            fixture.admin.switchTo(Colour.GREEN);

            RawResponse response = get(fixture.port());
            RawResponse upload;
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                upload = client.request("POST", "/upload", Map.of("Content-Length", "100000"))
                        .sendPattern(100_000).readResponse();
            }

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Backend")).isEqualTo("blue-1");
            assertThat(response.header("X-BlueGreen")).isEqualTo("blue; generation=1; via=safety-net");
            assertThat(upload.status()).isEqualTo(200);
            assertThat(upload.header("X-Received-Bytes")).as("the body follows the request to the old colour")
                    .isEqualTo("100000");
            assertThat(greenFailures).hasValue(2);
            assertThat(blueFailures).hasValue(0);
            // An exchange is counted ended after its last bytes are written: the client may read them first.
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(fixture.proxy.activeExchanges(Colour.GREEN)).isZero();
                assertThat(fixture.proxy.activeExchanges(Colour.BLUE)).isZero();
                assertThat(fixture.proxy.exchangesEnded(Colour.BLUE)).isEqualTo(2);
            });
            assertThat(fixture.proxy.exchangesEnded(Colour.GREEN)).isZero();
        }
    }

    @Test
    void theOldColoursDrain_staysOpenWhileTheSafetyNetMaySendItRequests() throws Exception {
        try (ProxyFixture fixture = start(true)) {
            fixture.green().close();
            fixture.admin.switchTo(Colour.GREEN);
            Drain blue = fixture.proxy.drain(Colour.BLUE).orElseThrow();

            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !blue.isDone());
            assertThat(get(fixture.port()).header("X-Backend")).isEqualTo("blue-1");

            ticker.advance(WINDOW);

            assertThat(blue.completion().get(5, TimeUnit.SECONDS).outcome()).isEqualTo(DrainReport.Outcome.DRAINED);
        }
    }

    @Test
    void aWindowOutlastingTheDrain_reroutesNothingOnceTheDrainHasEnded() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b
                .safetyNet(WINDOW)
                .drainTimeout(Duration.ofMillis(200))
                .steeringTicker(ticker))) {
            fixture.proxy.addRecorder(recorder);
            fixture.green().close();
            fixture.admin.switchTo(Colour.GREEN);
            fixture.proxy.drain(Colour.BLUE).orElseThrow().completion().get(5, TimeUnit.SECONDS);
            int accepted = fixture.blue().connectionsAccepted();

            RawResponse response = get(fixture.port());

            assertThat(response.status()).isEqualTo(502);
            assertThat(fixture.blue().connectionsAccepted()).as("blue's drain has ended").isEqualTo(accepted);
            assertThat(greenFailures).hasValue(0);
        }
    }

    @Test
    void theSafetyNetsWarning_saysWhyTheNewColourTookNoRequest() {
        try (CapturedLog logged = CapturedLog.of(FailureLog.class);
             ProxyFixture fixture = start(true)) {
            fixture.green().close();
            fixture.admin.switchTo(Colour.GREEN);

            assertThat(get(fixture.port()).status()).isEqualTo(200);

            assertThat(logged.warnings()).filteredOn(line -> line.contains("safety net")).singleElement().asString()
                    .contains("no backend of the green pool accepted a connection for GET /")
                    .containsPattern("\\(1 tried; last: .*127\\.0\\.0\\.1:\\d+.*: .*(?i)refused.*\\)")
                    .endsWith("; sending it to blue");
        }
    }

    @Test
    void newColourRefusingConnections_afterTheWindow_gets502() {
        try (ProxyFixture fixture = start(true)) {
            fixture.green().close();
            fixture.admin.switchTo(Colour.GREEN);
            ticker.advance(WINDOW);

            RawResponse response = get(fixture.port());

            assertThat(response.status()).isEqualTo(502);
            assertThat(fixture.blue().requestCount()).isZero();
            assertThat(greenFailures).hasValue(0);
        }
    }

    @Test
    void newColourClosingAfterTheRequestWasSent_gets502_notARetryOnTheOldColour() {
        try (ProxyFixture fixture = start(true)) {
            fixture.green().behave(Behaviour.closeOnRequest());
            fixture.admin.switchTo(Colour.GREEN);

            RawResponse response = get(fixture.port());

            assertThat(response.status()).isEqualTo(502);
            assertThat(fixture.green().requestCount()).as("the request reached green").isEqualTo(1);
            assertThat(fixture.blue().requestCount()).isZero();
            assertThat(greenFailures).hasValue(0);
        }
    }

    @Test
    void withoutTheSafetyNet_newColourRefusingConnections_gets502() {
        try (ProxyFixture fixture = start(false)) {
            fixture.green().close();
            fixture.admin.switchTo(Colour.GREEN);

            RawResponse response = get(fixture.port());

            assertThat(response.status()).isEqualTo(502);
            assertThat(fixture.blue().requestCount()).isZero();
            assertThat(greenFailures).hasValue(0);
        }
    }

    @Test
    void oldColourDownToo_gets502_afterOneFallback() {
        try (ProxyFixture fixture = start(true)) {
            fixture.green().close();
            fixture.admin.switchTo(Colour.GREEN);
            fixture.blue().close();

            RawResponse response = get(fixture.port());

            assertThat(response.status()).isEqualTo(502);
            assertThat(response.bodyText()).contains("blue");
            assertThat(greenFailures).hasValue(1);
        }
    }
}
