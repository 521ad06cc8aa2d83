package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.TestBackend;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A proxy that runs out of file descriptors keeps running, and serves again once descriptors are free. The proxy runs
 * in a child JVM whose open files are capped ({@code ulimit -n}); the test holds client connections open until the
 * proxy can no longer accept, then lets them go.
 */
class FileDescriptorExhaustionTest {

    private static final int MAX_OPEN_FILES = 256;
    private static final Path OUTPUT = Path.of("target", "fd-exhaustion");

    @Test
    void outOfFileDescriptors_theProxyKeepsRunning_andRecoversWhenTheyFree() throws Exception {
        try (TestBackend blue = TestBackend.start("blue-1");
             ForkedProxy proxy = ForkedProxy.startWithOpenFileLimit(blue.port(), List.of("-Xmx64m"), OUTPUT,
                     "fd-exhaustion", MAX_OPEN_FILES)) {
            try (RawHttpClient first = RawHttpClient.connect(proxy.port())) {
                assertThat(first.get("/before").status()).isEqualTo(200);
            }

            List<RawHttpClient> held = new ArrayList<>();
            try {
                // More connections than the child has descriptors: it must run out while accepting them.
                for (int i = 0; i < MAX_OPEN_FILES + 50; i++) {
                    held.add(RawHttpClient.connect(proxy.port()));
                }
                Awaitility.await("the proxy ran out of descriptors").atMost(Duration.ofSeconds(30))
                        .until(() -> proxy.log().contains("Too many open files"));
            } finally {
                held.forEach(RawHttpClient::close);
            }

            Awaitility.await("the proxy serves again").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreException(UncheckedIOException.class)
                    .until(() -> {
                        try (RawHttpClient client = RawHttpClient.connect(proxy.port())
                                .soTimeout(Duration.ofSeconds(5))) {
                            return client.get("/after").status() == 200;
                        }
                    });
            assertThat(proxy.stopAndAwaitExit(Duration.ofSeconds(30)))
                    .as("clean exit, no leak; stderr: %s", proxy.stderr()).isZero();
        }
    }
}
