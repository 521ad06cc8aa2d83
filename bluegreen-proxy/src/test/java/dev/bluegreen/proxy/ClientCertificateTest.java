package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS on the listener: only clients whose certificate chains to the configured CA get to send a request, and
 * the backend learns which certificate it was.
 */
class ClientCertificateTest {

    /** Clients must present a certificate that proxy.crt (self-signed) vouches for: proxy.crt itself. */
    private static TlsSettings requiringTheProxysOwnCertificate() {
        return TlsFixtures.proxyTls().requiringClientCertificates(TlsFixtures.resource("proxy.crt"));
    }

    /** A GET with {@code Connection: close}, presenting the key of {@code proxy.p12} if {@code withCertificate}. */
    private static String get(int port, boolean withCertificate) throws Exception {
        return get(port, withCertificate, "");
    }

    /** A client context trusting {@code proxy.p12}'s certificate, presenting its key if {@code withCertificate}. */
    private static SSLContext clientContext(boolean withCertificate) throws Exception {
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
        return context;
    }

    /** As {@link #get(int, boolean)}, with {@code extraHeaders} (each line ending in CRLF) in the head. */
    private static String get(int port, boolean withCertificate, String extraHeaders) throws Exception {
        SSLContext context = clientContext(withCertificate);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
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
    void theVerifiedCertificate_isPassedToTheBackend_andAClaimedOneIsNot() throws Exception {
        X509Certificate presented;
        try (InputStream in = Files.newInputStream(TlsFixtures.resource("proxy.crt"))) {
            presented = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(presented.getEncoded()));
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(requiringTheProxysOwnCertificate()))) {
            assertThat(get(fixture.port(), true, "X-Forwarded-Client-Cert: Hash=forged;Subject=\"CN=admin\"\r\n"))
                    .startsWith("HTTP/1.1 200");

            assertThat(fixture.blue().requests().get(0).headers("X-Forwarded-Client-Cert"))
                    .containsExactly("Hash=" + hash + ";Subject=\"CN=localhost\";DNS=localhost");
        }
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(requiringTheProxysOwnCertificate()))) {
            HttpClient client = HttpClient.newBuilder().sslContext(clientContext(true))
                    .version(HttpClient.Version.HTTP_2).build();
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + fixture.port() + "/")).build(), BodyHandlers.ofString());

            assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(fixture.blue().requests().get(0).headers("X-Forwarded-Client-Cert")).as("over HTTP/2")
                    .containsExactly("Hash=" + hash + ";Subject=\"CN=localhost\";DNS=localhost");
        }
        try (ProxyFixture plainTls = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls()))) {
            assertThat(get(plainTls.port(), true, "X-Forwarded-Client-Cert: Hash=forged\r\n"))
                    .startsWith("HTTP/1.1 200");

            assertThat(plainTls.blue().requests().get(0).headers("X-Forwarded-Client-Cert"))
                    .as("no certificate asked for: none passed, and none claimed").isEmpty();
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
