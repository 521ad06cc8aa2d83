package dev.bluegreen.spring.boot;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.testing.PresentedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code bluegreen.tls.*}: the listener serves TLS with a Spring Boot SSL bundle's keys (PEM or key store, and the
 * bundle's protocols) or with PEM files, or the startup fails naming the property at fault; a bundle's updates are
 * served without a restart. The certificate {@code proxy.crt} under {@code src/test/resources/tls} is self-signed for
 * {@code localhost} and {@code 127.0.0.1}, {@code other-host.crt} for {@code other.example}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsPropertiesTest {

    private final TwoPools pools = new TwoPools();
    private final ApplicationContextRunner runner = pools.runner
            .withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class));

    @AfterEach
    void stopBackends() {
        pools.close();
    }

    @Test
    void pemFiles_serveTls() {
        runner.withPropertyValues("bluegreen.tls.certificate=" + resource("proxy.crt"),
                "bluegreen.tls.private-key=" + resource("proxy.key")).run(context -> {
                    assertThat(context).hasNotFailed();
                    int port = context.getBean(BlueGreenProxy.class).port();
                    assertThat(getOverTls(port, "TLSv1.3", "TLSv1.2")).startsWith("HTTP/1.1 200").endsWith("blue");
                });
    }

    @Test
    void pemBundle_servesTls() {
        runner.withPropertyValues("spring.ssl.bundle.pem.web.keystore.certificate=classpath:tls/proxy.crt",
                "spring.ssl.bundle.pem.web.keystore.private-key=classpath:tls/proxy.key",
                "bluegreen.tls.bundle=web").run(context -> {
                    assertThat(context).hasNotFailed();
                    int port = context.getBean(BlueGreenProxy.class).port();
                    assertThat(getOverTls(port, "TLSv1.3", "TLSv1.2")).startsWith("HTTP/1.1 200").endsWith("blue");
                });
    }

    @Test
    void aBundleReloadedOnUpdate_isServedToNewConnections(@TempDir Path dir) throws IOException {
        Path certificate = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        install("proxy", certificate, key);
        runner.withPropertyValues("spring.ssl.bundle.pem.web.keystore.certificate=file:" + certificate,
                "spring.ssl.bundle.pem.web.keystore.private-key=file:" + key,
                "spring.ssl.bundle.pem.web.reload-on-update=true",
                "spring.ssl.bundle.watch.file.quiet-period=50ms",
                "bluegreen.tls.bundle=web").run(context -> {
                    assertThat(context).hasNotFailed();
                    int port = context.getBean(BlueGreenProxy.class).port();
                    assertThat(PresentedCertificate.subjectAt(port)).isEqualTo("CN=localhost");

                    install("other-host", certificate, key);

                    await().atMost(Duration.ofSeconds(30)).until(() -> PresentedCertificate.subjectAt(port).equals("CN=other.example"));
                });
    }

    @Test
    void serverNameBundles_presentTheirCertificateToClientsAskingForTheName_andFollowUpdates(@TempDir Path dir)
            throws IOException {
        Path certificate = dir.resolve("named.pem");
        Path key = dir.resolve("named-key.pem");
        install("other-host", certificate, key);
        runner.withPropertyValues("spring.ssl.bundle.pem.named.keystore.certificate=file:" + certificate,
                "spring.ssl.bundle.pem.named.keystore.private-key=file:" + key,
                "spring.ssl.bundle.pem.named.reload-on-update=true",
                "spring.ssl.bundle.watch.file.quiet-period=50ms",
                "bluegreen.tls.certificate=" + resource("proxy.crt"),
                "bluegreen.tls.private-key=" + resource("proxy.key"),
                "bluegreen.tls.server-name-bundles[*.example]=named").run(context -> {
                    assertThat(context).hasNotFailed();
                    int port = context.getBean(BlueGreenProxy.class).port();
                    assertThat(subjectFor(port, "other.example")).isEqualTo("CN=other.example");
                    assertThat(PresentedCertificate.subjectAt(port)).as("no name: the listener's own")
                            .isEqualTo("CN=localhost");

                    install("proxy", certificate, key);

                    await().atMost(Duration.ofSeconds(30)).until(() -> subjectFor(port, "api.example")
                            .equals("CN=localhost"));
                });
    }

    private static String subjectFor(int port, String serverName) throws Exception {
        return PresentedCertificate.presentedFor(port, serverName).getSubjectX500Principal().getName();
    }

    @Test
    void serverNameBundles_areRefusedWithoutTls_forABadName_orAMissingBundle() {
        String bundle = "spring.ssl.bundle.pem.named.keystore.certificate=classpath:tls/other-host.crt";
        String bundleKey = "spring.ssl.bundle.pem.named.keystore.private-key=classpath:tls/other-host.key";
        String listener = "bluegreen.tls.certificate=" + resource("proxy.crt");
        String listenerKey = "bluegreen.tls.private-key=" + resource("proxy.key");

        assertRefusedWithSslBundlesNaming("bluegreen.tls.server-name-bundles[other.example]", "no TLS on the listener",
                bundle, bundleKey, "bluegreen.tls.server-name-bundles[other.example]=named");
        assertRefusedWithSslBundlesNaming("bluegreen.tls.server-name-bundles[bad_name]", "tls server name",
                bundle, bundleKey, listener, listenerKey, "bluegreen.tls.server-name-bundles[bad_name]=named");
        assertRefusedWithSslBundlesNaming("bluegreen.tls.server-name-bundles[other.example]",
                "expected: the name of a spring.ssl.bundle", listener, listenerKey,
                "bluegreen.tls.server-name-bundles[other.example]=nowhere");
    }

    @Test
    void adminTlsBundle_servesTheAdminEndpointOverHttps() {
        runner.withPropertyValues("spring.ssl.bundle.pem.web.keystore.certificate=classpath:tls/proxy.crt",
                "spring.ssl.bundle.pem.web.keystore.private-key=classpath:tls/proxy.key",
                "bluegreen.admin.enabled=true", "bluegreen.admin.listen=127.0.0.1:0",
                "bluegreen.admin.tls-bundle=web").run(context -> {
                    assertThat(context).hasNotFailed();
                    AdminEndpoint endpoint = context.getBean(AdminEndpoint.class);
                    assertThat(endpoint.servesTls()).isTrue();
                    assertThat(getOverTls(endpoint.port(), "TLSv1.3")).startsWith("HTTP/1.1 200");
                });
        assertRefusedWithSslBundlesNaming("bluegreen.admin.tls-bundle", "expected: the name of a spring.ssl.bundle",
                "bluegreen.admin.enabled=true", "bluegreen.admin.listen=127.0.0.1:0",
                "bluegreen.admin.tls-bundle=nowhere");
    }

    @Test
    void aClientCa_admitsOnlyClientsWithACertificate_andIsRefusedWithoutTls() {
        runner.withPropertyValues("bluegreen.tls.certificate=" + resource("proxy.crt"),
                "bluegreen.tls.private-key=" + resource("proxy.key"),
                "bluegreen.tls.client-ca=" + resource("proxy.crt")).run(context -> {
                    assertThat(context).hasNotFailed();
                    int port = context.getBean(BlueGreenProxy.class).port();
                    // The test client presents no certificate: the handshake, or the first read after it, fails.
                    assertThatThrownBy(() -> getOverTls(port, "TLSv1.3", "TLSv1.2")).isInstanceOf(Exception.class);
                });
        pools.assertRefused("bluegreen.tls.client-ca", resource("proxy.crt").toString(), "no TLS on the listener",
                "bluegreen.tls.client-ca=" + resource("proxy.crt"));
    }

    @Test
    void backendClientCertificate_isRefusedAloneWithoutTlsOrMismatched() {
        String certificate = "bluegreen.backend.client-certificate=" + resource("proxy.crt");
        String key = "bluegreen.backend.client-key=" + resource("proxy.key");
        String ca = "bluegreen.backend.ca=" + resource("proxy.crt");
        pools.assertRefused("bluegreen.backend.client-key", "", "the PEM private key that goes with", certificate);
        pools.assertRefused("bluegreen.backend.client-certificate", resource("proxy.crt").toString(),
                "no TLS to the backends", certificate, key);
        pools.assertRefused("bluegreen.backend.client-key", resource("backend.key").toString(), "does not match", ca,
                certificate, "bluegreen.backend.client-key=" + resource("backend.key"));
        pools.runner.withPropertyValues(ca, certificate, key).run(context -> assertThat(context).hasNotFailed());
    }

    /** Copies the test pair {@code name} over the files the bundle reads, as a renewal in place does. */
    private static void install(String name, Path certificate, Path key) throws IOException {
        Files.copy(resource(name + ".crt"), certificate, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(resource(name + ".key"), key, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void keyStoreBundle_servesTls_withTheBundlesProtocolsOnly() {
        runner.withPropertyValues("spring.ssl.bundle.jks.store.keystore.location=classpath:tls/proxy.p12",
                "spring.ssl.bundle.jks.store.keystore.password=changeit",
                "spring.ssl.bundle.jks.store.keystore.type=PKCS12",
                "spring.ssl.bundle.jks.store.options.enabled-protocols=TLSv1.3",
                "bluegreen.tls.bundle=store").run(context -> {
                    assertThat(context).hasNotFailed();
                    int port = context.getBean(BlueGreenProxy.class).port();
                    assertThat(getOverTls(port, "TLSv1.3")).startsWith("HTTP/1.1 200").endsWith("blue");
                    // The proxy's default would take TLS 1.2; the bundle's options leave only 1.3.
                    assertThatThrownBy(() -> getOverTls(port, "TLSv1.2")).hasRootCauseInstanceOf(SSLException.class);
                });
    }

    @Test
    void invalidSettings_failTheStartupNamingTheProperty() {
        String certificate = "bluegreen.tls.certificate=" + resource("proxy.crt");
        String privateKey = "bluegreen.tls.private-key=" + resource("proxy.key");
        // The context of TwoPools has no SslAutoConfiguration.
        pools.assertRefused("bluegreen.tls.bundle", "web", "the application context has no SSL bundles",
                "bluegreen.tls.bundle=web");
        pools.assertRefused("bluegreen.tls.bundle", "web", "not both", "bluegreen.tls.bundle=web", certificate,
                privateKey);
        pools.assertRefused("bluegreen.tls.private-key", "", "the PEM private key that goes with", certificate);
        pools.assertRefused("bluegreen.tls.certificate", "", "the PEM certificate chain that goes with", privateKey);
        pools.assertRefused("bluegreen.tls.key-password", "******", "no bluegreen.tls.private-key is set",
                "bluegreen.tls.key-password=secret");
        pools.assertRefused("bluegreen.tls.key-password", "******", "a bundle has its own",
                "bluegreen.tls.key-password=secret", "bluegreen.tls.bundle=web");
        pools.assertRefused("bluegreen.tls.certificate", "/nowhere/cert.pem", "expected: a readable PEM file",
                "bluegreen.tls.certificate=/nowhere/cert.pem", privateKey);
        pools.assertRefused("bluegreen.tls.certificate", resource("proxy.key").toString(),
                "tls certificate chain " + resource("proxy.key") + ": not usable: ",
                "bluegreen.tls.certificate=" + resource("proxy.key"), privateKey);
        // The key file at fault is blamed on the key's property, a key of another certificate among them.
        pools.assertRefused("bluegreen.tls.private-key", resource("backend.key").toString(),
                "does not match the certificate", certificate, "bluegreen.tls.private-key=" + resource("backend.key"));
        pools.assertRefused("bluegreen.tls.private-key", resource("proxy.crt").toString(),
                "tls private key " + resource("proxy.crt") + ": not usable: ", certificate,
                "bluegreen.tls.private-key=" + resource("proxy.crt"));
    }

    @Test
    void bundles_thatCantServe_failTheStartupNamingTheBundle() {
        assertRefusedWithSslBundles("expected: the name of a spring.ssl.bundle", "bluegreen.tls.bundle=nowhere");
        assertRefusedWithSslBundles("the bundle has no key store",
                "spring.ssl.bundle.pem.trust.truststore.certificate=classpath:tls/proxy.crt",
                "bluegreen.tls.bundle=trust");
        assertRefusedWithSslBundles("tls protocols: [TLSv1.1]",
                "spring.ssl.bundle.pem.old.keystore.certificate=classpath:tls/proxy.crt",
                "spring.ssl.bundle.pem.old.keystore.private-key=classpath:tls/proxy.key",
                "spring.ssl.bundle.pem.old.options.enabled-protocols=TLSv1.1",
                "bluegreen.tls.bundle=old");
    }

    /** Like {@link TwoPools#assertRefused}, in a context with Spring Boot's SSL bundles. */
    private void assertRefusedWithSslBundles(String reason, String... settings) {
        assertRefusedWithSslBundlesNaming("bluegreen.tls.bundle", reason, settings);
    }

    private void assertRefusedWithSslBundlesNaming(String property, String reason, String... settings) {
        runner.withPropertyValues(settings).run(context -> assertThat(context.getStartupFailure())
                .as(String.join(", ", settings)).rootCause()
                .hasMessageContaining("Property " + property + " with value")
                .hasMessageContaining(reason));
    }

    /** A GET over TLS, offering only {@code protocols} and trusting the test certificate; the whole answer. */
    private static String getOverTls(int port, String... protocols) {
        try (SSLSocket socket = (SSLSocket) trustingTheTestCertificate().getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(protocols);
            socket.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), ISO_8859_1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SSLContext trustingTheTestCertificate() {
        try (InputStream in = TlsPropertiesTest.class.getResourceAsStream("/tls/proxy.crt")) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            trust.setCertificateEntry("proxy", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path resource(String name) {
        try {
            return Path.of(TlsPropertiesTest.class.getResource("/tls/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
