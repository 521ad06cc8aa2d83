package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mutual TLS on the listener: only clients whose certificate chains to the configured CA get to send a request. */
class ClientCertificateTest {

    /** Clients must present a certificate that proxy.crt (self-signed) vouches for: proxy.crt itself. */
    private static TlsSettings requiringTheProxysOwnCertificate() {
        return TlsFixtures.proxyTls().requiringClientCertificates(TlsFixtures.resource("proxy.crt"));
    }

    /** A GET with {@code Connection: close}, presenting the key of {@code proxy.p12} if {@code withCertificate}. */
    private static String get(int port, boolean withCertificate) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TlsFixtures.resource("proxy.p12"))) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(withCertificate ? keyManagers.getKeyManagers() : null, trust.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aClientWithATrustedCertificate_isServed_oneWithoutIsNot() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(requiringTheProxysOwnCertificate()))) {
            assertThat(get(fixture.port(), true)).startsWith("HTTP/1.1 200").endsWith("blue-1");

            assertThatThrownBy(() -> get(fixture.port(), false)).isInstanceOf(IOException.class);
            assertThat(fixture.blue().requestCount()).isEqualTo(1);
        }
    }

    @Test
    void aClientCaFileThatIsMissingOrNotPem_isRefusedNamingIt(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.pem");
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello");

        assertThatThrownBy(() -> TlsFixtures.proxyTls().requiringClientCertificates(missing))
                .isInstanceOf(TlsFileException.class).hasMessageContaining("missing.pem");
        assertThatThrownBy(() -> TlsFixtures.proxyTls().requiringClientCertificates(garbage))
                .isInstanceOf(TlsFileException.class).hasMessageContaining("garbage.pem");
        assertThat(requiringTheProxysOwnCertificate().withHandshakeTimeout(java.time.Duration.ofSeconds(3)))
                .hasToString("TlsSettings[PEM " + TlsFixtures.resource("proxy.crt") + ", [TLSv1.3, TLSv1.2], handshake"
                        + " timeout PT3S, client certificates trusted by " + TlsFixtures.resource("proxy.crt") + "]");
    }
}
