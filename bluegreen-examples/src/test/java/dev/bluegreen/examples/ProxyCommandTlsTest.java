package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The runner's {@code --tls-cert} and {@code --tls-key}: a bad file is refused at start with exit code 2, blaming the
 * option that names it; a TLS listener is announced as {@code https://}. The files are the proxy module's test
 * certificates (self-signed EC P-256): {@code proxy.crt} with {@code proxy.key}, and {@code backend.key}, another key.
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
        CommandLine line = Main.commandLine();
        line.parseArgs("proxy", "--listen", "127.0.0.1:0", "--threads", "1", "--no-health-checks",
                "--blue", "127.0.0.1:9", "--tls-cert", resource("proxy.crt"), "--tls-key", resource("proxy.key"));
        ProxyCommand command = line.getSubcommands().get("proxy").getCommand();
        StandaloneProxy proxy = command.start().get(10, TimeUnit.SECONDS);
        try {
            assertThat(proxy.proxyUrl()).isEqualTo("https://127.0.0.1:" + proxy.proxy().port());
            assertThat(ProxyCommand.banner(proxy)).first().asString().startsWith("bluegreen proxy on https://");
        } finally {
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }
}
