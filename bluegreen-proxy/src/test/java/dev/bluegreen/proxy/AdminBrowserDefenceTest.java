package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint against requests a browser can be made to send: a form on another site posting to
 * {@code /switch} (cross-site request forgery) and a page whose name was re-pointed at the endpoint's address (DNS
 * rebinding). Raw requests on real sockets, as the browser would send them; after each refusal the live colour is
 * checked, and a request through the proxy shows where traffic goes.
 */
class AdminBrowserDefenceTest {

    private static final String FORM = "application/x-www-form-urlencoded";

    private ProxyFixture fixture;
    private AdminEndpoint endpoint;

    private void start(UnaryOperator<AdminEndpoint.Builder> options, String host) {
        fixture = ProxyFixture.start();
        endpoint = options.apply(AdminEndpoint.builder(fixture.admin).proxy(fixture.proxy).listen(host, 0)).build();
        endpoint.start().orTimeout(10, TimeUnit.SECONDS).join();
    }

    private void start() {
        start(UnaryOperator.identity(), "127.0.0.1");
    }

    @AfterEach
    void stop() {
        if (endpoint != null) {
            endpoint.stop().orTimeout(10, TimeUnit.SECONDS).join();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void crossSiteFormPost_isRefusedWith403_andTrafficStaysOnBlue() {
        start();

        // The request of the issue: what a hidden, self-submitting form on any web page sends.
        RawResponse forged = post("/switch", "to=green", Map.of(
                "Origin", "http://evil.example",
                "Sec-Fetch-Site", "cross-site",
                "Content-Type", FORM));

        assertThat(forged.status()).isEqualTo(403);
        assertThat(forged.bodyText()).contains("http://evil.example").contains("Origin");
        assertLiveColourUnchanged();
    }

    @Test
    void noPageMayFrameTheStatusPageOrAnyAnswer_againstClickjacking() {
        start();

        for (String path : List.of("/", "/status")) {
            RawResponse answer = request("GET", path, Map.of(), null);
            assertThat(answer.status()).as(path).isEqualTo(200);
            assertThat(answer.header("Content-Security-Policy")).as(path).endsWith("; frame-ancestors 'none'");
            assertThat(answer.header("X-Frame-Options")).as(path).isEqualTo("DENY");
        }
    }

    @Test
    void statusPage_runsOnlyItsOwnScript_andTalksOnlyToTheEndpoint() throws Exception {
        start();

        RawResponse page = request("GET", "/", Map.of(), null);
        String html = page.bodyText();
        String script = html.substring(html.indexOf("<script>") + "<script>".length(), html.indexOf("</script>"));
        String hash = java.util.Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("SHA-256")
                .digest(script.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(page.header("Content-Security-Policy").split("; ")).contains("default-src 'none'",
                "script-src 'sha256-" + hash + "'", "connect-src 'self'", "base-uri 'none'", "form-action 'none'",
                "frame-ancestors 'none'");
        RawResponse json = request("GET", "/status", Map.of(), null);
        assertThat(json.header("Content-Security-Policy")).isEqualTo("default-src 'none'; frame-ancestors 'none'");
    }

    @Test
    void rebindingHost_isRefusedWith421_forAChangeAndForAReadAlike() {
        start();
        String evilHost = "evil.example:" + endpoint.port();

        RawResponse change = post("/switch", "to=green", Map.of(
                "Host", evilHost,
                "Origin", "http://" + evilHost,
                "Sec-Fetch-Site", "same-origin",
                "Content-Type", FORM));
        RawResponse read = request("GET", "/status", Map.of("Host", evilHost), null);

        assertThat(change.status()).isEqualTo(421);
        assertThat(change.bodyText()).contains(evilHost).contains("127.0.0.1").contains("localhost");
        assertThat(read.status()).isEqualTo(421);
        assertThat(read.bodyText()).doesNotContain("\"live\"");
        assertLiveColourUnchanged();
    }

    @Test
    void originNull_isRefusedForAChange() {
        start();

        RawResponse sandboxed = post("/switch", "to=green", Map.of("Origin", "null", "Content-Type", FORM));

        assertThat(sandboxed.status()).isEqualTo(403);
        assertThat(sandboxed.bodyText()).contains("null");
        assertLiveColourUnchanged();
    }

    @Test
    void fetchMetadataSameSite_isRefusedEvenWithoutOrigin() {
        start();

        // Another service on the same machine (another port) is "same-site", not "same-origin".
        RawResponse sameSite = post("/rollback", "", Map.of("Sec-Fetch-Site", "same-site"));
        RawResponse crossSite = post("/switch?to=green", "", Map.of("Sec-Fetch-Site", "cross-site"));

        assertThat(sameSite.status()).isEqualTo(403);
        assertThat(sameSite.bodyText()).contains("Sec-Fetch-Site").contains("same-site");
        assertThat(crossSite.status()).isEqualTo(403);
        assertLiveColourUnchanged();
    }

    @Test
    void curlWithoutOriginOrFetchMetadata_stillSwitches() {
        start();

        RawResponse scripted = post("/switch", "to=green", Map.of("Content-Type", FORM));

        assertThat(scripted.status()).isEqualTo(200);
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);
    }

    @Test
    void theStatusPagesOwnRequest_sameOrigin_switches() {
        start();
        String own = "127.0.0.1:" + endpoint.port();

        RawResponse page = post("/switch?to=green&actor=status-page", "", Map.of(
                "Host", own, "Origin", "http://" + own, "Sec-Fetch-Site", "same-origin"));

        assertThat(page.status()).isEqualTo(200);
        assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);
    }

    @Test
    void onLoopback_localhostAndBothLoopbackLiterals_areServed_anyOtherNameIsNot() {
        start();
        int port = endpoint.port();

        assertThat(statusWithHost("localhost:" + port)).isEqualTo(200);
        assertThat(statusWithHost("LocalHost:" + port)).as("host names are case-insensitive").isEqualTo(200);
        assertThat(statusWithHost("127.0.0.1:" + port)).isEqualTo(200);
        assertThat(statusWithHost("[::1]:" + port)).isEqualTo(200);
        assertThat(statusWithHost("localhost")).as("a tunnel's port may differ from the bound one").isEqualTo(200);
        assertThat(statusWithHost("127.0.0.2:" + port)).isEqualTo(421);
        assertThat(statusWithHost("localhost.evil.example:" + port)).isEqualTo(421);
        assertThat(statusWithHost("evil.example")).isEqualTo(421);
    }

    @Test
    void missingHost_isA400ForHttp11() {
        start();
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port()).soTimeout(Duration.ofSeconds(5))) {
            RawResponse response = client.send("GET /status HTTP/1.1\r\n\r\n").readResponse();

            assertThat(response.status()).isEqualTo(400);
            assertThat(response.bodyText()).contains("Host");
        }
    }

    @Test
    void twoHostFields_areA400() {
        start();
        try (RawHttpClient client = RawHttpClient.connect(endpoint.port()).soTimeout(Duration.ofSeconds(5))) {
            RawResponse response = client.send("POST /switch?to=green HTTP/1.1\r\nHost: 127.0.0.1:"
                    + endpoint.port() + "\r\nHost: evil.example\r\nContent-Length: 0\r\n\r\n").readResponse();

            assertThat(response.status()).isEqualTo(400);
            assertLiveColourUnchanged();
        }
    }

    @Test
    void configuredHostAndOrigin_areServed_otherOriginsStillRefused() {
        start(b -> b.allowedHosts(List.of("Admin.Internal")).allowedOrigins(List.of("HTTPS://admin.example.com:443")),
                "127.0.0.1");

        // Behind a TLS reverse proxy at https://admin.example.com that passes Host admin.internal on.
        RawResponse proxied = post("/switch?to=green", "", Map.of("Host", "admin.internal",
                "Origin", "https://admin.example.com", "Sec-Fetch-Site", "same-origin"));
        RawResponse foreign = post("/rollback", "", Map.of("Host", "admin.internal",
                "Origin", "https://other.example.com", "Sec-Fetch-Site", "cross-site"));
        RawResponse ownOrigin = post("/rollback", "", Map.of("Host", "admin.internal:9000",
                "Origin", "http://admin.internal:9000", "Sec-Fetch-Site", "same-origin"));

        assertThat(proxied.status()).as(proxied.bodyText()).isEqualTo(200);
        assertThat(foreign.status()).isEqualTo(403);
        assertThat(foreign.bodyText()).contains("https://other.example.com");
        assertThat(ownOrigin.status()).as("http:// and the Host is the own origin: %s", ownOrigin.bodyText())
                .isEqualTo(200);
        assertThat(fixture.admin.snapshot().generation()).as("the switch and the rollback").isEqualTo(2);
        assertThat(statusWithHost("admin.internal.evil.example")).isEqualTo(421);
    }

    @Test
    void boundToTheWildcard_withAToken_servesTheAddressAConnectionArrivedOn_andRefusesBrowsersDespiteTheToken() {
        String token = "wildcard-token-0123456789";
        start(b -> b.bearerToken(token), "0.0.0.0");
        int port = endpoint.port();
        // 127.0.0.2 is another address of this machine's loopback interface: the address a client named.
        InetSocketAddress second = new InetSocketAddress("127.0.0.2", port);
        Map<String, String> auth = Map.of("Authorization", "Bearer " + token);

        RawResponse arrivedOn = request(second, "GET", "/status", with(auth, "Host", "127.0.0.2:" + port), null);
        RawResponse otherAddress = request(second, "GET", "/status", with(auth, "Host", "127.0.0.3:" + port), null);
        RawResponse rebound = request("GET", "/status", with(auth, "Host", "evil.example:" + port), null);
        RawResponse forged = post("/switch", "to=green", with(with(auth, "Origin", "http://evil.example"),
                "Content-Type", FORM));

        assertThat(arrivedOn.status()).as(arrivedOn.bodyText()).isEqualTo(200);
        assertThat(otherAddress.status()).isEqualTo(421);
        assertThat(otherAddress.bodyText()).contains("127.0.0.2");
        assertThat(rebound.status()).as("the token does not make a rebinding page's request welcome").isEqualTo(421);
        assertThat(forged.status()).as("nor a forged one").isEqualTo(403);
        assertLiveColourUnchanged();
    }

    @Test
    void boundToIpv6Loopback_servesTheBracketedAddressInAnySpelling() {
        start(UnaryOperator.identity(), "::1");
        InetSocketAddress address = new InetSocketAddress("::1", endpoint.port());
        int port = endpoint.port();

        assertThat(request(address, "GET", "/status", Map.of("Host", "[::1]:" + port), null).status())
                .isEqualTo(200);
        assertThat(request(address, "GET", "/status", Map.of("Host", "[0:0:0:0:0:0:0:1]:" + port), null)
                .status()).isEqualTo(200);
        assertThat(request(address, "GET", "/status", Map.of("Host", "localhost:" + port), null).status())
                .isEqualTo(200);
        assertThat(request(address, "GET", "/status", Map.of("Host", "[::2]:" + port), null).status())
                .isEqualTo(421);
        RawResponse own = request(address, "POST", "/switch?to=green", Map.of("Host", "[::1]:" + port,
                "Origin", "http://[::1]:" + port, "Sec-Fetch-Site", "same-origin"), "");
        assertThat(own.status()).as(own.bodyText()).isEqualTo(200);
    }

    @Test
    void builder_refusesHostsWithPortsAndOriginsWithPaths_namingTheValue() {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            AdminEndpoint.Builder builder = AdminEndpoint.builder(fixture.admin);

            assertThatThrownBy(() -> builder.allowedHosts(List.of("admin.internal:8081")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("allowedHosts: 'admin.internal:8081'").hasMessageContaining("without port");
            assertThatThrownBy(() -> builder.allowedHosts(List.of("::1")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bracketed");
            assertThatThrownBy(() -> builder.allowedHosts(List.of("")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowedHosts: ''");
            assertThatThrownBy(() -> builder.allowedOrigins(List.of("https://admin.example.com/status")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("allowedOrigins: 'https://admin.example.com/status'")
                    .hasMessageContaining("without path");
            assertThatThrownBy(() -> builder.allowedOrigins(List.of("null")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'null'");
            assertThatThrownBy(() -> builder.allowedOrigins(List.of("*")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'*'");
            assertThatThrownBy(() -> builder.allowedOrigins(List.of("admin.example.com")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scheme://host[:port]");
        }
    }

    private static Map<String, String> with(Map<String, String> headers, String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return more;
    }

    private void assertLiveColourUnchanged() {
        assertThat(fixture.admin.snapshot().live()).as("the live colour").isEqualTo(Colour.BLUE);
        assertThat(fixture.admin.snapshot().generation()).as("no change at all").isZero();
        try (RawHttpClient client = RawHttpClient.connect(fixture.proxy.port())) {
            assertThat(client.get("/").bodyText()).as("traffic through the proxy").contains("blue-1");
        }
    }

    private int statusWithHost(String host) {
        return request("GET", "/status", Map.of("Host", host), null).status();
    }

    private RawResponse post(String path, String body, Map<String, String> headers) {
        return request("POST", path, headers, body);
    }

    /** One request on a new connection to the endpoint; {@code body} (may be null) gets a Content-Length. */
    private RawResponse request(String method, String path, Map<String, String> headers, String body) {
        return request(new InetSocketAddress(InetAddress.getLoopbackAddress(), endpoint.port()), method, path,
                headers, body);
    }

    private static RawResponse request(InetSocketAddress address, String method, String path,
                                       Map<String, String> headers, String body) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        byte[] bytes = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
        if (bytes != null) {
            all.put("Content-Length", Integer.toString(bytes.length));
        }
        try (RawHttpClient client = RawHttpClient.connect(address).soTimeout(Duration.ofSeconds(5))) {
            client.request(method, path, all);
            if (bytes != null) {
                client.send(bytes);
            }
            return client.readResponse();
        }
    }
}
