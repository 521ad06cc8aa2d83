package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import dev.bluegreen.testing.RawHttpClient;
import io.netty.util.concurrent.Future;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS termination on the listener: handshake, ALPN, protocol versions, key sources. Real sockets. */
class TlsTest {

    /** What a JDK TLS client saw: the protocol ALPN chose and the whole HTTP/1.1 response. */
    private record TlsExchange(String alpn, String tlsVersion, String response) {
    }

    /** One HTTP/1.1 GET with {@code Connection: close} over a JDK TLS socket offering {@code alpn} (none if empty). */
    private static TlsExchange http11OverTls(int port, String... alpn) throws IOException {
        try (SSLSocket socket = (SSLSocket) TlsFixtures.jdkClientContext().getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            if (alpn.length > 0) {
                parameters.setApplicationProtocols(alpn);
            }
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                response.write(buffer, 0, n);
            }
            return new TlsExchange(socket.getApplicationProtocol(), socket.getSession().getProtocol(),
                    response.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void http11OverTls_isProxied() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls()))) {
            TlsExchange exchange = http11OverTls(fixture.port(), "http/1.1");

            assertThat(exchange.alpn()).isEqualTo("http/1.1");
            assertThat(exchange.tlsVersion()).isEqualTo("TLSv1.3");
            assertThat(exchange.response()).startsWith("HTTP/1.1 200").endsWith("blue-1");
            assertThat(fixture.blue().requestCount()).isEqualTo(1);
            assertThat(fixture.blue().requests().get(0).header("X-Forwarded-Proto")).isEqualTo("https");
        }
    }

    @Test
    void clientWithoutAlpn_getsHttp11() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls()))) {
            TlsExchange exchange = http11OverTls(fixture.port());

            assertThat(exchange.alpn()).isEmpty();
            assertThat(exchange.response()).startsWith("HTTP/1.1 200").endsWith("blue-1");
        }
    }

    @Test
    void alpn_picksH2_whenTheClientOffersIt() {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls()));
             H2Client client = H2Client.tls(fixture.port(), TlsFixtures.clientContext("h2", "http/1.1"))) {
            H2Client.Response response = H2Client.await(client.get("/over-h2"));

            assertThat(client.negotiatedProtocol()).isEqualTo("h2");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("blue-1");
            assertThat(fixture.blue().requests().get(0).uri()).isEqualTo("/over-h2");
        }
    }

    @Test
    void alpn_picksHttp11_whenHttp2IsDisabled() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls())
                .http2(Http2Options.disabled()))) {
            TlsExchange exchange = http11OverTls(fixture.port(), "h2", "http/1.1");

            assertThat(exchange.alpn()).isEqualTo("http/1.1");
            assertThat(exchange.response()).startsWith("HTTP/1.1 200").endsWith("blue-1");
        }
    }

    @Test
    void tls11_isRefused_tls12_isAccepted() {
        // BoringSSL still speaks TLS 1.1 as a client, so the refusal seen here is the proxy's.
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls()))) {
            Future<Channel> tls11 = handshake(group, fixture.port(), "TLSv1.1");
            Future<Channel> tls12 = handshake(group, fixture.port(), "TLSv1.2");

            assertThat(tls11.awaitUninterruptibly(15, TimeUnit.SECONDS)).isTrue();
            assertThat(tls11.isSuccess()).isFalse();
            assertThat(tls11.cause()).hasMessageContaining("PROTOCOL_VERSION");
            assertThat(tls12.awaitUninterruptibly(15, TimeUnit.SECONDS)).isTrue();
            assertThat(tls12.isSuccess()).isTrue();
            tls12.getNow().close().awaitUninterruptibly(5_000);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
        }
    }

    /** A handshake by an OpenSSL client that offers only {@code protocol}. */
    private static Future<Channel> handshake(EventLoopGroup group, int port, String protocol) {
        SslContext context;
        try {
            context = SslContextBuilder.forClient().sslProvider(SslProvider.OPENSSL)
                    .trustManager(TlsFixtures.resource("proxy.crt").toFile())
                    .protocols(protocol)
                    .build();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        // Kept from the initializer: a refused handshake can close the channel (and empty its pipeline) before
        // connect() returns.
        java.util.concurrent.atomic.AtomicReference<SslHandler> tls = new java.util.concurrent.atomic.AtomicReference<>();
        new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SslHandler handler = context.newHandler(ch.alloc(), "localhost", port);
                        tls.set(handler);
                        ch.pipeline().addLast(handler);
                    }
                })
                .connect("127.0.0.1", port).syncUninterruptibly();
        return tls.get().handshakeFuture();
    }

    @Test
    void clientThatNeverCompletesTheHandshake_isClosedAtTheHandshakeTimeout() throws Exception {
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(TlsFixtures.proxyTls()
                .withHandshakeTimeout(Duration.ofMillis(300))));
             RawHttpClient silent = RawHttpClient.connect(fixture.port())) {
            // Nothing is sent: no ClientHello. Only the handshake timeout can end this connection, and well before
            // the 10 s default.
            assertThat(silent.isClosedByPeer(Duration.ofSeconds(5))).isTrue();
        }
    }

    @Test
    void keyStore_servesTheSameCertificate() throws Exception {
        KeyStore keyStore = proxyKeyStore();
        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(
                TlsSettings.fromKeyStore(keyStore, "changeit".toCharArray())))) {
            TlsExchange exchange = http11OverTls(fixture.port(), "http/1.1");

            assertThat(exchange.response()).startsWith("HTTP/1.1 200").endsWith("blue-1");
        }
    }

    @Test
    void keyManagerFactory_servesTheCertificateOfItsKeys_andAnUninitialisedOneIsRefused() throws Exception {
        KeyStore keyStore = proxyKeyStore();
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        assertThatThrownBy(() -> TlsSettings.fromKeyManagerFactory(keyManagers, "bundle web"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tls: bundle web: the key manager factory is not initialised");
        keyManagers.init(keyStore, "changeit".toCharArray());

        try (ProxyFixture fixture = ProxyFixture.start(b -> b.tls(
                TlsSettings.fromKeyManagerFactory(keyManagers, "bundle web")))) {
            TlsExchange exchange = http11OverTls(fixture.port(), "http/1.1");

            assertThat(exchange.response()).startsWith("HTTP/1.1 200").endsWith("blue-1");
        }
    }

    /** The proxy's test certificate and key as a PKCS#12 key store, password {@code changeit}. */
    private static KeyStore proxyKeyStore() throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TlsFixtures.resource("proxy.p12"))) {
            keyStore.load(in, "changeit".toCharArray());
        }
        return keyStore;
    }

    @Test
    void tlsSettings_rejectBadInput(@TempDir Path dir) throws Exception {
        Path missing = dir.resolve("missing.pem");
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");

        assertThatThrownBy(() -> TlsSettings.fromPem(missing, TlsFixtures.resource("proxy.key")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
        assertThatThrownBy(() -> TlsSettings.fromPem(notPem, TlsFixtures.resource("proxy.key")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not.pem");
        assertThatThrownBy(() -> TlsFixtures.proxyTls().withProtocols("TLSv1.1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TLSv1.1");
        KeyStore empty = KeyStore.getInstance("PKCS12");
        empty.load(null, null);
        assertThatThrownBy(() -> TlsSettings.fromKeyStore(empty, new char[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no key entry");
        assertThat(TlsFixtures.proxyTls().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        // Taken before: each connection's handshake timer overflowed and every TLS connection was closed at once.
        assertThatThrownBy(() -> TlsFixtures.proxyTls().withHandshakeTimeout(Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tls handshakeTimeout: 9223372036854775807s (expected: at most 365d)");
    }

    @Test
    void tlsSettings_refuseAKeyThatIsNotTheCertificates_namingBothFiles() {
        // Both parse, and both engines build a context from them: every handshake then failed with an alert.
        Path certificate = TlsFixtures.resource("proxy.crt");
        Path otherKey = TlsFixtures.resource("backend.key");

        assertThatThrownBy(() -> TlsSettings.fromPem(certificate, otherKey))
                .isInstanceOfSatisfying(TlsFileException.class, refused -> {
                    assertThat(refused.isPrivateKey()).isTrue();
                    assertThat(refused.file()).isEqualTo(otherKey);
                })
                .hasMessageContaining("does not match").hasMessageContaining("backend.key")
                .hasMessageContaining("proxy.crt");
    }

    @Test
    void tlsSettings_sayWhichFileIsAtFault(@TempDir Path dir) throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello");
        Path certificate = TlsFixtures.resource("proxy.crt");
        Path key = TlsFixtures.resource("proxy.key");

        assertThatThrownBy(() -> TlsSettings.fromPem(garbage, key))
                .isInstanceOfSatisfying(TlsFileException.class, refused -> assertThat(refused.isPrivateKey()).isFalse())
                .hasMessageContaining("garbage.pem");
        assertThatThrownBy(() -> TlsSettings.fromPem(certificate, garbage))
                .isInstanceOfSatisfying(TlsFileException.class, refused -> assertThat(refused.isPrivateKey()).isTrue())
                .hasMessageContaining("garbage.pem");
        assertThatThrownBy(() -> TlsSettings.fromPem(certificate, dir.resolve("missing.pem")))
                .isInstanceOfSatisfying(TlsFileException.class, refused -> assertThat(refused.isPrivateKey()).isTrue());
        // A certificate and its key in one file: the same path for both, and it serves.
        Path both = Files.writeString(dir.resolve("both.pem"), Files.readString(certificate) + Files.readString(key));
        assertThat(TlsSettings.fromPem(both, both).protocols()).isNotEmpty();
    }
}
