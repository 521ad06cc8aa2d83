package dev.bluegreen.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.proxy.internal.routing.AffinityCookie;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link LoadBalancing#affinityCookie} on answers other than a plain {@code 200}: a WebSocket's {@code 101} (which
 * carries the routing header and a sticky session's cookie too), an interim {@code 100} before the final answer, a
 * backend's own {@code Set-Cookie} fields (one of the affinity cookie's name removed); and the cookie's value forms.
 */
class AffinityCookieEdgesTest {

    private static final String COOKIE = "bg-backend";
    private static final long WAIT_SECONDS = 20;

    private static String token(TestBackend backend) {
        return HexFormat.of().toHexDigits(AffinityCookie.token(Backend.of("127.0.0.1", backend.port())));
    }

    /** The {@code name=value} part of the affinity cookie a response sets, or {@code null}. */
    private static String cookieSet(Iterable<String> setCookies) {
        for (String setCookie : setCookies) {
            if (setCookie.startsWith(COOKIE + "=")) {
                return setCookie.substring(0, setCookie.indexOf(';'));
            }
        }
        return null;
    }

    private static ProxyFixture fixture() {
        return ProxyFixture.start(3, 1, b -> b.loadBalancing(LoadBalancing.affinityCookie(COOKIE)));
    }

    private static BlueGreenProxy start(BlueGreen admin) {
        BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1)
                .loadBalancing(LoadBalancing.affinityCookie(COOKIE)).build();
        proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
        return proxy;
    }

    @Test
    void aWebSocketsSwitchingProtocols_setsTheCookie_asAnyAnswerOfTheBackendDoes() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            scripted(server, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
            Backend backend = Backend.of("127.0.0.1", server.getLocalPort());
            try (BlueGreen admin = BlueGreen.builder().blue("v1", backend).build()) {
                BlueGreenProxy proxy = start(admin);
                try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                    client.send("GET /ws HTTP/1.1\r\nHost: shop.example\r\nConnection: Upgrade\r\n"
                            + "Upgrade: websocket\r\n\r\n");

                    RawResponse switching = client.readResponse();
                    assertThat(switching.status()).isEqualTo(101);
                    assertThat(cookieSet(switching.headers("Set-Cookie"))).as("a WebSocket client's first answer")
                            .isEqualTo(COOKIE + "=" + HexFormat.of().toHexDigits(AffinityCookie.token(backend)));
                } finally {
                    proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
                }
            }
        }
    }

    @Test
    void aWebSocketsSwitchingProtocols_carriesTheRoutingHeaderAndANewStickySessionsCookie() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            scripted(server, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n");
            try (BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", server.getLocalPort()))
                    .build()) {
                BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1)
                        .routingHeader("X-Routed").stickySessions(StickySessions.proxyCookie("bg-session")).build();
                proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
                try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                    client.send("GET /ws HTTP/1.1\r\nHost: shop.example\r\nConnection: Upgrade\r\n"
                            + "Upgrade: websocket\r\n\r\n");

                    RawResponse switching = client.readResponse();
                    assertThat(switching.status()).isEqualTo(101);
                    assertThat(switching.header("X-Routed")).isEqualTo("blue; generation="
                            + admin.snapshot().generation());
                    assertThat(switching.headers("Set-Cookie")).singleElement().asString()
                            .startsWith("bg-session=").endsWith("; Path=/; HttpOnly; SameSite=Lax");
                } finally {
                    proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
                }
            }
        }
    }

    @Test
    void anInterimAnswer_carriesNoCookie_theFinalOneDoes_besideTheBackendsOwn() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            scripted(server, "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nSet-Cookie: a=1; Path=/\r\n"
                    + "Set-Cookie: b=2\r\nContent-Length: 2\r\n\r\nok");
            try (BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", server.getLocalPort()))
                    .build()) {
                BlueGreenProxy proxy = start(admin);
                try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                    client.send("GET /page HTTP/1.1\r\nHost: shop.example\r\n\r\n");

                    RawResponse interim = client.readResponse();
                    assertThat(interim.status()).isEqualTo(100);
                    assertThat(interim.headers("Set-Cookie")).isEmpty();
                    RawResponse answer = client.readResponse();
                    assertThat(answer.status()).isEqualTo(200);
                    assertThat(answer.headers("Set-Cookie")).hasSize(3).contains("a=1; Path=/", "b=2");
                    assertThat(cookieSet(answer.headers("Set-Cookie"))).isNotNull();
                } finally {
                    proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
                }
            }
        }
    }

    @Test
    void aCookieOfTheSameNameTheBackendSets_isRemoved_itsOtherCookiesStay() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Connection: close, as the scripted backend answers one request per connection.
            scripted(server, "HTTP/1.1 200 OK\r\nConnection: close\r\nSet-Cookie: a=1\r\nSet-Cookie: " + COOKIE
                    + "=app\r\nContent-Length: 2\r\n\r\nok");
            Backend backend = Backend.of("127.0.0.1", server.getLocalPort());
            try (BlueGreen admin = BlueGreen.builder().blue("v1", backend).build()) {
                BlueGreenProxy proxy = start(admin);
                String ours = COOKIE + "=" + HexFormat.of().toHexDigits(AffinityCookie.token(backend));
                try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                    client.send("GET /first HTTP/1.1\r\nHost: shop.example\r\n\r\n");
                    RawResponse first = client.readResponse();
                    assertThat(first.headers("Set-Cookie")).hasSize(2).contains("a=1");
                    assertThat(cookieSet(first.headers("Set-Cookie"))).isEqualTo(ours);

                    client.send("GET /again HTTP/1.1\r\nHost: shop.example\r\nCookie: " + ours + "\r\n\r\n");
                    RawResponse again = client.readResponse();
                    assertThat(again.headers("Set-Cookie")).as("the backend's would overwrite the client's token")
                            .containsExactly("a=1");
                } finally {
                    proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
                }
            }
        }
    }

    @Test
    void http2CookieCrumbs_theAffinityOneIsReadAndRemoved_theOthersReachTheBackend() {
        try (ProxyFixture fixture = fixture();
             H2Client client = H2Client.cleartext(fixture.port())) {
            TestBackend third = fixture.blue.get(2);
            for (int i = 0; i < 3; i++) {
                // The client's codec sends each crumb as a cookie field of its own (RFC 9113 §8.2.3).
                H2Client.Response response = H2Client.await(client.get("/h2",
                        Map.of("cookie", "a=1; " + COOKIE + "=" + token(third) + "; b=2")));
                assertThat(response.header(TestBackend.X_BACKEND.toString())).isEqualTo(third.name());
                assertThat(response.headers().contains("set-cookie")).isFalse();
            }
            assertThat(third.requests().get(2).header("Cookie")).isEqualTo("a=1; b=2");
        }
    }

    @Test
    void overTls_theCookieIsSecure() {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1, b -> b.tls(TlsFixtures.proxyTls())
                .loadBalancing(LoadBalancing.affinityCookie(COOKIE)));
             H2Client client = H2Client.tls(fixture.port(), TlsFixtures.clientContext("h2"))) {
            H2Client.Response response = H2Client.await(client.get("/tls"));

            assertThat(response.headers().getAll("set-cookie")).singleElement().asString()
                    .matches(COOKIE + "=[0-9a-f]{16}; Path=/; HttpOnly; SameSite=Lax; Secure");
        }
    }

    @Test
    void aSecureAffinityCookie_isSecureOverPlainHttpToo() {
        try (ProxyFixture fixture = ProxyFixture.start(2, 1, b -> b.loadBalancing(
                LoadBalancing.affinityCookie(COOKIE).withSecureAffinityCookie()));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.send("GET /behind-a-tls-balancer HTTP/1.1\r\nHost: shop.example\r\n\r\n");

            assertThat(client.readResponse().headers("Set-Cookie")).singleElement().asString()
                    .matches(COOKIE + "=[0-9a-f]{16}; Path=/; HttpOnly; SameSite=Lax; Secure");
        }
    }

    @Test
    void theValueForms_quotedAndUpperCaseName_aBackend_otherLengthsDoNot_theFirstOfSeveralCounts() {
        try (ProxyFixture fixture = fixture();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            TestBackend second = fixture.blue.get(1);
            TestBackend third = fixture.blue.get(2);
            String token = token(third);
            for (String cookie : new String[] {COOKIE + "=\"" + token + "\"",
                    COOKIE + "=" + token.toUpperCase(Locale.ROOT),
                    COOKIE + "=" + token + "; " + COOKIE + "=" + token(second)}) {
                RawResponse response = client.request("GET", "/", Map.of("Cookie", "x=y; " + cookie)).readResponse();
                assertThat(response.header(TestBackend.X_BACKEND.toString())).as(cookie).isEqualTo(third.name());
                assertThat(third.requests().get(third.requests().size() - 1).header("Cookie")).as(cookie)
                        .isEqualTo("x=y");
            }
            for (String cookie : new String[] {COOKIE + "=" + token.substring(1), COOKIE + "=" + token + "0"}) {
                RawResponse response = client.request("GET", "/", Map.of("Cookie", cookie)).readResponse();
                assertThat(cookieSet(response.headers("Set-Cookie"))).as(cookie).isNotNull();
            }
        }
    }

    @Test
    void aHead_a304_andABackends503_setTheCookie_theProxysOwn502DoesNot() {
        try (ProxyFixture fixture = fixture(); RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("HEAD", "/", Map.of());
            RawResponse head = client.readResponse(true);
            assertThat(head.status()).isEqualTo(200);
            assertThat(cookieSet(head.headers("Set-Cookie"))).isNotNull();
            fixture.blue.forEach(backend -> backend.status(304, ""));
            RawResponse notModified = client.request("GET", "/", Map.of()).readResponse();
            assertThat(notModified.status()).isEqualTo(304);
            assertThat(cookieSet(notModified.headers("Set-Cookie"))).isNotNull();
            fixture.blue.forEach(backend -> backend.status(503, "busy"));
            RawResponse busy = client.request("GET", "/", Map.of()).readResponse();
            assertThat(busy.status()).isEqualTo(503);
            assertThat(cookieSet(busy.headers("Set-Cookie"))).as("the backend's own 503").isNotNull();
        }
        try (ProxyFixture fixture = fixture()) {
            fixture.blue.forEach(TestBackend::close);
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                RawResponse failed = client.request("GET", "/", Map.of()).readResponse();
                assertThat(failed.status()).isEqualTo(502);
                assertThat(failed.headers("Set-Cookie")).isEmpty();
            }
        }
    }

    @Test
    void theSafetyNetsFallBack_goesToTheNamedBackendOfTheOldColour_orSetsACookieNamingTheOneThatAnswered() {
        try (ProxyFixture fixture = ProxyFixture.start(3, 1, b -> b.safetyNet(Duration.ofSeconds(30))
                .loadBalancing(LoadBalancing.affinityCookie(COOKIE)));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            TestBackend third = fixture.blue.get(2);
            fixture.green().close();
            fixture.admin.switchTo(dev.bluegreen.core.Colour.GREEN);

            RawResponse named = client.request("GET", "/", Map.of("Cookie", COOKIE + "=" + token(third)))
                    .readResponse();
            assertThat(named.header(TestBackend.X_BACKEND.toString())).isEqualTo(third.name());
            assertThat(named.headers("Set-Cookie")).isEmpty();
            RawResponse unnamed = client.request("GET", "/", Map.of()).readResponse();
            assertThat(unnamed.status()).isEqualTo(200);
            TestBackend answered = fixture.blue.stream()
                    .filter(b -> b.name().equals(unnamed.header(TestBackend.X_BACKEND.toString()))).findFirst()
                    .orElseThrow();
            assertThat(cookieSet(unnamed.headers("Set-Cookie"))).isEqualTo(COOKIE + "=" + token(answered));
        }
    }

    @Test
    void aRequestGrantedABackendFromTheQueue_getsTheCookieNamingIt_unlessItNamedItAlready() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.eventLoopThreads(2).queueTimeout(Duration.ofSeconds(30))
                .loadBalancing(LoadBalancing.affinityCookie(COOKIE)))) {
            Backend backend = fixture.greenLiveWithLimit(1);
            String cookie = COOKIE + "=" + HexFormat.of().toHexDigits(AffinityCookie.token(backend));
            Gate gate = fixture.green().hold();
            CompletableFuture<RawResponse> first = fixture.getAsync("/first");
            gate.awaitArrived(1, Duration.ofSeconds(10));
            CompletableFuture<RawResponse> named = CompletableFuture.supplyAsync(() -> {
                try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                    return client.request("GET", "/named", Map.of("Cookie", cookie)).readResponse();
                }
            });
            CompletableFuture<RawResponse> unnamed = fixture.getAsync("/unnamed");
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.proxy.requestsQueued() == 2);

            gate.release();
            assertThat(cookieSet(first.get(WAIT_SECONDS, TimeUnit.SECONDS).headers("Set-Cookie"))).isEqualTo(cookie);
            RawResponse namedAnswer = named.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(namedAnswer.status()).isEqualTo(200);
            assertThat(namedAnswer.headers("Set-Cookie")).isEmpty();
            RawResponse unnamedAnswer = unnamed.get(WAIT_SECONDS, TimeUnit.SECONDS);
            assertThat(unnamedAnswer.status()).isEqualTo(200);
            assertThat(cookieSet(unnamedAnswer.headers("Set-Cookie"))).isEqualTo(cookie);
        }
    }

    @Test
    void aCookieNamingABackendOfTheOtherColour_orOneDeployedAway_isAnsweredInThePool_andReplaced() {
        try (ProxyFixture fixture = fixture(); RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            String green = COOKIE + "=" + token(fixture.green());
            RawResponse other = client.request("GET", "/", Map.of("Cookie", green)).readResponse();
            assertThat(other.header(TestBackend.X_BACKEND.toString())).startsWith("blue-");
            assertThat(cookieSet(other.headers("Set-Cookie"))).isNotNull().isNotEqualTo(green);
            assertThat(fixture.green().requestCount()).isZero();

            TestBackend first = fixture.blue.get(0);
            // The next release keeps two of the three backends.
            fixture.admin.deploy(dev.bluegreen.core.Colour.GREEN, "v2",
                    ProxyFixture.backends(fixture.blue.subList(1, 3)));
            fixture.admin.switchTo(dev.bluegreen.core.Colour.GREEN);
            String removed = COOKIE + "=" + token(first);
            for (int i = 0; i < 3; i++) {
                RawResponse moved;
                try (RawHttpClient again = RawHttpClient.connect(fixture.port())) {
                    moved = again.request("GET", "/", Map.of("Cookie", removed)).readResponse();
                }
                assertThat(moved.header(TestBackend.X_BACKEND.toString())).isNotEqualTo(first.name());
                assertThat(cookieSet(moved.headers("Set-Cookie"))).isNotNull().isNotEqualTo(removed);
            }
        }
    }

    /** Answers every request head on every connection with {@code response}, until the server closes. */
    private static void scripted(ServerSocket server, String response) {
        Thread thread = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                    socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
                    InputStream in = socket.getInputStream();
                    UpgradeTest.readBlock(in);
                    socket.getOutputStream().write(response.getBytes(US_ASCII));
                    in.transferTo(OutputStream.nullOutputStream());
                } catch (IOException e) {
                    // The server closed, or the proxy the connection: the next accept tells.
                }
            }
        }, "scripted-backend");
        thread.setDaemon(true);
        thread.start();
    }
}
