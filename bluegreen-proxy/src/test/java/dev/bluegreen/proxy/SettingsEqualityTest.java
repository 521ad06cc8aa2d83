package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.watch.WatchListener;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * The settings classes of the public API that are not records compare by their settings, not by identity: two built
 * the same way are equal and hash alike, and one setting apart makes them unequal.
 */
class SettingsEqualityTest {

    /** {@code same} equals {@code one} (both ways, with the same hash), and each of {@code others} differs. */
    @SafeVarargs
    private static <T> void assertValue(T one, T same, T... others) {
        assertThat(one).isEqualTo(same).hasSameHashCodeAs(same).isNotSameAs(same).isNotEqualTo(null)
                .isNotEqualTo("not settings");
        assertThat(same).isEqualTo(one);
        for (T other : others) {
            assertThat(one).as("%s against %s", one, other).isNotEqualTo(other);
            assertThat(other).as("%s against %s", other, one).isNotEqualTo(one);
        }
    }

    @Test
    void previewRule_comparesHeaderNamesInAnyCase_cookieNamesExactly_andTheSecret() {
        assertValue(PreviewRule.header("X-Preview"), PreviewRule.header("x-preview"),
                PreviewRule.cookie("X-Preview"), PreviewRule.header("X-Other"),
                PreviewRule.header("X-Preview").withSecret("s3cret"));
        assertValue(PreviewRule.cookie("preview").withSecret("s3cret"),
                PreviewRule.cookie("preview").withSecret("s3cret"),
                PreviewRule.cookie("Preview").withSecret("s3cret"), PreviewRule.cookie("preview").withSecret("other"),
                PreviewRule.cookie("preview"));
    }

    @Test
    void stickySessions_compareEverySetting() {
        assertValue(StickySessions.fromHeader("X-Session"), StickySessions.fromHeader("x-session"),
                StickySessions.fromCookie("X-Session"), StickySessions.fromHeader("X-User"),
                StickySessions.fromHeader("X-Session").idleTtl(Duration.ofMinutes(1)),
                StickySessions.fromHeader("X-Session").maximumSize(10));
        assertValue(StickySessions.proxyCookie("bg").secureCookie(true),
                StickySessions.proxyCookie("bg").secureCookie(true), StickySessions.proxyCookie("bg"),
                StickySessions.proxyCookie("BG").secureCookie(true),
                StickySessions.fromCookie("bg").secureCookie(true));
    }

    @Test
    void http2Options_compareEverySetting() {
        assertValue(Http2Options.defaults().withMaxConcurrentStreams(50),
                Http2Options.defaults().withMaxConcurrentStreams(50), Http2Options.defaults(),
                Http2Options.disabled().withMaxConcurrentStreams(50),
                Http2Options.defaults().withMaxConcurrentStreams(50).withCleartext(false),
                Http2Options.defaults().withMaxConcurrentStreams(50).withMaxHeaderListSize(4096),
                Http2Options.defaults().withMaxConcurrentStreams(50).withInitialWindowSize(1 << 20),
                Http2Options.defaults().withMaxConcurrentStreams(50).withMaxResetStreams(10, Duration.ofSeconds(30)),
                Http2Options.defaults().withMaxConcurrentStreams(50).withMaxResetStreams(200, Duration.ofSeconds(9)));
        assertValue(Http2Options.disabled(), Http2Options.disabled(), Http2Options.defaults());
    }

    @Test
    void mirrorSettings_compareEverySetting_setsInAnyOrder() {
        MirrorSettings one = MirrorSettings.percent(10).withMethods(List.of("GET", "HEAD"))
                .withStrippedHeaders("Authorization", "Cookie").withAgreementGuard(0.99)
                .withRouteTemplates("/users/{id}", "/orders/{id}");
        MirrorSettings same = MirrorSettings.percent(10).withMethods(List.of("HEAD", "GET"))
                .withStrippedHeaders("cookie", "authorization").withAgreementGuard(0.99)
                .withRouteTemplates("/users/{id}", "/orders/{id}");
        assertValue(one, same, one.withPercent(11), one.withMethods(List.of("GET")), one.withMaxBodySize(1024),
                one.withMaxInFlightPerLoop(1), one.withTimeout(Duration.ofSeconds(1)), one.withStrippedHeaders(),
                one.withMarkerHeader(null), one.withComparedHeaders("etag"), one.withIgnoredBodyTypes("image/*"),
                one.withIgnoredJsonMembers("id"), one.withMaxJsonSize(2048), one.withAgreementGuard(0.9),
                one.withAgreementGuard(0.99, 10), one.withAgreementWindow(100),
                one.withRouteTemplates("/orders/{id}", "/users/{id}"), one.withMaxRoutes(5), one.withMaxSamples(1),
                one.withSampleBodySize(16));
    }

    @Test
    void smokeCheck_comparesWhatItSendsAndExpects() {
        SmokeCheck one = SmokeCheck.get("/health").expectStatus(200).expectBodyContaining("up")
                .timeout(Duration.ofSeconds(2));
        SmokeCheck same = SmokeCheck.get("/health").expectStatus(200).expectBodyContaining("up")
                .timeout(Duration.ofSeconds(2));
        assertValue(one, same, SmokeCheck.get("/ready").expectStatus(200).expectBodyContaining("up")
                        .timeout(Duration.ofSeconds(2)), one.expectStatus(204), one.expectBodyContaining("down"),
                one.timeout(Duration.ofSeconds(3)), one.named("checkout"), SmokeCheck.get("/health"));
    }

    @Test
    void tlsSettings_fromPem_compareByTheFilesAndEverySetting() {
        TlsSettings one = TlsFixtures.proxyTls().withProtocols("TLSv1.3")
                .withCertificateFor("other.example", TlsSettings.fromPem(TlsFixtures.resource("other-host.crt"),
                        TlsFixtures.resource("other-host.key")));
        TlsSettings same = TlsFixtures.proxyTls().withProtocols("TLSv1.3")
                .withCertificateFor("OTHER.example", TlsSettings.fromPem(TlsFixtures.resource("other-host.crt"),
                        TlsFixtures.resource("other-host.key")));
        TlsSettings backendKeys = TlsSettings.fromPem(TlsFixtures.resource("backend.crt"),
                TlsFixtures.resource("backend.key")).withProtocols("TLSv1.3");
        assertValue(one, same, TlsFixtures.proxyTls().withProtocols("TLSv1.3"), backendKeys,
                one.withProtocols("TLSv1.2"), one.withCiphers(List.of("TLS_AES_128_GCM_SHA256")),
                one.withHandshakeTimeout(Duration.ofSeconds(1)),
                one.requiringClientCertificates(TlsFixtures.resource("backend.crt")));
        assertThat(one.reread()).as("the same files, read again").isEqualTo(one);
    }

    @Test
    void tlsSettings_fromAKeyManagerFactory_areEqualOnlyForTheSameFactory() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(TlsFixtures.resource("proxy.p12"))) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(store, "changeit".toCharArray());

        assertValue(TlsSettings.fromKeyManagerFactory(factory, "bundle web"),
                TlsSettings.fromKeyManagerFactory(factory, "bundle web"),
                TlsSettings.fromKeyManagerFactory(factory, "bundle api"),
                TlsSettings.fromKeyStore(store, "changeit".toCharArray()));
        assertThat(TlsSettings.fromKeyStore(store, "changeit".toCharArray()))
                .as("a factory of its own per call").isNotEqualTo(TlsSettings.fromKeyStore(store,
                        "changeit".toCharArray()));
    }

    @Test
    void upstreamTls_comparesTheTrustAndEverySetting() throws Exception {
        Path ca = TlsFixtures.resource("proxy.crt");
        UpstreamTls one = UpstreamTls.verifying(ca).withClientCertificate(TlsFixtures.resource("backend.crt"),
                TlsFixtures.resource("backend.key"));
        UpstreamTls same = UpstreamTls.verifying(ca).withClientCertificate(TlsFixtures.resource("backend.crt"),
                TlsFixtures.resource("backend.key"));
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        assertValue(one, same, UpstreamTls.verifying(ca),
                UpstreamTls.verifying(TlsFixtures.resource("backend.crt")).withClientCertificate(
                        TlsFixtures.resource("backend.crt"), TlsFixtures.resource("backend.key")),
                one.withoutHostnameVerification(),
                UpstreamTls.verifyingWithSystemTrust().withClientCertificate(TlsFixtures.resource("backend.crt"),
                        TlsFixtures.resource("backend.key")));
        assertValue(UpstreamTls.verifyingWithSystemTrust(), UpstreamTls.verifyingWithSystemTrust(),
                UpstreamTls.verifying(ca), UpstreamTls.verifying(store));
        assertThat(UpstreamTls.verifying(store)).as("a factory of its own per call")
                .isNotEqualTo(UpstreamTls.verifying(store));
    }

    @Test
    void autoRollback_comparesEveryRule_theClock_andTheListener() {
        Clock fixed = Clock.fixed(Instant.EPOCH, ZoneOffset.UTC);
        WatchListener listener = event -> { };
        AutoRollback one = AutoRollback.builder().maxErrorRate(0.01).maxP99(Duration.ofMillis(500)).clock(fixed)
                .listener(listener).build();
        AutoRollback same = AutoRollback.builder().maxErrorRate(0.01).maxP99(Duration.ofMillis(500))
                .clock(Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)).listener(listener).build();
        assertValue(one, same,
                AutoRollback.builder().maxErrorRate(0.02).maxP99(Duration.ofMillis(500)).clock(fixed)
                        .listener(listener).build(),
                AutoRollback.builder().maxErrorRate(0.01).clock(fixed).listener(listener).build(),
                AutoRollback.builder().maxErrorRate(0.01).maxP99(Duration.ofMillis(500)).listener(listener).build(),
                AutoRollback.builder().maxErrorRate(0.01).maxP99(Duration.ofMillis(500)).clock(fixed)
                        .listener(event -> { }).build(),
                AutoRollback.builder().maxErrorRate(0.01).maxP99(Duration.ofMillis(500)).clock(fixed)
                        .listener(listener).bakeWindow(Duration.ofMinutes(1)).build());
        assertValue(AutoRollback.defaults(), AutoRollback.builder().build(), one);
    }
}
