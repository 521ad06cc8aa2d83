package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS from the proxy to its backends: the backend's certificate is verified, chain and name. */
class UpstreamTlsTest {

    /** One GET through a proxy whose only backend is {@code backend}, with {@code tls} to it. */
    private static RawResponse getThrough(TlsFixtures.TlsBackend backend, UpstreamTls tls) {
        try (BlueGreen admin = BlueGreen.builder()
                .blue("v1", List.of(Backend.of("127.0.0.1", backend.port())))
                .green("v2", List.of())
                .build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1)
                    .upstreamTls(tls).build();
            proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                return client.get("/");
            } finally {
                proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }

    /** The health verdict on {@code backend} once it settles, with active checks over {@code tls}. */
    private static BackendHealth checkedHealth(TlsFixtures.TlsBackend backend, UpstreamTls tls, HealthState until) {
        Backend blue = Backend.of("127.0.0.1", backend.port());
        try (BlueGreen admin = BlueGreen.builder()
                .blue("v1", List.of(blue))
                .green("v2", List.of())
                .build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1)
                    .upstreamTls(tls)
                    .healthChecks(HealthCheckSettings.defaults().withInterval(Duration.ofMillis(200)))
                    .build();
            proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
            try {
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> proxy.health(Colour.BLUE, blue).state() == until);
                return proxy.health(Colour.BLUE, blue);
            } finally {
                proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }

    @Test
    void aBackendThatAsksForAClientCertificate_getsTheConfiguredOne() {
        // The backend admits clients whose certificate is proxy.crt; the proxy presents it with its key.
        Path trustedClient = TlsFixtures.resource("proxy.crt");
        try (TlsFixtures.TlsBackend backend = new TlsFixtures.TlsBackend("backend", trustedClient)) {
            UpstreamTls trusting = UpstreamTls.verifying(TlsFixtures.resource("backend.crt"));

            assertThat(getThrough(backend, trusting).status()).as("no client certificate").isEqualTo(502);
            RawResponse admitted = getThrough(backend, trusting.withClientCertificate(TlsFixtures.resource("proxy.crt"),
                    TlsFixtures.resource("proxy.key")));
            assertThat(admitted.status()).isEqualTo(200);
            assertThat(admitted.bodyText()).isEqualTo("tls-backend");
            assertThat(checkedHealth(backend, trusting.withClientCertificate(TlsFixtures.resource("proxy.crt"),
                    TlsFixtures.resource("proxy.key")), HealthState.HEALTHY).lastReason()).isEqualTo("status 200");
        }
    }

    @Test
    void aClientCertificateWhoseKeyIsAnothers_isRefusedNamingTheKey() {
        UpstreamTls trusting = UpstreamTls.verifying(TlsFixtures.resource("backend.crt"));

        assertThatThrownBy(() -> trusting.withClientCertificate(TlsFixtures.resource("proxy.crt"),
                TlsFixtures.resource("backend.key")))
                .isInstanceOfSatisfying(TlsFileException.class, refused -> assertThat(refused.isPrivateKey()).isTrue())
                .hasMessageContaining("backend.key").hasMessageContaining("does not match");
        assertThat(trusting.withClientCertificate(TlsFixtures.resource("proxy.crt"), TlsFixtures.resource("proxy.key")))
                .hasToString("UpstreamTls[PEM " + TlsFixtures.resource("backend.crt") + ", client certificate "
                        + TlsFixtures.resource("proxy.crt") + "]");
    }

    @Test
    void healthChecks_speakTlsToo() {
        // Cleartext checks against a TLS backend would fail and take every backend out of service.
        try (TlsFixtures.TlsBackend backend = new TlsFixtures.TlsBackend("backend")) {
            BackendHealth health = checkedHealth(backend,
                    UpstreamTls.verifying(TlsFixtures.resource("backend.crt")), HealthState.HEALTHY);

            assertThat(health.lastReason()).isEqualTo("status 200");
        }
    }

    @Test
    void healthChecks_verifyTheBackendsCertificate() {
        try (TlsFixtures.TlsBackend backend = new TlsFixtures.TlsBackend("backend")) {
            BackendHealth health = checkedHealth(backend,
                    UpstreamTls.verifying(TlsFixtures.resource("other-host.crt")), HealthState.UNHEALTHY);

            assertThat(health.lastReason()).doesNotContain("status");
        }
    }

    @Test
    void badTrustInput_isRefusedWithTheValue(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "hello");

        assertThatThrownBy(() -> UpstreamTls.verifying(dir.resolve("missing.pem")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("missing.pem");
        assertThatThrownBy(() -> UpstreamTls.verifying(notPem))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not.pem");
        assertThat(UpstreamTls.verifyingWithSystemTrust().hostnameVerification()).isTrue();
        assertThat(UpstreamTls.verifyingWithSystemTrust().withoutHostnameVerification().hostnameVerification())
                .isFalse();
    }

    @Test
    void trustedBackend_isReachedOverTls() {
        try (TlsFixtures.TlsBackend backend = new TlsFixtures.TlsBackend("backend")) {
            RawResponse response = getThrough(backend, UpstreamTls.verifying(TlsFixtures.resource("backend.crt")));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.bodyText()).isEqualTo("tls-backend");
        }
    }

    @Test
    void untrustedCertificate_is502() {
        try (TlsFixtures.TlsBackend backend = new TlsFixtures.TlsBackend("backend")) {
            RawResponse response = getThrough(backend, UpstreamTls.verifying(TlsFixtures.resource("other-host.crt")));

            assertThat(response.status()).isEqualTo(502);
        }
    }

    @Test
    void systemTrust_doesNotTrustASelfSignedBackend() {
        try (TlsFixtures.TlsBackend backend = new TlsFixtures.TlsBackend("backend")) {
            assertThat(getThrough(backend, UpstreamTls.verifyingWithSystemTrust()).status()).isEqualTo(502);
        }
    }

    @Test
    void certificateForAnotherHost_is502_unlessHostnameVerificationIsOff() {
        // Trusted chain, but the certificate names other.example and the backend is 127.0.0.1.
        try (TlsFixtures.TlsBackend backend = new TlsFixtures.TlsBackend("other-host")) {
            UpstreamTls trusting = UpstreamTls.verifying(TlsFixtures.resource("other-host.crt"));

            assertThat(getThrough(backend, trusting).status()).isEqualTo(502);
            RawResponse unverifiedName = getThrough(backend, trusting.withoutHostnameVerification());
            assertThat(unverifiedName.status()).isEqualTo(200);
            assertThat(unverifiedName.bodyText()).isEqualTo("tls-backend");
        }
    }
}
