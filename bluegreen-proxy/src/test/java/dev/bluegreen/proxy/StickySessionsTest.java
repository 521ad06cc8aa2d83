package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.routing.FakeTicker;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Sticky sessions on real sockets, with a fake clock for the idle TTL and the drain deadline. */
class StickySessionsTest {

    private static final Duration DRAIN = Duration.ofMinutes(5);

    private final FakeTicker ticker = new FakeTicker();

    private ProxyFixture start(StickySessions sessions) {
        return ProxyFixture.start(b -> b
                .stickySessions(sessions)
                .drainTimeout(DRAIN)
                .routingHeader("X-BlueGreen")
                .steeringTicker(ticker));
    }

    private static RawResponse get(int port, String cookie) {
        try (RawHttpClient client = RawHttpClient.connect(port)) {
            return client.request("GET", "/", cookie == null ? Map.of() : Map.of("Cookie", cookie)).readResponse();
        }
    }

    @Test
    void proxyCookie_keepsASessionOnItsColourAfterASwitch_newSessionsGoToTheNewColour() {
        try (ProxyFixture fixture = start(StickySessions.proxyCookie("bg"))) {
            RawResponse first = get(fixture.port(), null);
            String setCookie = first.header("Set-Cookie");
            assertThat(setCookie).matches("bg=[A-Za-z0-9_-]{22}; Path=/; HttpOnly; SameSite=Lax");
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));

            fixture.admin.switchTo(Colour.GREEN);
            RawResponse returning = get(fixture.port(), cookie + "; app=1");
            RawResponse newcomer = get(fixture.port(), null);

            assertThat(first.header("X-Backend")).isEqualTo("blue-1");
            assertThat(returning.header("X-Backend")).isEqualTo("blue-1");
            assertThat(returning.header("X-BlueGreen")).isEqualTo("blue; generation=1; via=sticky");
            assertThat(returning.header("Set-Cookie")).isNull();
            assertThat(newcomer.header("X-Backend")).isEqualTo("green-1");
            assertThat(newcomer.header("Set-Cookie")).startsWith("bg=");
            assertThat(fixture.blue().requests()).allSatisfy(seen ->
                    assertThat(String.join(";", seen.headers("Cookie"))).doesNotContain("bg="));
            assertThat(fixture.blue().requests().get(1).headers("Cookie")).containsExactly("app=1");
        }
    }

    @Test
    void stickySession_movesToTheNewColourAtTheDrainDeadline() {
        try (ProxyFixture fixture = start(StickySessions.fromCookie("JSESSIONID"))) {
            assertThat(get(fixture.port(), "JSESSIONID=abc").header("X-Backend")).isEqualTo("blue-1");
            fixture.admin.switchTo(Colour.GREEN);
            assertThat(get(fixture.port(), "JSESSIONID=abc").header("X-Backend")).isEqualTo("blue-1");

            ticker.advance(DRAIN);

            assertThat(get(fixture.port(), "JSESSIONID=abc").header("X-Backend")).isEqualTo("green-1");
            assertThat(fixture.blue().requests()).allSatisfy(seen ->
                    assertThat(seen.headers("Cookie")).as("an application's cookie is passed on")
                            .containsExactly("JSESSIONID=abc"));
        }
    }

    @Test
    void stickySession_onAColourWhoseDrainHasEnded_goesToTheLiveColour_andTheOldOneAcceptsNoConnection()
            throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b
                .stickySessions(StickySessions.fromCookie("JSESSIONID"))
                .drainTimeout(DRAIN)
                .upstreamIdleTimeout(Duration.ofMillis(100))
                .steeringTicker(ticker))) {
            assertThat(get(fixture.port(), "JSESSIONID=abc").header("X-Backend")).isEqualTo("blue-1");
            fixture.admin.switchTo(Colour.GREEN);
            // Blue's idle connection times out; with nothing else under way, its drain ends.
            DrainReport report = fixture.proxy.drain(Colour.BLUE).orElseThrow().completion()
                    .get(10, TimeUnit.SECONDS);
            assertThat(report.outcome()).isEqualTo(DrainReport.Outcome.DRAINED);
            int accepted = fixture.blue().connectionsAccepted();

            RawResponse returning = get(fixture.port(), "JSESSIONID=abc");

            assertThat(returning.header("X-Backend")).isEqualTo("green-1");
            assertThat(fixture.blue().connectionsAccepted()).isEqualTo(accepted);
        }
    }

    @Test
    void stickySession_idleForTheTtl_goesToTheNewColour() {
        try (ProxyFixture fixture = start(StickySessions.fromCookie("JSESSIONID").idleTtl(Duration.ofMinutes(1)))) {
            get(fixture.port(), "JSESSIONID=idle");
            get(fixture.port(), "JSESSIONID=busy");
            fixture.admin.switchTo(Colour.GREEN);

            ticker.advance(Duration.ofSeconds(40));
            RawResponse busy = get(fixture.port(), "JSESSIONID=busy");
            ticker.advance(Duration.ofSeconds(40));
            RawResponse idle = get(fixture.port(), "JSESSIONID=idle");
            RawResponse busyAgain = get(fixture.port(), "JSESSIONID=busy");

            assertThat(busy.header("X-Backend")).isEqualTo("blue-1");
            assertThat(idle.header("X-Backend")).as("idle for 80 s, TTL 60 s").isEqualTo("green-1");
            assertThat(busyAgain.header("X-Backend")).as("last seen 40 s ago").isEqualTo("blue-1");
        }
    }

    @Test
    void stickySessionsOnTheOldColour_reuseItsWarmConnections() {
        try (ProxyFixture fixture = start(StickySessions.fromHeader("X-Session"))) {
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                client.request("GET", "/", Map.of("X-Session", "s")).readResponse();
                fixture.admin.switchTo(Colour.GREEN);
                for (int i = 0; i < 5; i++) {
                    RawResponse response = client.request("GET", "/", Map.of("X-Session", "s")).readResponse();
                    assertThat(response.header("X-Backend")).isEqualTo("blue-1");
                }
            }

            assertThat(fixture.blue().connectionsAccepted())
                    .as("the old colour's pool is kept for the sessions still on it").isEqualTo(1);
            assertThat(fixture.proxy.drain(Colour.BLUE)).hasValueSatisfying(drain ->
                    assertThat(drain.isDone()).as("blue still serves sessions: its drain goes on").isFalse());
        }
    }
}
