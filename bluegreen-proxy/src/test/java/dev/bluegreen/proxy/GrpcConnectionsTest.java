package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.testing.GrpcTestServer;
import io.grpc.CallOptions;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * How the proxy shares HTTP/2 connections to a backend: streams within the backend's SETTINGS_MAX_CONCURRENT_STREAMS,
 * at most {@code maxConnectionsPerBackend} connections per event loop (a call beyond waits for a stream), and a
 * backend's GOAWAY moving new calls to another connection while the calls it lets finish do.
 */
class GrpcConnectionsTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static List<String> count(GrpcFixture fixture, int messages, Duration interval) {
        List<String> received = new ArrayList<>();
        ClientCalls.blockingServerStreamingCall(fixture.channel, GrpcTestServer.COUNT,
                CallOptions.DEFAULT.withDeadlineAfter(WAIT.toMillis(), TimeUnit.MILLISECONDS),
                GrpcTestServer.countRequest(messages, interval))
                .forEachRemaining(message -> received.add(GrpcTestServer.text(message)));
        return received;
    }

    @Test
    void callsBeyondTheBackendsStreamLimit_openAnotherConnection_andBeyondTheConnectionLimitWaitForAStream()
            throws Exception {
        GrpcTestServer blue = GrpcTestServer.builder("blue-1").maxConcurrentCallsPerConnection(2).start();
        try (GrpcFixture fixture = GrpcFixture.start(blue, GrpcTestServer.start("green-1"), proxy -> proxy
                .eventLoopThreads(1)
                .connectTimeout(WAIT)
                .backendProtocols(BackendProtocols.of(BackendProtocol.H2C).withMaxConnectionsPerBackend(2)))) {
            ExecutorService callers = Executors.newFixedThreadPool(5);
            try {
                List<Future<List<String>>> calls = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    calls.add(callers.submit(() -> count(fixture, 5, Duration.ofMillis(100))));
                }
                for (Future<List<String>> call : calls) {
                    assertThat(call.get(WAIT.toSeconds(), TimeUnit.SECONDS)).hasSize(5).containsOnly("blue-1");
                }
            } finally {
                callers.shutdownNow();
            }
            assertThat(blue.maxCallsOnOneConnection()).as("within SETTINGS_MAX_CONCURRENT_STREAMS").isEqualTo(2);
            assertThat(blue.connectionsAccepted()).as("at most two connections").isEqualTo(2);
        }
    }

    @Test
    void goAwayFromTheBackend_letsItsCallsFinish_andNewCallsGoToANewConnection() throws Exception {
        GrpcTestServer blue = GrpcTestServer.builder("blue-1").maxConnectionAge(Duration.ofMillis(300)).start();
        try (GrpcFixture fixture = GrpcFixture.start(blue, GrpcTestServer.start("green-1"),
                proxy -> proxy.eventLoopThreads(1))) {
            ExecutorService streamer = Executors.newSingleThreadExecutor();
            try {
                // 3 s on one connection, which the backend sends GOAWAY on after 300 ms.
                Future<List<String>> stream = streamer.submit(() -> count(fixture, 30, Duration.ofMillis(100)));
                long deadline = System.nanoTime() + WAIT.toNanos();
                int unary = 0;
                // Until the stream is done and the backend has seen new connections come after GOAWAYs.
                while ((!stream.isDone() || blue.connectionsAccepted() < 3) && System.nanoTime() - deadline < 0) {
                    assertThat(GrpcTestServer.which(fixture.channel, WAIT)).isEqualTo("blue-1");
                    unary++;
                }
                assertThat(stream.get()).as("the call on the connection that went away finished")
                        .hasSize(30).containsOnly("blue-1");
                assertThat(unary).isPositive();
            } finally {
                streamer.shutdownNow();
            }
            assertThat(blue.connectionsAccepted()).as("new connections after each GOAWAY").isGreaterThanOrEqualTo(3);
        }
    }
}
