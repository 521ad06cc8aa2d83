package dev.bluegreen.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The h2c benchmark's operation called outside JMH: each call is one whole proxied GET on a stream of its own. */
class ProxiedH2cGetBenchmarkTest {

    // 34,000 round trips one after another, each buffer tracked by the PARANOID leak detector: 27-40 s on a 2-core
    // machine, too close to the build's default of 60 s for a slower one. A hang still fails it.
    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void proxiedGet_readsOneWholeResponsePerStream_onOneConnection() throws Exception {
        ProxiedH2cGetBenchmark benchmark = new ProxiedH2cGetBenchmark();
        benchmark.transport = "auto";
        benchmark.start();
        try {
            // 68,000 bytes of DATA: more than the connection's initial window (65,535), which the client must give
            // back as it reads.
            for (int i = 0; i < 34_000; i++) {
                assertThat(benchmark.proxiedGet()).as("the stub's 2-byte body, request %d", i).isEqualTo(2);
            }
        } finally {
            benchmark.stop();
        }
    }

    @Test
    void headerBlock_isTheStaticTableFieldsThenLiteralsWithoutIndexing() {
        byte[] block = H2cClient.headerBlock("a:1", "ua");

        assertThat(block).containsExactly(0x82, 0x86, 0x84, 0x01, 3, 'a', ':', '1', 0x0f, 43, 2, 'u', 'a');
    }

    @Test
    void get_failsWhenTheServerIsNotThere() throws Exception {
        H2cClient client;
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            client = H2cClient.connect(server.getLocalPort(), null);
            server.accept().close();
        }
        try (H2cClient closing = client) {
            assertThatThrownBy(closing::get).isInstanceOf(IOException.class);
        }
    }
}
