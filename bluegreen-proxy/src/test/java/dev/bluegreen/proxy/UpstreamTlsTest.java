package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** TLS from the proxy to its backends: the backend's certificate is verified, chain and name. */
class UpstreamTlsTest {

    /** One GET through a proxy whose only backend is {@code backend}, with {@code tls} to it. */
    private static RawResponse getThrough(TlsFixtures.TlsBackend backend, UpstreamTls tls) {
        try (BlueGreen admin = BlueGreen.builder()
                .blue("v1", java.util.List.of(Backend.of("127.0.0.1", backend.port())))
                .green("v2", java.util.List.of())
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
