package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.testing.RawHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** The request rules hold on a TLS listener too: the validator sits behind the TLS handler, on decrypted bytes. */
class HardeningOverTlsTest {

    /** Sends {@code request} over a JDK TLS socket (ALPN http/1.1) and reads until the proxy closes. */
    private static String overTls(int port, String request) throws IOException {
        try (SSLSocket socket = (SSLSocket) TlsFixtures.jdkClientContext().getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            parameters.setApplicationProtocols(new String[] {"http/1.1"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                response.write(buffer, 0, n);
            }
            return response.toString(StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void malformedRequestOverTls_isRefusedBeforeRouting() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls()))) {
            String response = overTls(fixture.port(), "GET / HTTP/1.1\r\nHost: localhost\r\nX: a\r\n b\r\n\r\n");

            assertThat(response).startsWith("HTTP/1.1 400").contains("folded header line");
            assertThat(fixture.blue().connectionsAccepted()).isZero();
        }
    }

    @Test
    void requestOverTls_isForwardedWithProtoHttps_inForwardedToo() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls()))) {
            String response = overTls(fixture.port(),
                    "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

            assertThat(response).startsWith("HTTP/1.1 200").containsIgnoringCase("via: 1.1 bluegreen");
            assertThat(fixture.blue().requests().get(0).header("X-Forwarded-Proto")).isEqualTo("https");
            assertThat(fixture.blue().requests().get(0).header("Forwarded"))
                    .isEqualTo("for=127.0.0.1;host=\"localhost\";proto=https");
        }
    }

    @Test
    void stickySessionCookieSetOverTls_isSecure_andOverCleartextIsNot() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls())
                .stickySessions(StickySessions.proxyCookie("bg")))) {
            String response = overTls(fixture.port(),
                    "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

            assertThat(response).startsWith("HTTP/1.1 200")
                    .containsPattern("(?i)set-cookie: bg=[^\r]*; HttpOnly; SameSite=Lax; Secure\r\n");
        }
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.stickySessions(StickySessions.proxyCookie("bg")));
             RawHttpClient client = RawHttpClient.connect(fixture.port())) {
            assertThat(client.get("/").header("Set-Cookie")).as("no TLS, secureCookie not asked for")
                    .endsWith("; SameSite=Lax");
        }
    }
}
