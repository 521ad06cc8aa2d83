package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.testing.BodySink;
import dev.bluegreen.testing.PatternSink;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * Invariant 4 of DESIGN.md, backpressure, proved by memory: 100 MB bodies stream both ways through a proxy whose
 * JVM has 48 MB of heap and 48 MB of direct memory, so a proxy that buffered a body would die.
 *
 * <p>The proxy runs in a child JVM ({@link ForkedProxyMain}); the backend and the client run here. The side that
 * receives each body reads it at {@link #SLOW_READER} bytes a second, several times slower than the sender: the
 * client for downloads, a {@link ThrottledRelay} in front of the backend for uploads. A proxy that kept reading from
 * the fast side regardless would pile up the difference and run out of memory within a second; with readers as
 * fast as the senders, even that proxy would pass.
 */
@Timeout(value = 40, unit = TimeUnit.SECONDS)
class LargeBodyTest {

    private static final long SIZE = 100L << 20;
    private static final long SLOW_READER = 40L << 20;
    private static final List<String> SMALL_JVM = List.of(
            "-Xmx48m",
            "-XX:MaxDirectMemorySize=48m",
            // Netty allocates direct memory through the JDK, so the cap above applies to it too.
            "-Dio.netty.maxDirectMemory=0",
            "-Dio.netty.leakDetection.level=paranoid",
            // An OutOfMemoryError raised by the JVM ends the child at once, loudly, rather than leaving a
            // half-working proxy.
            "-XX:+ExitOnOutOfMemoryError");
    private static final Path OUTPUT = Path.of(System.getProperty("basedir", "."), "target", "forked-proxy");

    private TestBackend blue;
    private ThrottledRelay slowNetworkToBlue;
    private ForkedProxy proxy;

    @BeforeEach
    void start(TestInfo test) throws Exception {
        blue = TestBackend.start("blue-1");
        slowNetworkToBlue = ThrottledRelay.start(blue.port(), SLOW_READER);
        proxy = ForkedProxy.start(slowNetworkToBlue.port(), SMALL_JVM, OUTPUT,
                test.getTestMethod().orElseThrow().getName());
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            if (slowNetworkToBlue != null) {
                slowNetworkToBlue.close();
            }
            blue.close();
        }
    }

    @Test
    void download100MB_streamsThroughAProxyWithA48MBHeap_toASlowClient() throws Exception {
        blue.download(SIZE);
        throughTheProxy(client -> {
            client.request("GET", "/big", Map.of());
            PatternSink sink = new PatternSink();
            RawResponse response = client.readResponse(slowly(sink));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Content-Length")).isEqualTo(Long.toString(SIZE));
            sink.verify(SIZE);
        });
    }

    @Test
    void chunkedDownload100MB_streamsThroughAProxyWithA48MBHeap_toASlowClient() throws Exception {
        blue.chunkedDownload(SIZE);
        throughTheProxy(client -> {
            client.request("GET", "/big", Map.of());
            PatternSink sink = new PatternSink();
            RawResponse response = client.readResponse(slowly(sink));

            assertThat(response.status()).isEqualTo(200);
            assertThat(response.header("Transfer-Encoding")).isEqualTo("chunked");
            sink.verify(SIZE);
            blue.reply();
            assertThat(client.get("/after").bodyText()).as("the connection is still in step").isEqualTo("blue-1");
        });
    }

    @Test
    void upload100MB_streamsThroughAProxyWithA48MBHeap_toASlowBackend() throws Exception {
        throughTheProxy(client -> {
            client.request("POST", "/upload", Map.of("Content-Length", Long.toString(SIZE))).sendPattern(SIZE);
            RawResponse response = client.readResponse();

            assertReceivedWhole(response);
        });
    }

    @Test
    void chunkedUpload100MB_streamsThroughAProxyWithA48MBHeap_toASlowBackend() throws Exception {
        throughTheProxy(client -> {
            client.request("POST", "/upload", Map.of("Transfer-Encoding", "chunked"))
                    .sendPatternChunked(SIZE, 64 * 1024);
            RawResponse response = client.readResponse();

            assertReceivedWhole(response);
        });
    }

    /**
     * Runs {@code transfer} on a new connection to the forked proxy, then stops the proxy and checks that it exits
     * cleanly. A failed transfer is reported with what the proxy logged, since its cause (an OutOfMemoryError, say)
     * is there and not in the client's exception.
     */
    private void throughTheProxy(Transfer transfer) throws InterruptedException {
        try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
            transfer.run(client);
        } catch (RuntimeException | AssertionError failure) {
            throw new AssertionError("transfer failed: " + failure + System.lineSeparator()
                    + "the forked proxy's stderr:" + System.lineSeparator() + proxy.stderr()
                    + "the forked proxy's log, warnings and errors:" + System.lineSeparator() + proxy.logTrouble(),
                    failure);
        }
        assertChildExitsCleanly();
    }

    /** What a test does with its client connection. */
    @FunctionalInterface
    private interface Transfer {
        void run(RawHttpClient client);
    }

    /** {@code sink}, taking bytes no faster than {@link #SLOW_READER}: a client on a slow link. */
    private static BodySink slowly(BodySink sink) {
        ThrottledRelay.Pacer pacer = new ThrottledRelay.Pacer(SLOW_READER);
        return (bytes, offset, length) -> {
            pacer.pass(length);
            sink.write(bytes, offset, length);
        };
    }

    private static void assertReceivedWhole(RawResponse response) {
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.header("X-Backend")).isEqualTo("blue-1");
        assertThat(response.header("X-Received-Bytes")).isEqualTo(Long.toString(SIZE));
        assertThat(response.header("X-Received-Crc32")).isEqualTo(Long.toHexString(TestBackend.patternCrc32(SIZE)));
    }

    private void assertChildExitsCleanly() throws InterruptedException {
        int exitCode = proxy.stopAndAwaitExit(Duration.ofSeconds(20));
        String stderr = proxy.stderr();

        assertThat(exitCode).as("exit code; stderr:%n%s", stderr).isZero();
        assertThat(stderr).doesNotContain("LEAK").doesNotContain("OutOfMemoryError");
        assertThat(proxy.log()).as("the child's log").doesNotContain("LEAK").doesNotContain("OutOfMemoryError");
    }
}
