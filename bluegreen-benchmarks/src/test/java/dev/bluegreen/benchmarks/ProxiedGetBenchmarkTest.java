package dev.bluegreen.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The benchmark's operation called outside JMH: each call is one whole proxied GET answered by the stub backend. */
class ProxiedGetBenchmarkTest {

    @Test
    void proxiedGet_readsOneWholeResponsePerCall_onOneKeepAliveConnection() throws Exception {
        for (String[] params : new String[][] {{"wrk", "round-robin"}, {"browser", "round-robin"},
                {"wrk", "least-requests"}}) {
            ProxiedGetBenchmark benchmark = new ProxiedGetBenchmark();
            benchmark.head = params[0];
            benchmark.transport = "auto";
            benchmark.balancing = params[1];
            benchmark.start();
            try {
                int first = benchmark.proxiedGet();
                for (int i = 0; i < 200; i++) {
                    assertThat(benchmark.proxiedGet()).as("the same response every time").isEqualTo(first);
                }
                // The stub's response as the proxy relays it: its own Via added, the hop's Connection gone.
                assertThat(benchmark.lastResponse(first)).startsWith("HTTP/1.1 200 OK\r\n")
                        .containsIgnoringCase("via: 1.1 bluegreen")
                        .doesNotContainIgnoringCase("connection:").endsWith("\r\n\r\nok");
            } finally {
                benchmark.stop();
            }
        }
    }

    @Test
    void headScanner_findsTheEndOfTheHeadAndItsLength() {
        byte[] response = StubBackend.RESPONSE;
        int end = HeadScanner.endOfHead(response, 0, response.length);

        assertThat(new String(response, end, response.length - end, StandardCharsets.US_ASCII)).isEqualTo("ok");
        assertThat(HeadScanner.contentLength(response, end)).isEqualTo(2);
        assertThat(HeadScanner.endOfHead(response, 0, end - 1)).isEqualTo(-1);
    }
}
