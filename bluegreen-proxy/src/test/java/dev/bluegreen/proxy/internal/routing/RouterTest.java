package dev.bluegreen.proxy.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.PreviewRule;
import dev.bluegreen.proxy.StickySessions;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The routing decision without sockets: one snapshot and one request head in, a route out. */
class RouterTest {

    private static final Duration DRAIN = Duration.ofSeconds(30);

    private final FakeTicker ticker = new FakeTicker();
    private final BlueGreen admin = BlueGreen.builder()
            .blue("v1", Backend.of("127.0.0.1", 1))
            .green("v2", Backend.of("127.0.0.1", 2))
            .build();

    @AfterEach
    void closeAdmin() {
        admin.close();
    }

    private Router router(PreviewRule preview, StickySessions sticky, Duration safetyNet) {
        return new Router(new SteeringSettings(preview, null, sticky, safetyNet, ticker), DRAIN, admin.snapshot(),
                colour -> null);
    }

    private static HttpRequest request(String... nameValues) {
        HttpHeaders headers = new DefaultHttpHeaders();
        for (int i = 0; i < nameValues.length; i += 2) {
            headers.add(nameValues[i], nameValues[i + 1]);
        }
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/", headers);
    }

    private RoutingSnapshot switchTo(Router router, Colour colour) {
        RoutingSnapshot before = admin.snapshot();
        RoutingSnapshot after = admin.switchTo(colour);
        router.onChange(new Change(before, after));
        return after;
    }

    // ---- plain --------------------------------------------------------------------------------------------------

    @Test
    void nothingConfigured_routesToTheLiveColour_withoutAllocatingARoute() {
        Router router = router(null, null, null);

        Route route = router.route(request("X-Preview", "1"), admin.snapshot(), false);

        assertThat(route).isSameAs(Route.live(Colour.BLUE));
        assertThat(route.fallback()).isNull();
    }

    // ---- preview ------------------------------------------------------------------------------------------------

    @Test
    void previewHeader_routesToTheIdleColour_withoutFallback() {
        Router router = router(PreviewRule.header("X-Preview"), null, Duration.ofMinutes(1));
        switchTo(router, Colour.GREEN);
        HttpRequest request = request("X-Preview", "anything");

        Route route = router.route(request, admin.snapshot(), false);

        assertThat(route.colour()).isEqualTo(Colour.BLUE);
        assertThat(route.kind()).isEqualTo(Route.Kind.PREVIEW);
        assertThat(route.fallback()).as("preview never falls back, even in the safety net's window").isNull();
        assertThat(request.headers().get("X-Preview")).as("without a secret the header is passed on")
                .isEqualTo("anything");
    }

    @Test
    void previewSecret_matching_routesToTheIdleColour_andTheSecretIsRemoved() {
        Router router = router(PreviewRule.header("X-Preview").withSecret("s3cret"), null, null);
        HttpRequest request = request("X-Preview", "s3cret");

        Route route = router.route(request, admin.snapshot(), false);

        assertThat(route.colour()).isEqualTo(Colour.GREEN);
        assertThat(request.headers().contains("X-Preview")).isFalse();
    }

    @Test
    void previewSecret_mismatch_routesToTheLiveColour_andTheValueIsRemovedAnyway() {
        Router router = router(PreviewRule.header("X-Preview").withSecret("s3cret"), null, null);
        HttpRequest request = request("X-Preview", "guess");

        Route route = router.route(request, admin.snapshot(), false);

        assertThat(route).isSameAs(Route.live(Colour.BLUE));
        assertThat(request.headers().contains("X-Preview")).isFalse();
    }

    @Test
    void previewCookie_withSecret_routesToTheIdleColour_andOnlyThatCookieIsRemoved() {
        Router router = router(PreviewRule.cookie("preview").withSecret("s3cret"), null, null);
        HttpRequest request = request("Cookie", "a=1; preview=s3cret; b=2");

        Route route = router.route(request, admin.snapshot(), false);

        assertThat(route.kind()).isEqualTo(Route.Kind.PREVIEW);
        assertThat(route.colour()).isEqualTo(Colour.GREEN);
        assertThat(request.headers().get(HttpHeaderNames.COOKIE)).isEqualTo("a=1; b=2");
    }

    @Test
    void previewListener_routesEveryRequestToTheIdleColour() {
        Router router = router(null, null, null);

        Route route = router.route(request(), admin.snapshot(), true);

        assertThat(route.colour()).isEqualTo(Colour.GREEN);
        assertThat(route.kind()).isEqualTo(Route.Kind.PREVIEW);
    }

    // ---- safety net ---------------------------------------------------------------------------------------------

    @Test
    void safetyNet_givesLiveRequestsTheOldPool_onlyWithinTheWindowAfterASwitch() {
        Router router = router(null, null, Duration.ofSeconds(10));
        assertThat(router.route(request(), admin.snapshot(), false).fallback())
                .as("no switch since the start").isNull();

        switchTo(router, Colour.GREEN);
        ticker.advance(Duration.ofSeconds(9));
        Route within = router.route(request(), admin.snapshot(), false);
        ticker.advance(Duration.ofSeconds(1));
        Route after = router.route(request(), admin.snapshot(), false);

        assertThat(within.colour()).isEqualTo(Colour.GREEN);
        assertThat(within.fallback()).isEqualTo(admin.snapshot().blue());
        assertThat(within.safetyNet().colour()).isEqualTo(Colour.BLUE);
        assertThat(within.safetyNet().kind()).isEqualTo(Route.Kind.SAFETY_NET);
        assertThat(within.safetyNet().fallback()).as("one fallback, not a ping-pong").isNull();
        assertThat(after.fallback()).isNull();
    }

    @Test
    void safetyNetReaches_theOldColour_onlyWithinTheWindow_soItsDrainWaits() {
        Router router = router(null, null, Duration.ofSeconds(10));
        assertThat(router.safetyNetReaches(Colour.GREEN)).as("no switch since the start").isFalse();

        switchTo(router, Colour.GREEN);
        ticker.advance(Duration.ofSeconds(9));
        assertThat(router.safetyNetReaches(Colour.BLUE)).isTrue();
        assertThat(router.safetyNetReaches(Colour.GREEN)).as("the live colour").isFalse();
        ticker.advance(Duration.ofSeconds(1));

        assertThat(router.safetyNetReaches(Colour.BLUE)).isFalse();
        assertThat(router(null, null, null).safetyNetReaches(Colour.BLUE)).as("no safety net").isFalse();
    }

    @Test
    void safetyNet_coversASwitchTheListenerHasNotHeardOfYet() {
        Router router = router(null, null, Duration.ofSeconds(10));
        admin.switchTo(Colour.GREEN);

        Route route = router.route(request(), admin.snapshot(), false);

        assertThat(route.fallback()).isEqualTo(admin.snapshot().blue());
    }

    @Test
    void safetyNet_aRequestHoldingAnOlderSnapshot_doesNotRestartTheWindow() {
        Router router = router(null, null, Duration.ofSeconds(10));
        RoutingSnapshot stale = admin.snapshot();
        switchTo(router, Colour.GREEN);
        ticker.advance(Duration.ofSeconds(9));

        Route old = router.route(request(), stale, false);
        ticker.advance(Duration.ofSeconds(1));
        Route current = router.route(request(), admin.snapshot(), false);

        assertThat(old.colour()).isEqualTo(Colour.BLUE);
        assertThat(old.fallback()).as("blue is not the colour that just became live").isNull();
        assertThat(current.fallback()).as("the window still counts from the switch").isNull();
    }

    // ---- sticky sessions ----------------------------------------------------------------------------------------

    @Test
    void proxyCookie_newSession_getsACookie_andKeepsItsColourAcrossASwitchUntilTheDrainDeadline() {
        Router router = router(null, StickySessions.proxyCookie("bg").secureCookie(true), null);

        Route first = router.route(request(), admin.snapshot(), false);
        assertThat(first.colour()).isEqualTo(Colour.BLUE);
        assertThat(first.setCookie()).matches("bg=[A-Za-z0-9_-]{22}; Path=/; HttpOnly; SameSite=Lax; Secure");
        String cookie = first.setCookie().substring(0, first.setCookie().indexOf(';'));

        switchTo(router, Colour.GREEN);
        HttpRequest returning = request("Cookie", "app=1; " + cookie);
        Route pinned = router.route(returning, admin.snapshot(), false);
        Route newcomer = router.route(request(), admin.snapshot(), false);

        assertThat(pinned.colour()).isEqualTo(Colour.BLUE);
        assertThat(pinned.kind()).isEqualTo(Route.Kind.STICKY);
        assertThat(pinned.setCookie()).as("a known session gets no new cookie").isNull();
        assertThat(returning.headers().get(HttpHeaderNames.COOKIE)).as("the proxy's cookie stays with the proxy")
                .isEqualTo("app=1");
        assertThat(newcomer.colour()).isEqualTo(Colour.GREEN);

        ticker.advance(DRAIN);
        Route moved = router.route(request("Cookie", cookie), admin.snapshot(), false);

        assertThat(moved).as("at the drain deadline the session moves to the live colour")
                .isSameAs(Route.live(Colour.GREEN));
        assertThat(router.route(request("Cookie", cookie), admin.snapshot(), false).colour())
                .as("and is pinned there").isEqualTo(Colour.GREEN);
    }

    @Test
    void stickySession_startedOnASnapshotFromBeforeASwitchTheListenerHeardFirst_keepsItsColour() {
        Router router = router(null, StickySessions.fromHeader("X-Session"), null);
        RoutingSnapshot beforeTheSwitch = admin.snapshot();
        switchTo(router, Colour.GREEN);

        // The request read the snapshot just before the switch; the listener heard of the switch before it was pinned.
        Route first = router.route(request("X-Session", "s29"), beforeTheSwitch, false);
        Route second = router.route(request("X-Session", "s29"), admin.snapshot(), false);

        assertThat(first.colour()).isEqualTo(Colour.BLUE);
        assertThat(second.colour()).as("pinned before the switch its snapshot predates").isEqualTo(Colour.BLUE);
        assertThat(second.kind()).isEqualTo(Route.Kind.STICKY);
    }

    @Test
    void stickySession_idleForTheTtl_isForgotten_andGoesToTheLiveColour() {
        Router router = router(null, StickySessions.fromHeader("X-Session").idleTtl(Duration.ofSeconds(5)), null);
        router.route(request("X-Session", "alice"), admin.snapshot(), false);
        router.route(request("X-Session", "bob"), admin.snapshot(), false);
        switchTo(router, Colour.GREEN);

        ticker.advance(Duration.ofSeconds(4));
        Route alice = router.route(request("X-Session", "alice"), admin.snapshot(), false);
        ticker.advance(Duration.ofSeconds(2));
        Route bob = router.route(request("X-Session", "bob"), admin.snapshot(), false);
        Route aliceAgain = router.route(request("X-Session", "alice"), admin.snapshot(), false);

        assertThat(alice.colour()).as("used 4 s ago").isEqualTo(Colour.BLUE);
        assertThat(bob.colour()).as("idle for 6 s, TTL 5 s").isEqualTo(Colour.GREEN);
        assertThat(aliceAgain.colour()).as("used 2 s ago").isEqualTo(Colour.BLUE);
    }

    @Test
    void stickySession_pinnedToAVersionRedeployedSince_goesToTheLiveColour() {
        Router router = router(null, StickySessions.fromCookie("JSESSIONID"), null);
        router.route(request("Cookie", "JSESSIONID=abc"), admin.snapshot(), false);
        switchTo(router, Colour.GREEN);
        admin.deploy(Colour.BLUE, "v3", List.of(Backend.of("127.0.0.1", 3)));

        Route route = router.route(request("Cookie", "JSESSIONID=abc"), admin.snapshot(), false);

        assertThat(route.colour()).as("blue no longer runs the v1 the session started on").isEqualTo(Colour.GREEN);
    }

    @Test
    void fromCookie_aSessionTheBackendStarts_isPinnedToTheColourThatSetItsCookie() {
        Router router = router(PreviewRule.header("X-Preview"), StickySessions.fromCookie("JSESSIONID"), null);
        admin.shift(Colour.GREEN, 100);
        Route first = router.route(request(), admin.snapshot(), false);
        assertThat(first.colour()).isEqualTo(Colour.GREEN);

        router.responded(first, admin.snapshot().green(), admin.snapshot().generation(), new DefaultHttpHeaders()
                .add(HttpHeaderNames.SET_COOKIE, "JSESSIONID=started-on-green; Path=/; HttpOnly"));
        router.responded(Route.of(Colour.GREEN, Route.Kind.PREVIEW), admin.snapshot().green(),
                admin.snapshot().generation(),
                new DefaultHttpHeaders().add(HttpHeaderNames.SET_COOKIE, "JSESSIONID=tester; Path=/"));
        admin.shift(Colour.GREEN, 1);

        assertThat(router.sessions().pinned("started-on-green").pool()).isEqualTo(admin.snapshot().green());
        assertThat(router.route(request("Cookie", "JSESSIONID=started-on-green"), admin.snapshot(), false)
                .colour()).as("at 1 %% a fresh draw would almost surely be blue").isEqualTo(Colour.GREEN);
        assertThat(router.sessions().pinned("tester")).as("preview traffic pins nothing").isNull();
    }

    @Test
    void fromCookie_aSessionStartedBeforeASwitch_answeredAfterIt_keepsTheColourThatSetItsCookie() {
        Router router = router(null, StickySessions.fromCookie("JSESSIONID"), null);
        RoutingSnapshot routedOn = admin.snapshot();
        Route first = router.route(request(), routedOn, false);
        switchTo(router, Colour.GREEN);

        router.responded(first, routedOn.blue(), routedOn.generation(), new DefaultHttpHeaders()
                .add(HttpHeaderNames.SET_COOKIE, "JSESSIONID=started-on-blue; Path=/"));
        Route next = router.route(request("Cookie", "JSESSIONID=started-on-blue"), admin.snapshot(), false);

        assertThat(next.colour()).as("blue set the cookie before the switch; its drain deadline is ahead")
                .isEqualTo(Colour.BLUE);
    }

    @Test
    void stickySession_withoutAName_isRoutedOnItsOwn() {
        Router router = router(null, StickySessions.fromCookie("JSESSIONID"), null);

        Route route = router.route(request("Cookie", "other=1"), admin.snapshot(), false);

        assertThat(route).isSameAs(Route.live(Colour.BLUE));
        assertThat(router.sessions().estimatedSize()).isZero();
    }

    @Test
    void proxyCookie_withAForgedValue_isReplacedByANewSession() {
        Router router = router(null, StickySessions.proxyCookie("bg"), null);

        Route route = router.route(request("Cookie", "bg=not-an-id"), admin.snapshot(), false);

        assertThat(route.setCookie()).startsWith("bg=").doesNotContain("not-an-id");
    }

    @Test
    void keepsNonLive_keepsTheOldColourWhileStickySessionsMayUseIt() {
        Router router = router(null, StickySessions.proxyCookie("bg"), null);
        Router plain = router(null, null, null);
        switchTo(router, Colour.GREEN);
        plain.onChange(admin.history().get(admin.history().size() - 1));

        assertThat(router.keepsNonLive(admin.snapshot(), Colour.BLUE)).isTrue();
        assertThat(plain.keepsNonLive(admin.snapshot(), Colour.BLUE)).isFalse();
        ticker.advance(DRAIN);
        assertThat(router.keepsNonLive(admin.snapshot(), Colour.BLUE)).isFalse();
    }

    // ---- gradual shift ------------------------------------------------------------------------------------------

    @Test
    void shift_sendsItsShareOfRequestsToTheIdleColour_withinABinomialBand() {
        Router router = router(null, null, Duration.ofMinutes(1));
        admin.shift(Colour.GREEN, 20);
        int requests = 10_000;
        int green = 0;

        for (int i = 0; i < requests; i++) {
            Route route = router.route(request(), admin.snapshot(), false);
            if (route.colour() == Colour.GREEN) {
                green++;
                assertThat(route.kind()).isEqualTo(Route.Kind.SHIFT);
                assertThat(route.fallback()).as("shifted requests never fall back").isNull();
            }
        }

        // Binomial(10000, 0.2): mean 2000, standard deviation 40; 5 sigma either side.
        assertThat(green).isBetween(1_800, 2_200);
    }

    @Test
    void shiftRolledBackSoonAfterASwitch_doesNotKeepItsSessionsOnTheIdleColour() {
        Router router = router(null, StickySessions.fromHeader("X-Session"), null);
        router.route(request("X-Session", "old"), admin.snapshot(), false);
        switchTo(router, Colour.GREEN);
        admin.shift(Colour.BLUE, 100);
        assertThat(router.route(request("X-Session", "shifted"), admin.snapshot(), false).colour())
                .isEqualTo(Colour.BLUE);

        admin.rollback();

        assertThat(router.route(request("X-Session", "shifted"), admin.snapshot(), false).colour())
                .as("pinned to blue by the shift, after the switch: back to the live colour").isEqualTo(Colour.GREEN);
        assertThat(router.route(request("X-Session", "old"), admin.snapshot(), false).kind())
                .as("pinned to blue before the switch: stays until the drain deadline").isEqualTo(Route.Kind.STICKY);
    }

    @Test
    void shiftBackToTheOldColour_afterItsDrainDeadline_drawsForSessionsPinnedThereBeforeTheSwitch() {
        Router router = router(null, StickySessions.fromHeader("X-Session"), null);
        int sessions = 500;
        for (int i = 0; i < sessions; i++) {
            assertThat(router.route(request("X-Session", "s" + i), admin.snapshot(), false).colour())
                    .isEqualTo(Colour.BLUE);
        }
        switchTo(router, Colour.GREEN);
        // The sessions make no request until their old colour's drain deadline has passed: their pins are stale.
        ticker.advance(DRAIN);
        admin.shift(Colour.BLUE, 1);

        int blue = 0;
        for (int i = 0; i < sessions; i++) {
            blue += router.route(request("X-Session", "s" + i), admin.snapshot(), false).colour() == Colour.BLUE
                    ? 1 : 0;
        }

        // Binomial(500, 0.01): mean 5, standard deviation 2.2; 5 sigma above. A stale pin must not win the draw.
        assertThat(blue).as("sessions sent to blue by a 1 %% shift").isLessThanOrEqualTo(16);
    }

    @Test
    void shift_zeroAndHundred_areExact() {
        Router router = router(null, null, null);
        admin.shift(Colour.GREEN, 100);
        for (int i = 0; i < 1_000; i++) {
            assertThat(router.route(request(), admin.snapshot(), false).colour()).isEqualTo(Colour.GREEN);
        }
        admin.shift(Colour.GREEN, 0);
        for (int i = 0; i < 1_000; i++) {
            assertThat(router.route(request(), admin.snapshot(), false)).isSameAs(Route.live(Colour.BLUE));
        }
    }

    @Test
    void shift_withStickySessions_drawsPerSession_promoteKeepsThePins_rollbackBringsThemBack() {
        Router router = router(null, StickySessions.fromHeader("X-Session"), null);
        admin.shift(Colour.GREEN, 30);
        int sessions = 2_000;
        Colour[] first = new Colour[sessions];
        int green = 0;
        for (int i = 0; i < sessions; i++) {
            first[i] = router.route(request("X-Session", "s" + i), admin.snapshot(), false).colour();
            green += first[i] == Colour.GREEN ? 1 : 0;
        }
        for (int i = 0; i < sessions; i++) {
            assertThat(router.route(request("X-Session", "s" + i), admin.snapshot(), false).colour())
                    .as("session %d stays where it started", i).isEqualTo(first[i]);
        }
        // Binomial(2000, 0.3): mean 600, standard deviation 20.5; 5 sigma either side.
        assertThat(green).isBetween(497, 703);

        RoutingSnapshot before = admin.snapshot();
        router.onChange(new Change(before, admin.promote()));
        for (int i = 0; i < sessions; i++) {
            Route route = router.route(request("X-Session", "s" + i), admin.snapshot(), false);
            assertThat(route.colour()).as("after promote, session %d keeps its colour", i).isEqualTo(first[i]);
            assertThat(route.kind()).isEqualTo(first[i] == Colour.GREEN ? Route.Kind.LIVE : Route.Kind.STICKY);
        }
        assertThat(router.route(request("X-Session", "new"), admin.snapshot(), false).colour())
                .isEqualTo(Colour.GREEN);
    }

    @Test
    void shiftRolledBack_sendsSessionsPinnedToTheIdleColourBackToTheLiveOne() {
        Router router = router(null, StickySessions.fromHeader("X-Session"), null);
        admin.shift(Colour.GREEN, 100);
        assertThat(router.route(request("X-Session", "s"), admin.snapshot(), false).colour())
                .isEqualTo(Colour.GREEN);

        admin.rollback();

        assertThat(admin.snapshot().shiftPercent()).isZero();
        assertThat(router.route(request("X-Session", "s"), admin.snapshot(), false))
                .isSameAs(Route.live(Colour.BLUE));
    }
}
