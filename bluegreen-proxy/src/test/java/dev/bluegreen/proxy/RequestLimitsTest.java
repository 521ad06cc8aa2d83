package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.SeenRequest;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configurable limits: body size, requests per connection, client connections, and the Host allow-list. */
class RequestLimitsTest {

    @Test
    void declaredBodyOverTheLimit_is413_beforeAnythingIsForwarded() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.maxRequestBodySize(1000));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("POST", "/upload", Map.of("Content-Length", "1001"));
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(413);
            assertThat(response.bodyText()).contains("1001 bytes (limit 1000)");
            assertThat(client.isClosedByPeer()).isTrue();
            assertThat(fixture.blue().connectionsAccepted()).isZero();
        }
    }

    @Test
    void bodyAtTheLimit_isForwarded() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.maxRequestBodySize(1000));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("POST", "/upload", Map.of("Content-Length", "1000")).sendPattern(1000);
            RawResponse response = client.readResponse();

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("X-Received-Bytes")).isEqualTo("1000");
        }
    }

    @Test
    void chunkedBodyGrowingPastTheLimit_is413_andTheBackendNeverSeesItsEnd() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.maxRequestBodySize(100_000));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.request("POST", "/upload", Map.of("Transfer-Encoding", "chunked"));
            byte[] piece = new byte[10_000];
            RawResponse response = null;
            try {
                for (int i = 0; i < 20; i++) {
                    client.sendChunk(piece, 0, piece.length);
                }
                client.sendLastChunk();
            } catch (UncheckedIOException closedWhileSending) {
                // The proxy may close before the client has sent everything; the response is read below.
            }
            response = client.readResponse();

            assertThat(response.status()).isEqualTo(413);
            assertThat(client.isClosedByPeer()).isTrue();
            // The backend got part of the body at most, then its connection closed: never a complete request.
            fixture.blue().awaitOpenConnections(0, Duration.ofSeconds(10));
            assertThat(fixture.blue().requests()).allSatisfy(seen ->
                    assertThat(seen.bodyBytes()).isLessThanOrEqualTo(100_000));
        }
    }

    @Test
    void lastRequestAllowedOnAConnection_isAnsweredWithConnectionClose() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.maxRequestsPerConnection(3));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            assertThat(client.get("/1").header("Connection")).isNull();
            assertThat(client.get("/2").header("Connection")).isNull();
            RawResponse third = client.get("/3");

            assertThat(third.status()).isEqualTo(200);
            assertThat(third.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(client.isClosedByPeer()).isTrue();
            assertThat(fixture.blue().requestCount()).isEqualTo(3);
        }
    }

    @Test
    void requestsPipelinedBeyond128InOneWrite_theFirst128AreAnswered_theNextIs503_andTheConnectionCloses() {
        int depth = 128;
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            StringBuilder requests = new StringBuilder();
            for (int i = 1; i <= depth + 2; i++) {
                requests.append("GET /").append(i).append(" HTTP/1.1\r\nHost: shop.example\r\n\r\n");
            }
            client.send(requests.toString());

            for (int i = 1; i <= depth; i++) {
                RawResponse response = client.readResponse();
                assertThat(response.status()).as("response %d", i).isEqualTo(200);
                assertThat(response.header("Connection")).as("response %d", i).isNull();
            }
            RawResponse refused = client.readResponse();
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.bodyText()).contains("too many pipelined requests: at most 128");
            assertThat(refused.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(refused.header("Retry-After")).isEqualTo("1");
            assertThat(client.isClosedByPeer()).as("nothing after the refusal is answered").isTrue();
            assertThat(fixture.blue().requests()).extracting(SeenRequest::uri)
                    .as("the refused request and the one after it never reach a backend")
                    .hasSize(depth).doesNotContain("/" + (depth + 1), "/" + (depth + 2));
        }
    }

    @Test
    void connectionsAboveTheLimit_areRefusedWith503_andAdmittedAgainOnceOthersClose() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.maxClientConnections(3))) {
            List<RawHttpClient> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    RawHttpClient client = RawHttpClient.connect(fixture.port());
                    held.add(client);
                    assertThat(client.get("/held").status()).isEqualTo(200);
                }
                try (RawHttpClient extra = RawHttpClient.connect(fixture.port())) {
                    // A request sent at once, as real clients do, must not turn the refusal into a reset.
                    extra.request("POST", "/refused", Map.of("Content-Length", "100000")).sendPattern(100_000);
                    RawResponse refused = extra.readResponse();
                    assertThat(refused.status()).isEqualTo(503);
                    assertThat(refused.header("Retry-After")).isEqualTo("1");
                    assertThat(extra.isClosedByPeer()).isTrue();
                }
            } finally {
                held.forEach(RawHttpClient::close);
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> fixture.proxy.clientConnections() == 0);
            try (RawHttpClient again = RawHttpClient.connect(fixture.port())) {
                assertThat(again.get("/again").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void hostOutsideTheAllowList_is421_andAllowedHostsAnyCaseAndPortAreServed() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.allowedHosts(List.of("shop.example", "127.0.0.1")))) {
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                client.request("GET", "/", Map.of("Host", "evil.example"));
                RawResponse response = client.readResponse();
                assertThat(response.status()).isEqualTo(421);
                assertThat(response.bodyText()).contains("evil.example");
                assertThat(client.isClosedByPeer()).isTrue();
            }
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                client.request("GET", "/", Map.of("Host", "SHOP.example:8080"));
                assertThat(client.readResponse().status()).isEqualTo(200);
                assertThat(client.get("/ip").status()).as("127.0.0.1:port").isEqualTo(200);
            }
            assertThat(fixture.blue().requestCount()).isEqualTo(2);
        }
    }

    @Test
    void allowList_comparesCanonicalHosts_anIpv6AddressInAnySpelling_aNameWithOrWithoutItsTrailingDot() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.allowedHosts(List.of("[0:0:0:0:0:0:0:1]",
                "Shop.Example.")))) {
            for (String host : List.of("[::1]", "[0::1]:8080", "shop.example", "SHOP.EXAMPLE.:80")) {
                try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                    client.request("GET", "/", Map.of("Host", host));
                    assertThat(client.readResponse().status()).as(host).isEqualTo(200);
                }
            }
            try (RawHttpClient client = RawHttpClient.connect(fixture.port())) {
                client.request("GET", "/", Map.of("Host", "[::2]"));
                RawResponse response = client.readResponse();
                assertThat(response.status()).isEqualTo(421);
                assertThat(response.bodyText()).contains("'[::2]'");
            }
            assertThat(fixture.blue().requestCount()).isEqualTo(4);
        }
    }

    @Test
    void absoluteFormTarget_isForwardedInOriginForm_withItsAuthorityAsHost() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.send("GET http://shop.example:81/a?b=c HTTP/1.1\r\nHost: other.example\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);

            assertThat(fixture.blue().requests().get(0).uri()).isEqualTo("/a?b=c");
            assertThat(fixture.blue().requests().get(0).header("Host")).isEqualTo("shop.example:81");
        }
    }

    @Test
    void optionsInAbsoluteFormWithoutPathOrQuery_isForwardedAsAsterisk() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.send("OPTIONS http://shop.example:8001 HTTP/1.1\r\nHost: shop.example:8001\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);

            SeenRequest seen = fixture.blue().requests().get(0);
            assertThat(seen.method()).isEqualTo("OPTIONS");
            assertThat(seen.uri()).as("RFC 9112 §3.2.4").isEqualTo("*");
            assertThat(seen.header("Host")).isEqualTo("shop.example:8001");
        }
    }

    @Test
    void http10WithoutHost_isServed() {
        try (ProxyFixture fixture = ProxyFixture.start();
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            client.send("GET / HTTP/1.0\r\n\r\n");
            assertThat(client.readResponse().status()).isEqualTo(200);
        }
    }

    @Test
    void builder_rejectsBadLimitsNamingTheValue() {
        try (BlueGreen admin = BlueGreen.builder().build()) {
            BlueGreenProxyBuilder builder = BlueGreenProxy.builder(admin);
            assertThatThrownBy(() -> builder.maxHeaderCount(0))
                    .isInstanceOf(IllegalArgumentException.class).hasMessage("maxHeaderCount: 0 (expected: >= 1)");
            assertThatThrownBy(() -> builder.maxRequestBodySize(-1))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBodySize: -1");
            assertThatThrownBy(() -> builder.requestHeaderTimeout(Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requestHeaderTimeout");
            assertThatThrownBy(() -> builder.trustedProxies(List.of("10.0.0.0/33")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10.0.0.0/33");
            assertThatThrownBy(() -> builder.trustedProxies(List.of("proxy.example")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("proxy.example");
            assertThatThrownBy(() -> builder.allowedHosts(List.of("shop.example:80")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without port");
            for (String entry : List.of("[::1", "::1", "shop/example", "*.shop.example", "sh%6Fp.example", "",
                    "[::g]")) {
                assertThatThrownBy(() -> builder.allowedHosts(List.of("shop.example", entry))).as(entry)
                        .isInstanceOf(IllegalArgumentException.class)
                        .hasMessageStartingWith("allowedHosts: '" + entry + "' (expected: a host name or IP address");
            }
        }
    }

}
