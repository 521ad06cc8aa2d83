package dev.bluegreen.examples.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.TlsSettings;
import dev.bluegreen.testing.PresentedCertificate;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When {@link TlsFileWatch} reloads: on a change of either file's contents, once per change; a renewal caught half
 * done is refused (the old pair stays served) and tried again at the next change. Checks are called directly; the
 * watch's own period is an hour.
 */
class TlsFileWatchTest {

    @TempDir
    Path dir;
    private Path certificate;
    private Path key;
    private BlueGreen admin;
    private BlueGreenProxy proxy;
    private TlsFileWatch watch;

    @BeforeEach
    void start() throws Exception {
        certificate = dir.resolve("cert.pem");
        key = dir.resolve("key.pem");
        copy("proxy.crt", certificate);
        copy("proxy.key", key);
        admin = BlueGreen.builder().build();
        proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1)
                .tls(TlsSettings.fromPem(certificate, key)).build();
        proxy.start().get(10, TimeUnit.SECONDS);
        watch = TlsFileWatch.start(proxy::reloadTls, "proxy", List.of(certificate, key), Duration.ofHours(1));
    }

    @AfterEach
    void stop() throws Exception {
        watch.close();
        proxy.stop(Duration.ZERO).get(10, TimeUnit.SECONDS);
        admin.close();
    }

    @Test
    void unchangedFiles_areNotReloaded() {
        assertThat(watch.check()).isFalse();
    }

    @Test
    void aRenewalCaughtHalfDone_keepsTheOldPair_andLoadsTheNewOneWhenTheKeyArrives() throws Exception {
        copy("other-host.crt", certificate);

        assertThat(watch.check()).as("tried").isTrue();
        assertThat(PresentedCertificate.subjectAt(proxy.port())).as("refused: the old key").isEqualTo("CN=localhost");
        assertThat(watch.check()).as("not tried again until the files change again").isFalse();

        copy("other-host.key", key);

        assertThat(watch.check()).isTrue();
        assertThat(PresentedCertificate.subjectAt(proxy.port())).isEqualTo("CN=other.example");
    }

    @Test
    void aPeriodThatIsNotPositive_isRefused() {
        assertThatThrownBy(() -> TlsFileWatch.start(proxy::reloadTls, "proxy", List.of(certificate, key),
                Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("period: 0s (expected: > 0)");
    }

    private static void copy(String resource, Path to) throws URISyntaxException, java.io.IOException {
        Files.copy(Path.of(TlsFileWatchTest.class.getResource("/tls/" + resource).toURI()), to,
                StandardCopyOption.REPLACE_EXISTING);
    }
}
