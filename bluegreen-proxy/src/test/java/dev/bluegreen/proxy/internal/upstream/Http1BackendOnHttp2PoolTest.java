package dev.bluegreen.proxy.internal.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.proxy.BackendProtocol;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.testing.CapturedLog;
import dev.bluegreen.testing.Http1OnlyServer;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A pool given {@code h2c} in front of a backend that speaks HTTP/1 only: the backend takes the connection and answers
 * the preface with an HTTP/1 error. The request gets the 502 of a backend that accepted no connection, and the log
 * says why at WARN, as it does for a failed TLS handshake, so that the wrong backend protocol is found from the log.
 */
class Http1BackendOnHttp2PoolTest {

    @Test
    void http1Backend_onAnH2cPool_is502_andTheWarnSaysItDidNotAnswerInHttp2() throws IOException {
        try (ServerSocket http1 = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             BlueGreen admin = BlueGreen.builder()
                     .blue("v1", List.of(Backend.of("127.0.0.1", http1.getLocalPort())))
                     .green("v2", List.of(Backend.of("127.0.0.1", http1.getLocalPort())))
                     .build();
             CapturedLog log = CapturedLog.of(Http2BackendPool.class)) {
            Http1OnlyServer.answerEveryConnection(http1);
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0)
                    .backendProtocol(BackendProtocol.H2C).build();
            proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
            try (RawHttpClient client = RawHttpClient.connect(proxy.port()).soTimeout(Duration.ofSeconds(10))) {
                RawResponse response = client.get("/x");

                assertThat(response.status()).isEqualTo(502);
                assertThat(log.messages()).anyMatch(line -> line.startsWith("HTTP/2 connection to blue/127.0.0.1:"
                        + http1.getLocalPort() + " (") && line.contains("failed: blue/127.0.0.1:"
                        + http1.getLocalPort() + " did not answer in HTTP/2 (") && line.endsWith("does it speak h2c?"));
            } finally {
                proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }
}
