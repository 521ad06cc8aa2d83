package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.testing.CapturedLog;
import dev.bluegreen.testing.PresentedCertificate;
import io.netty.channel.DefaultChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Certificates by server name (SNI): one listener, a certificate per name the client asks for, the default one for
 * any other name or none.
 */
class ServerNameTlsTest {

    private static TlsSettings pem(String name) {
        return TlsSettings.fromPem(TlsFixtures.resource(name + ".crt"), TlsFixtures.resource(name + ".key"));
    }

    private static X509Certificate certificate(Path file) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static X509Certificate certificate(String name) throws Exception {
        return certificate(TlsFixtures.resource(name + ".crt"));
    }

    /** One GET with {@code Connection: close} on {@code socket}; the whole response. */
    private static String get(SSLSocket socket) throws IOException {
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        socket.getInputStream().transferTo(response);
        return response.toString(StandardCharsets.UTF_8);
    }

    @Test
    void eachNameGetsItsCertificate_anExactNameBeforeAWildcard_andAnyOtherNameOrNoneTheDefault() throws Exception {
        TlsSettings tls = pem("proxy")
                .withCertificateFor("*.example", pem("backend"))
                .withCertificateFor("Other.Example", pem("other-host"));
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(tls))) {
            int port = fixture.port();

            assertThat(PresentedCertificate.presentedFor(port, "other.example")).isEqualTo(certificate("other-host"));
            assertThat(PresentedCertificate.presentedFor(port, "OTHER.example")).as("names are not case-sensitive")
                    .isEqualTo(certificate("other-host"));
            assertThat(PresentedCertificate.presentedFor(port, "api.example")).as("the wildcard")
                    .isEqualTo(certificate("backend"));
            assertThat(PresentedCertificate.presentedFor(port, "a.b.example")).as("one label only")
                    .isEqualTo(certificate("proxy"));
            assertThat(PresentedCertificate.presentedFor(port, "elsewhere.test")).isEqualTo(certificate("proxy"));
            assertThat(PresentedCertificate.presentedFor(port, null)).isEqualTo(certificate("proxy"));
        }
    }

    @Test
    void aConnectionByName_negotiatesHttp2OrHttp1ByAlpn_andIsProxied() throws Exception {
        TlsSettings tls = pem("proxy").withCertificateFor("other.example", pem("other-host"));
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(tls))) {
            try (SSLSocket h2 = PresentedCertificate.connectTrustingAny(fixture.port(), "other.example", "h2",
                    "http/1.1")) {
                assertThat(h2.getApplicationProtocol()).isEqualTo("h2");
            }
            try (SSLSocket http1 = PresentedCertificate.connectTrustingAny(fixture.port(), "other.example",
                    "http/1.1")) {
                assertThat(http1.getApplicationProtocol()).isEqualTo("http/1.1");
                assertThat(PresentedCertificate.subject(http1)).contains("other.example");
                assertThat(get(http1)).startsWith("HTTP/1.1 200").endsWith("blue-1");
            }
        }
    }

    @Test
    void aReload_readsEveryNamesFilesAgain(@TempDir Path dir) throws Exception {
        Path cert = Files.copy(TlsFixtures.resource("other-host.crt"), dir.resolve("named.crt"));
        Path key = Files.copy(TlsFixtures.resource("other-host.key"), dir.resolve("named.key"));
        TlsSettings tls = pem("proxy").withCertificateFor("other.example", TlsSettings.fromPem(cert, key));
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(tls))) {
            Files.copy(TlsFixtures.resource("backend.crt"), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(TlsFixtures.resource("backend.key"), key, StandardCopyOption.REPLACE_EXISTING);

            fixture.proxy.reloadTls();

            assertThat(PresentedCertificate.presentedFor(fixture.port(), "other.example"))
                    .isEqualTo(certificate("backend"));
        }
    }

    @Test
    void aClientThatSendsNoHello_isClosedAtTheHandshakeTimeout() throws Exception {
        TlsSettings tls = pem("proxy").withCertificateFor("other.example", pem("other-host"))
                .withHandshakeTimeout(Duration.ofMillis(200));
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(tls));
             Socket silent = new Socket("127.0.0.1", fixture.port())) {
            silent.setSoTimeout(10_000);

            assertThat(silent.getInputStream().read()).as("closed, not timed out by the test's 10 s").isEqualTo(-1);
        }
    }

    @Test
    void aHelloDeclaringMoreThan64KiB_isRefused_notBuffered() throws Exception {
        // A handshake timeout far beyond the test's read timeout: only the refusal can end the connection in time.
        TlsSettings tls = pem("proxy").withCertificateFor("other.example", pem("other-host"))
                .withHandshakeTimeout(Duration.ofMinutes(5));
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(tls));
             CapturedLog netty = CapturedLog.of(ApplicationProtocolNegotiationHandler.class);
             CapturedLog pipeline = CapturedLog.of(DefaultChannelPipeline.class);
             Socket client = new Socket("127.0.0.1", fixture.port())) {
            client.setSoTimeout(10_000);
            OutputStream out = client.getOutputStream();
            // A handshake record whose client hello says it is 16 MB long, the most TLS allows.
            out.write(new byte[] {0x16, 0x03, 0x01, 0x00, 0x08, 0x01, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                    0x03, 0x03, 0x00, 0x00});
            out.flush();

            InputStream in = client.getInputStream();
            int first = in.read();
            assertThat(first == -1 || first == 0x15).as("closed, or an alert first; read %s", first).isTrue();
            assertThat(netty.messages()).as("a failed handshake, not a warning per connection").isEmpty();
            assertThat(pipeline.messages()).isEmpty();
        }
    }

    @Test
    void badNames_areRefusedNamingTheValue_andEachNameOnce() {
        TlsSettings base = pem("proxy");
        for (String bad : new String[] {"", "*", "*.", "a..b", "-a.example", "a_b.example", "a.*.example",
                "\u00e9t\u00e9.example", "host:443", "a.example.", "x".repeat(64) + ".example"}) {
            assertThatThrownBy(() -> base.withCertificateFor(bad, pem("other-host")))
                    .as(bad).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tls server name")
                    .hasMessageContaining("expected");
        }
        TlsSettings one = base.withCertificateFor("API.example", pem("other-host"));
        assertThat(one.serverNames()).containsExactly("api.example");
        assertThatThrownBy(() -> one.withCertificateFor("api.EXAMPLE", pem("backend")))
                .hasMessageContaining("api.example").hasMessageContaining("each name once");
        assertThatThrownBy(() -> base.withCertificateFor("b.example", one))
                .hasMessageContaining("of its own");
        assertThat(one.withHandshakeTimeout(Duration.ofSeconds(3)).serverNames()).as("kept by the other with...")
                .containsExactly("api.example");
        assertThat(one.toString()).contains("certificates for [api.example]");
    }
}
