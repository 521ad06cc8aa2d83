package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.testing.PresentedCertificate;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's {@code --tls-cert} and {@code --tls-key}: a bad file is refused at start with exit code 2, blaming the
 * option that names it; a TLS listener is announced as {@code https://}; renewed files are loaded without a restart.
 * The files are the proxy module's test certificates (self-signed EC P-256): {@code proxy.crt} with {@code proxy.key},
 * {@code other-host.crt} (for {@code other.example}) with {@code other-host.key}, and {@code backend.key}, another key.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ProxyCommandTlsTest {

    private static String resource(String name) {
        try {
            return Path.of(ProxyCommandTlsTest.class.getResource("/tls/" + name).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void keyThatIsNotTheCertificates_isRefused_blamingTlsKey_andNamingBothFiles() {
        String refused = RunnerUsage.refused("--tls-cert", resource("proxy.crt"), "--tls-key", resource("backend.key"));

        assertThat(refused).contains("Invalid value for option '--tls-key'", "does not match", "backend.key",
                "proxy.crt");
    }

    @Test
    void badFile_isBlamedOnItsOwnOption(@TempDir Path dir) throws Exception {
        String garbage = Files.writeString(dir.resolve("garbage.pem"), "hello").toString();

        assertThat(RunnerUsage.refused("--tls-cert", resource("proxy.crt"), "--tls-key", garbage))
                .contains("Invalid value for option '--tls-key'", "garbage.pem");
        assertThat(RunnerUsage.refused("--tls-cert", garbage, "--tls-key", resource("proxy.key")))
                .contains("Invalid value for option '--tls-cert'", "garbage.pem");
    }

    @Test
    void tlsListener_isAnnouncedAsHttps() throws Exception {
        StandaloneProxy proxy = RunnerUsage.started(
                "--blue", "127.0.0.1:9", "--tls-cert", resource("proxy.crt"), "--tls-key", resource("proxy.key"));
        try {
            assertThat(proxy.proxyUrl()).isEqualTo("https://127.0.0.1:" + proxy.proxy().port());
            assertThat(ProxyCommand.banner(proxy)).first().asString().startsWith("bluegreen proxy on https://");
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void renewedFiles_areServedToNewConnections_withoutARestart(@TempDir Path dir) throws Exception {
        Path certificate = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        install("proxy", certificate, key);
        StandaloneProxy proxy = RunnerUsage.started(
                "--blue", "127.0.0.1:9", "--tls-cert", certificate.toString(), "--tls-key", key.toString(),
                "--tls-reload-check", "50ms");
        try {
            int port = proxy.proxy().port();
            assertThat(PresentedCertificate.subjectAt(port)).isEqualTo("CN=localhost");

            install("other-host", certificate, key);

            await().atMost(Duration.ofSeconds(20)).until(() -> PresentedCertificate.subjectAt(port).equals("CN=other.example"));
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void tlsSni_presentsEachNamesCertificate_andReloadsItsFiles(@TempDir Path dir) throws Exception {
        Path certificate = dir.resolve("named.pem");
        Path key = dir.resolve("named-key.pem");
        install("other-host", certificate, key);
        StandaloneProxy proxy = RunnerUsage.started(
                "--blue", "127.0.0.1:9", "--tls-cert", resource("proxy.crt"), "--tls-key", resource("proxy.key"),
                "--tls-sni", "other.example=" + certificate + "," + key, "--tls-reload-check", "50ms");
        try {
            int port = proxy.proxy().port();
            assertThat(PresentedCertificate.presentedFor(port, "other.example").getSubjectX500Principal().getName())
                    .isEqualTo("CN=other.example");
            assertThat(PresentedCertificate.subjectAt(port)).as("no name: the default").isEqualTo("CN=localhost");

            install("proxy", certificate, key);

            await().atMost(Duration.ofSeconds(20)).until(() -> PresentedCertificate.presentedFor(port,
                    "other.example").getSubjectX500Principal().getName().equals("CN=localhost"));
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    /** The runner's usage error for {@code extra} given with a TLS listener's {@code --tls-cert} and key. */
    private static String refusedOnATlsListener(String... extra) {
        List<String> args = new ArrayList<>(List.of("--tls-cert", resource("proxy.crt"), "--tls-key",
                resource("proxy.key")));
        args.addAll(List.of(extra));
        return RunnerUsage.refused(args.toArray(String[]::new));
    }

    @Test
    void tlsSni_isRefusedWhenMalformed_withoutTlsCert_orWithABadName() {
        String pair = resource("other-host.crt") + "," + resource("other-host.key");

        assertThat(RunnerUsage.refused("--tls-sni", "other.example=" + pair))
                .contains("Invalid value for option '--tls-sni'", "without --tls-cert");
        assertThat(refusedOnATlsListener("--tls-sni", "other.example:" + pair))
                .contains("Invalid value for option '--tls-sni'", "expected: NAME=CERT,KEY");
        assertThat(refusedOnATlsListener("--tls-sni", "bad_name=" + pair))
                .contains("Invalid value for option '--tls-sni'", "bad_name", "tls server name");
        assertThat(refusedOnATlsListener("--tls-sni",
                "other.example=" + resource("other-host.crt") + "," + resource("proxy.key")))
                .contains("Invalid value for option '--tls-sni'", "does not match", "proxy.key");
    }

    @Test
    void adminOverHttps_answersOverTls_andIsAnnouncedAsHttps() throws Exception {
        StandaloneProxy proxy = RunnerUsage.started(
                "--blue", "127.0.0.1:9", "--admin", "127.0.0.1:0", "--admin-tls-cert", resource("proxy.crt"),
                "--admin-tls-key", resource("proxy.key"));
        try {
            int port = proxy.adminEndpoint().orElseThrow().port();
            assertThat(proxy.adminUrl()).hasValue("https://127.0.0.1:" + port);
            assertThat(ProxyCommand.banner(proxy)).as("no token: hints without one")
                    .contains("    curl -s https://127.0.0.1:" + port + "/status");
            assertThat(PresentedCertificate.subjectAt(port)).isEqualTo("CN=localhost");
            assertThat(proxy.proxyUrl()).as("the proxy's listener stays as it was").startsWith("http://");
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void withAnAdminToken_theBannersHintsCarryIt() throws Exception {
        StandaloneProxy proxy = RunnerUsage.started(
                "--blue", "127.0.0.1:9", "--admin", "127.0.0.1:0", "--admin-token", "0123456789abcdef-token");
        try {
            String url = proxy.adminUrl().orElseThrow();
            assertThat(ProxyCommand.banner(proxy)).contains(
                    "    curl -s -H \"Authorization: Bearer $BLUEGREEN_ADMIN_TOKEN\" " + url + "/status",
                    "    curl -s -H \"Authorization: Bearer $BLUEGREEN_ADMIN_TOKEN\" -X POST " + url + "/rollback");
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void adminTlsFiles_areRefusedAlone_orWithoutTheEndpoint() {
        assertThat(RunnerUsage.refused("--admin", "127.0.0.1:0", "--admin-tls-cert", resource("proxy.crt")))
                .contains("Invalid value for option '--admin-tls-cert'", "expected: both --admin-tls-cert and"
                        + " --admin-tls-key");
        assertThat(RunnerUsage.refused("--admin", "127.0.0.1:0", "--admin-tls-cert", resource("proxy.crt"),
                "--admin-tls-key", resource("backend.key")))
                .contains("Invalid value for option '--admin-tls-key'", "does not match");
        assertThat(RunnerUsage.refused("--admin-tls-cert", resource("proxy.crt"), "--admin-tls-key",
                resource("proxy.key")))
                .contains("Invalid value for option '--admin-tls-cert'", "given without --admin");
    }

    @Test
    void aClientCa_isRefusedWithoutATlsListener_orWhenItIsNotPem(@TempDir Path dir) throws Exception {
        String garbage = Files.writeString(dir.resolve("garbage.pem"), "hello").toString();

        assertThat(RunnerUsage.refused("--tls-client-ca", resource("proxy.crt")))
                .contains("Invalid value for option '--tls-client-ca'", "without --tls-cert");
        assertThat(RunnerUsage.refused("--tls-cert", resource("proxy.crt"), "--tls-key", resource("proxy.key"),
                "--tls-client-ca", garbage)).contains("Invalid value for option '--tls-client-ca'", "garbage.pem");
    }

    @Test
    void backendClientCertificates_areRefusedAloneWithoutTlsOrMismatched() {
        String certificate = resource("proxy.crt");
        String key = resource("proxy.key");
        assertThat(RunnerUsage.refused("--backend-client-cert", certificate))
                .contains("Invalid value for option '--backend-client-cert'", "given alone");
        assertThat(RunnerUsage.refused("--backend-client-cert", certificate, "--backend-client-key", key))
                .contains("Invalid value for option '--backend-client-cert'", "without TLS to the backends");
        assertThat(RunnerUsage.refused("--backend-ca", certificate, "--backend-client-cert", certificate,
                "--backend-client-key", resource("backend.key")))
                .contains("Invalid value for option '--backend-client-key'", "does not match");
    }

    /** Copies the test pair {@code name} over the files the runner serves, as a renewal in place does. */
    private static void install(String name, Path certificate, Path key) throws Exception {
        Files.copy(Path.of(resource(name + ".crt")), certificate, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(Path.of(resource(name + ".key")), key, StandardCopyOption.REPLACE_EXISTING);
    }
}
