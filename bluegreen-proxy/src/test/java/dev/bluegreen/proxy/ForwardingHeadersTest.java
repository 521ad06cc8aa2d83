package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.SeenRequest;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What reaches the backend about the client and the hops (RFC 9110 §7.6, RFC 7239), and that a client can't use
 * {@code Connection} to remove what the proxy relies on.
 */
class ForwardingHeadersTest {

    @Test
    void untrustedPeer_hasItsForwardingHeadersReplaced_andViaIsAddedBothWays() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Host", "shop.example");
            headers.put("X-Forwarded-For", "6.6.6.6");
            headers.put("X-Forwarded-Proto", "https");
            headers.put("X-Forwarded-Host", "bank.example");
            headers.put("Forwarded", "for=6.6.6.6;proto=https");
            headers.put("Via", "1.1 somewhere");
            client.request("GET", "/", headers);
            RawResponse response = client.readResponse();

            SeenRequest seen = fixture.blue().requests().get(0);
            assertThat(seen.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
            assertThat(seen.headers("X-Forwarded-Proto")).containsExactly("http");
            assertThat(seen.headers("X-Forwarded-Host")).containsExactly("shop.example");
            assertThat(seen.headers("Forwarded")).containsExactly("for=127.0.0.1;host=\"shop.example\";proto=http");
            assertThat(String.join(", ", seen.headers("Via"))).isEqualTo("1.1 somewhere, 1.1 bluegreen");
            assertThat(response.headers("Via")).containsExactly("1.1 bluegreen");
        }
    }

    @Test
    void anIpv6Client_isNamedInTheShortForm_anIpv4OneOfADualStackListener_asIpv4() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.listen("::", 0))) {
            for (String host : List.of("::1", "127.0.0.1")) {
                try (RawHttpClient client = RawHttpClient.connect(new InetSocketAddress(host, fixture.port()))) {
                    client.request("GET", "/", Map.of("Host", "shop.example"));
                    assertThat(client.readResponse().status()).isEqualTo(200);
                }
            }

            List<SeenRequest> seen = fixture.blue().requests();
            assertThat(seen.get(0).headers("X-Forwarded-For")).as("RFC 5952, as nginx's $remote_addr")
                    .containsExactly("::1");
            assertThat(seen.get(0).headers("Forwarded"))
                    .containsExactly("for=\"[::1]\";host=\"shop.example\";proto=http");
            assertThat(seen.get(1).headers("X-Forwarded-For")).as("not ::ffff:127.0.0.1").containsExactly("127.0.0.1");
        }
    }

    @Test
    void trustedPeer_hasItsForwardingHeadersKept_andTheClientAppended() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.trustedProxies(List.of("10.0.0.0/8", "127.0.0.0/8")));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("Host", "shop.example");
            headers.put("X-Forwarded-For", "203.0.113.9");
            headers.put("X-Forwarded-Proto", "https");
            headers.put("X-Forwarded-Host", "www.example");
            headers.put("Forwarded", "for=203.0.113.9;proto=https");
            client.request("GET", "/", headers).readResponse();

            SeenRequest seen = fixture.blue().requests().get(0);
            assertThat(seen.headers("X-Forwarded-For")).containsExactly("203.0.113.9, 127.0.0.1");
            assertThat(seen.headers("X-Forwarded-Proto")).containsExactly("https");
            assertThat(seen.headers("X-Forwarded-Host")).containsExactly("www.example");
            assertThat(seen.headers("Forwarded")).containsExactly(
                    "for=203.0.113.9;proto=https, for=127.0.0.1;host=\"shop.example\";proto=http");
        }
    }

    @Test
    void untrustedPeer_hasEveryOtherXForwardedFieldAndXRealIpRemoved_otherFieldsKept() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.send("GET / HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-Port: 443\r\n"
                    + "x-forwarded-prefix: /admin\r\nX-Forwarded-Ssl: on\r\nX-FORWARDED-SERVER: evil\r\n"
                    + "X-Real-IP: 6.6.6.6\r\nX-Forwarded-Port: 8443\r\nX-Forwarded: for=6.6.6.6\r\n"
                    + "X-Forwardedness: kept\r\nX-Real-IP-Note: kept\r\nX-App: kept\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);

            SeenRequest seen = fixture.blue().requests().get(0);
            assertThat(seen.headers().keySet()).as("what the backend received")
                    .noneMatch(name -> name.toLowerCase(Locale.ROOT).startsWith("x-forwarded-")
                            && !List.of("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host")
                            .contains(name.toLowerCase(Locale.ROOT)));
            for (String removed : List.of("X-Forwarded-Port", "X-Forwarded-Prefix", "X-Forwarded-Ssl",
                    "X-Forwarded-Server", "X-Real-IP")) {
                assertThat(seen.headers(removed)).as(removed).isEmpty();
            }
            assertThat(seen.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
            assertThat(seen.headers("X-Forwarded-Proto")).containsExactly("http");
            assertThat(seen.headers("X-Forwarded-Host")).containsExactly("shop.example");
            // Not of the family: X-Forwarded without the dash (no framework reads it) and look-alike names stay.
            assertThat(seen.headers("X-Forwarded")).containsExactly("for=6.6.6.6");
            assertThat(seen.headers("X-Forwardedness")).containsExactly("kept");
            assertThat(seen.headers("X-Real-IP-Note")).containsExactly("kept");
            assertThat(seen.headers("X-App")).containsExactly("kept");
        }
    }

    @Test
    void trustedPeer_keepsItsOtherXForwardedFieldsAndXRealIp() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.trustedProxies(List.of("127.0.0.0/8")));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.send("GET / HTTP/1.1\r\nHost: shop.example\r\nX-Forwarded-Port: 443\r\n"
                    + "X-Forwarded-Prefix: /shop\r\nX-Forwarded-Ssl: on\r\nX-Real-IP: 203.0.113.9\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);

            SeenRequest seen = fixture.blue().requests().get(0);
            assertThat(seen.headers("X-Forwarded-Port")).containsExactly("443");
            assertThat(seen.headers("X-Forwarded-Prefix")).containsExactly("/shop");
            assertThat(seen.headers("X-Forwarded-Ssl")).containsExactly("on");
            assertThat(seen.headers("X-Real-IP")).containsExactly("203.0.113.9");
            assertThat(seen.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
        }
    }

    @Test
    void peerOutsideTheTrustedBlocks_isNotTrusted() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.trustedProxies(List.of("10.0.0.0/8", "::1")));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("GET", "/", Map.of("X-Forwarded-For", "203.0.113.9")).readResponse();

            assertThat(fixture.blue().requests().get(0).headers("X-Forwarded-For")).containsExactly("127.0.0.1");
        }
    }

    @Test
    void connectionNamingContentLength_cannotUnframeTheBody_norSmuggleASecondRequest() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
            client.send("POST /upload HTTP/1.1\r\nHost: shop.example\r\nConnection: Content-Length, Host\r\n"
                    + "Content-Length: " + smuggled.length() + "\r\n\r\n" + smuggled);
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Received-Bytes")).isEqualTo(Integer.toString(smuggled.length()));
            assertThat(fixture.blue().requests()).extracting(SeenRequest::uri).containsExactly("/upload");
            assertThat(fixture.blue().requests().get(0).header("Host")).isEqualTo("shop.example");
        }
    }

    @Test
    void connectionNamingTheProxysHeaders_cannotRemoveThem() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("GET", "/", Map.of("Connection",
                    "X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host, Forwarded, Via, X-Gone",
                    "X-Gone", "1")).readResponse();

            SeenRequest seen = fixture.blue().requests().get(0);
            assertThat(seen.header("X-Gone")).isNull();
            assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
            assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
            assertThat(seen.header("X-Forwarded-Host")).isNotNull();
            assertThat(seen.header("Forwarded")).startsWith("for=127.0.0.1");
            assertThat(seen.header("Via")).isEqualTo("1.1 bluegreen");
        }
    }

    @Test
    void proxyAuthorization_isStrippedUnlessConfigured() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("GET", "/", Map.of("Proxy-Authorization", "Basic Zm9vOmJhcg==")).readResponse();
            assertThat(fixture.blue().requests().get(0).header("Proxy-Authorization")).isNull();
        }
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.forwardProxyAuthorization(true));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("GET", "/", Map.of("Proxy-Authorization", "Basic Zm9vOmJhcg==")).readResponse();
            assertThat(fixture.blue().requests().get(0).header("Proxy-Authorization"))
                    .isEqualTo("Basic Zm9vOmJhcg==");
        }
    }

    @Test
    void headerNamesWithUnderscores_areDroppedWhenConfigured() {
        Map<String, String> headers = Map.of("X_Forwarded_For", "6.6.6.6", "X-Kept", "1");
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("GET", "/", headers).readResponse();
            assertThat(fixture.blue().requests().get(0).header("X_Forwarded_For")).as("kept by default")
                    .isEqualTo("6.6.6.6");
        }
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.dropUnderscoreHeaders(true));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("GET", "/", headers).readResponse();
            assertThat(fixture.blue().requests().get(0).header("X_Forwarded_For")).isNull();
            assertThat(fixture.blue().requests().get(0).header("X-Kept")).isEqualTo("1");
        }
    }

    @Test
    void h2cUpgrade_isNeverForwarded() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("GET", "/", Map.of("Connection", "Upgrade, HTTP2-Settings", "Upgrade", "h2c",
                    "HTTP2-Settings", "AAMAAABkAARAAAAAAAIAAAAA"));
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            SeenRequest seen = fixture.blue().requests().get(0);
            assertThat(seen.header("Upgrade")).isNull();
            assertThat(seen.header("HTTP2-Settings")).isNull();
            assertThat(seen.header("Connection")).isNull();
        }
    }
}
