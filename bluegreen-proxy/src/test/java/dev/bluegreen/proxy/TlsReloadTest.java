package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.testing.PresentedCertificate;
import dev.bluegreen.testing.RawHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A certificate renewed while the proxy runs: served from the next connection on, never half of one. */
class TlsReloadTest {

    /** The files the proxy is configured with, which a renewal overwrites in place. */
    private static Path live(Path dir, String file, String from) throws IOException {
        return Files.copy(TlsFixtures.resource(from), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }

    private static void renew(Path dir, String from) throws IOException {
        live(dir, "cert.pem", from + ".crt");
        live(dir, "key.pem", from + ".key");
    }

    /** One GET with {@code Connection: close} on {@code socket}; the whole response. */
    private static String get(SSLSocket socket) throws IOException {
        socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        in.transferTo(response);
        return response.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aCertificateRenewedInPlace_isServedToNewConnections_andOpenOnesKeepTheirs(@TempDir Path dir)
            throws Exception {
        renew(dir, "proxy");
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(
                TlsSettings.fromPem(dir.resolve("cert.pem"), dir.resolve("key.pem"))))) {
            String before = PresentedCertificate.subjectAt(fixture.port());
            try (SSLSocket opened = PresentedCertificate.connectTrustingAny(fixture.port())) {
                renew(dir, "other-host");
                assertThat(PresentedCertificate.subjectAt(fixture.port())).as("not served before the reload")
                        .isEqualTo(before);

                fixture.proxy.reloadTls();

                String after = PresentedCertificate.subjectAt(fixture.port());
                assertThat(after).isNotEqualTo(before).contains("other.example");
                assertThat(PresentedCertificate.subject(opened)).isEqualTo(before);
                assertThat(get(opened)).startsWith("HTTP/1.1 200").endsWith("blue-1");
            }
        }
    }

    @Test
    void aRenewalHalfDone_isRefusedNamingTheFile_andTheCertificateServedStays(@TempDir Path dir) throws Exception {
        renew(dir, "proxy");
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(
                TlsSettings.fromPem(dir.resolve("cert.pem"), dir.resolve("key.pem"))))) {
            String before = PresentedCertificate.subjectAt(fixture.port());
            // The new certificate is in place, its key not yet.
            live(dir, "cert.pem", "other-host.crt");

            assertThatThrownBy(fixture.proxy::reloadTls).isInstanceOf(TlsFileException.class)
                    .hasMessageContaining("does not match").hasMessageContaining("key.pem");

            try (SSLSocket socket = PresentedCertificate.connectTrustingAny(fixture.port())) {
                assertThat(PresentedCertificate.subject(socket)).isEqualTo(before);
                assertThat(get(socket)).startsWith("HTTP/1.1 200").endsWith("blue-1");
            }
        }
    }

    @Test
    void replacedSettings_bringTheirHandshakeTimeoutToo() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls()))) {
            fixture.proxy.replaceTls(TlsFixtures.proxyTls().withHandshakeTimeout(Duration.ofMillis(300)));

            try (RawHttpClient silent = RawHttpClient.connect(fixture.port())) {
                // No ClientHello: only the replaced settings' handshake timeout ends this before the 10 s default.
                assertThat(silent.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
            }
        }
    }

    @Test
    void aCleartextProxy_hasNoTlsToReload() {
        try (ProxyFixture fixture = ProxyFixture.start()) {
            assertThatThrownBy(fixture.proxy::reloadTls).isInstanceOf(IllegalStateException.class)
                    .hasMessage("proxy: serves cleartext (expected: a proxy built with tls(...))");
            assertThatThrownBy(() -> fixture.proxy.replaceTls(TlsFixtures.proxyTls()))
                    .isInstanceOf(IllegalStateException.class);
        }
    }
}
