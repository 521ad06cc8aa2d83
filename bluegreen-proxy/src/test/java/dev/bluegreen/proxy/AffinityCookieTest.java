package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.SeenRequest;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link LoadBalancing#affinityCookie} on real sockets: the first answer sets a cookie naming its backend, requests
 * carrying it go back there (the cookie kept from the backend), and a cookie naming a backend that cannot serve, or
 * nothing known, is answered by another backend and replaced.
 */
class AffinityCookieTest {

    private static final String COOKIE = "bg-backend";

    private static RawResponse get(ProxyFixture fixture, Map<String, String> headers) {
        try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            RawResponse response = client.request("GET", "/page", headers).readResponse();
            assertThat(response.status()).isEqualTo(200);
            return response;
        }
    }

    private static String backendOf(RawResponse response) {
        return response.header(TestBackend.X_BACKEND.toString());
    }

    /** The {@code name=value} part of the affinity cookie a response sets, or {@code null}. */
    private static String cookieSet(RawResponse response) {
        for (String setCookie : response.headers("Set-Cookie")) {
            if (setCookie.startsWith(COOKIE + "=")) {
                return setCookie.substring(0, setCookie.indexOf(';'));
            }
        }
        return null;
    }

    private static ProxyFixture start() {
        return ProxyFixture.start(3, 1, b -> b.loadBalancing(LoadBalancing.affinityCookie(COOKIE)));
    }

    @Test
    void theFirstAnswer_setsTheCookie_andRequestsCarryingIt_goBackToThatBackend_withoutIt() {
        try (ProxyFixture fixture = start()) {
            RawResponse first = get(fixture, Map.of());
            String cookie = cookieSet(first);

            assertThat(first.headers("Set-Cookie")).singleElement().asString()
                    .matches(COOKIE + "=[0-9a-f]{16}; Path=/; HttpOnly; SameSite=Lax");
            Set<String> servedBy = new HashSet<>();
            for (int i = 0; i < 9; i++) {
                RawResponse again = get(fixture, Map.of("Cookie", "theme=dark; " + cookie));
                servedBy.add(backendOf(again));
                assertThat(again.headers("Set-Cookie")).as("named already: not set again").isEmpty();
            }
            assertThat(servedBy).containsExactly(backendOf(first));
            TestBackend backend = fixture.blue.stream().filter(b -> b.name().equals(backendOf(first)))
                    .findFirst().orElseThrow();
            List<SeenRequest> seen = backend.requests();
            assertThat(seen).hasSize(10);
            assertThat(seen.get(9).header("Cookie")).as("the proxy's cookie is not the backend's").isEqualTo(
                    "theme=dark");
        }
    }

    @Test
    void http2Streams_carryingTheCookie_goToItsBackend() {
        try (ProxyFixture fixture = start(); H2Client client = H2Client.cleartext(fixture.port())) {
            RawResponse first = get(fixture, Map.of());

            for (int i = 0; i < 3; i++) {
                H2Client.Response response = H2Client.await(client.get("/h2", Map.of("cookie", cookieSet(first))));
                assertThat(response.header(TestBackend.X_BACKEND.toString())).isEqualTo(backendOf(first));
                assertThat(response.headers().contains("set-cookie")).isFalse();
            }
        }
    }

    @Test
    void overLeastRequests_theCookieKeepsAClientOnItsBackend_andEveryBackendIsCounted() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(3, 1, b -> b.loadBalancing(
                LoadBalancing.LEAST_REQUESTS.withAffinityCookie(COOKIE)))) {
            RawResponse first = get(fixture, Map.of());
            String cookie = cookieSet(first);
            for (int i = 0; i < 5; i++) {
                assertThat(backendOf(get(fixture, Map.of("Cookie", cookie)))).isEqualTo(backendOf(first));
            }
            TestBackend its = fixture.blue.stream().filter(b -> b.name().equals(backendOf(first))).findFirst()
                    .orElseThrow();
            Gate gate = its.hold();
            CompletableFuture<RawResponse> held = CompletableFuture.supplyAsync(() -> get(fixture,
                    Map.of("Cookie", cookie)));
            gate.awaitArrived(1, Duration.ofSeconds(10));

            // Counted as least requests counts, where round robin counts a backend without a limit not at all.
            assertThat(fixture.proxy.requestsUnderWay(Backend.of("127.0.0.1", its.port()))).isOne();
            assertThat(fixture.proxy.loadBalancing().label()).isEqualTo("least-requests,affinity-cookie:" + COOKIE);
            gate.release();
            assertThat(held.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
    }

    @Test
    void clientsWithoutTheCookie_spreadRoundRobin_eachGettingItsBackendsCookie() {
        try (ProxyFixture fixture = start(); RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            Set<String> cookies = new HashSet<>();
            Set<String> backends = new HashSet<>();
            // One connection, one loop's round robin: three requests without the cookie, three backends.
            for (int i = 0; i < 3; i++) {
                RawResponse response = client.request("GET", "/" + i, Map.of()).readResponse();
                cookies.add(cookieSet(response));
                backends.add(backendOf(response));
            }

            assertThat(backends).hasSize(3);
            assertThat(cookies).hasSize(3).doesNotContainNull();
        }
    }

    @Test
    void aCookieNamingABackendThatIsGone_orNothingKnown_isAnsweredElsewhere_andReplaced() {
        try (ProxyFixture fixture = start()) {
            RawResponse first = get(fixture, Map.of());
            String cookie = cookieSet(first);
            fixture.blue.stream().filter(b -> b.name().equals(backendOf(first))).findFirst().orElseThrow().close();

            RawResponse moved = get(fixture, Map.of("Cookie", cookie));
            assertThat(backendOf(moved)).isNotEqualTo(backendOf(first));
            String replaced = cookieSet(moved);
            assertThat(replaced).isNotNull().isNotEqualTo(cookie);
            assertThat(backendOf(get(fixture, Map.of("Cookie", replaced)))).isEqualTo(backendOf(moved));

            for (String bogus : new String[] {COOKIE + "=0123456789abcdef", COOKIE + "=not-a-token", COOKIE + "="}) {
                RawResponse answered = get(fixture, Map.of("Cookie", bogus));
                assertThat(cookieSet(answered)).as(bogus).isNotNull().isNotEqualTo(bogus);
            }
        }
    }
}
