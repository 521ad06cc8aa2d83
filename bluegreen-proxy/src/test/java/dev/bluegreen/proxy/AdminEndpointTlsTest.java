package dev.bluegreen.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The admin endpoint over HTTPS: the verbs and the token travel encrypted, a plain-HTTP client gets nothing, the
 * endpoint's own origin is {@code https://}, and its certificate can be reloaded.
 */
class AdminEndpointTlsTest {

    private static final String TOKEN = "0123456789abcdef-admin";

    /** One request with {@code Connection: close} over TLS; the whole answer. */
    private static String overTls(int port, String request) throws IOException {
        try (SSLSocket socket = (SSLSocket) TlsFixtures.jdkClientContext().getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static AdminEndpoint started(ProxyFixture fixture) {
        AdminEndpoint endpoint = AdminEndpoint.builder(fixture.admin).listen("127.0.0.1", 0).bearerToken(TOKEN)
                .tls(TlsFixtures.proxyTls()).build();
        endpoint.start().orTimeout(10, TimeUnit.SECONDS).join();
        return endpoint;
    }

    @Test
    void aSwitchOverHttps_isApplied_andTheOwnHttpsOriginMayChangeState() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            AdminEndpoint endpoint = started(fixture);
            try {
                assertThat(endpoint.servesTls()).isTrue();
                String host = "127.0.0.1:" + endpoint.port();
                String answer = overTls(endpoint.port(), "POST /switch?to=green HTTP/1.1\r\nHost: " + host + "\r\n"
                        + "Authorization: Bearer " + TOKEN + "\r\nOrigin: https://" + host
                        + "\r\nSec-Fetch-Site: same-origin\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");

                assertThat(answer).startsWith("HTTP/1.1 200").contains("\"live\":\"green\"");
                assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);

                String fromPlainOrigin = overTls(endpoint.port(), "POST /rollback HTTP/1.1\r\nHost: " + host
                        + "\r\nAuthorization: Bearer " + TOKEN + "\r\nOrigin: http://" + host
                        + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                assertThat(fromPlainOrigin).startsWith("HTTP/1.1 403");
                assertThat(fixture.admin.snapshot().live()).isEqualTo(Colour.GREEN);
            } finally {
                endpoint.stop().orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }

    @Test
    void aPlainHttpRequest_getsNoAnswer_andTheConnectionCloses() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            AdminEndpoint endpoint = started(fixture);
            try (RawHttpClient plain = RawHttpClient.connect(endpoint.port())) {
                plain.send("GET /status HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\n");

                assertThat(plain.isClosedByPeer(Duration.ofSeconds(10))).isTrue();
            } finally {
                endpoint.stop().orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }

    @Test
    void reloadTls_needsTls() {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            AdminEndpoint plain = AdminEndpoint.builder(fixture.admin).listen("127.0.0.1", 0).build();

            assertThat(plain.servesTls()).isFalse();
            assertThatThrownBy(plain::reloadTls).isInstanceOf(IllegalStateException.class)
                    .hasMessage("admin endpoint: serves plain HTTP (expected: one built with tls(...))");
        }
    }
}
