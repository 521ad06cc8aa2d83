package dev.bluegreen.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.testing.GrpcTestServer;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/**
 * The standalone runner in front of two gRPC servers with the standard health service,
 * {@code --backend-protocol h2c --health-grpc}: unary and streaming calls across 40 switches through the admin
 * endpoint (each judged by the gRPC health check), and not one fails; a stream still open at {@code --drain-timeout}
 * ends with UNAVAILABLE.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProxyCommandGrpcTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final int SWITCHES = 40;

    private final Http http = new Http();
    private final GrpcTestServer blue = GrpcTestServer.start("blue");
    private final GrpcTestServer green = GrpcTestServer.start("green");

    @AfterEach
    void stopBackends() {
        blue.close();
        green.close();
    }

    private StandaloneProxy start(String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("proxy", "--listen", "127.0.0.1:0", "--admin", "127.0.0.1:0",
                "--blue", "127.0.0.1:" + blue.port(), "--green", "127.0.0.1:" + green.port(), "--threads", "2"));
        args.addAll(List.of(extra));
        CommandLine line = Main.commandLine();
        line.parseArgs(args.toArray(String[]::new));
        ProxyCommand command = line.getSubcommands().get("proxy").getCommand();
        return command.start().get(10, TimeUnit.SECONDS);
    }

    private static int port(String url) {
        return Integer.parseInt(url.substring(url.lastIndexOf(':') + 1).replace("/", ""));
    }

    @Test
    void h2cWithGrpcHealthChecks_carriesUnaryAndStreamingCallsAcross40Switches_withoutAFailure() throws Exception {
        StandaloneProxy proxy = start("--backend-protocol", "h2c", "--health-grpc", "--health-interval", "200ms",
                "--health-timeout", "2s");
        ManagedChannel channel = GrpcTestServer.channel(port(proxy.proxyUrl()));
        ExecutorService callers = Executors.newFixedThreadPool(3);
        AtomicBoolean stop = new AtomicBoolean();
        try {
            String admin = proxy.adminUrl().orElseThrow();
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            Set<String> servedBy = ConcurrentHashMap.newKeySet();
            AtomicInteger streams = new AtomicInteger();
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                running.add(callers.submit(() -> {
                    while (!stop.get()) {
                        try {
                            servedBy.add(GrpcTestServer.which(channel, DEADLINE));
                        } catch (RuntimeException failed) {
                            failures.add(failed);
                        }
                    }
                }));
            }
            running.add(callers.submit(() -> {
                while (!stop.get()) {
                    try {
                        List<String> received = new ArrayList<>();
                        ClientCalls.blockingServerStreamingCall(channel, GrpcTestServer.COUNT,
                                CallOptions.DEFAULT.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
                                GrpcTestServer.countRequest(10, Duration.ofMillis(20)))
                                .forEachRemaining(message -> received.add(GrpcTestServer.text(message)));
                        if (received.size() != 10 || Set.copyOf(received).size() != 1) {
                            failures.add(new AssertionError("a stream got " + received));
                        }
                        streams.incrementAndGet();
                    } catch (RuntimeException failed) {
                        failures.add(failed);
                    }
                }
            }));

            String target = "green";
            for (int i = 0; i < SWITCHES; i++) {
                var switched = http.post(admin + "/switch?to=" + target);
                assertThat(switched.statusCode()).as("switch %d to %s: %s", i + 1, target, switched.body())
                        .isEqualTo(200);
                target = target.equals("green") ? "blue" : "green";
            }
            stop.set(true);
            for (Future<?> caller : running) {
                caller.get(30, TimeUnit.SECONDS);
            }
            assertThat(failures).as("failed calls").isEmpty();
            assertThat(servedBy).as("both colours served").containsExactlyInAnyOrder("blue", "green");
            assertThat(streams.get()).as("streaming calls made").isPositive();
        } finally {
            stop.set(true);
            callers.shutdownNow();
            channel.shutdownNow();
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStreamStillOpenAtTheDrainTimeout_endsWithUnavailable() throws Exception {
        StandaloneProxy proxy = start("--backend-protocol", "h2c", "--health-grpc", "--health-interval", "200ms",
                "--drain-timeout", "300ms");
        ManagedChannel channel = GrpcTestServer.channel(port(proxy.proxyUrl()));
        try {
            Iterator<byte[]> held = ClientCalls.blockingServerStreamingCall(channel, GrpcTestServer.HOLD,
                    CallOptions.DEFAULT.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS), new byte[0]);
            assertThat(GrpcTestServer.text(held.next())).as("the stream's first message").isEqualTo("blue");

            var switched = http.post(proxy.adminUrl().orElseThrow() + "/switch?to=green");
            assertThat(switched.statusCode()).as("switch: %s", switched.body()).isEqualTo(200);

            // Held open by blue until cancelled: only the drain deadline ends it, well before the call's own deadline.
            assertThatThrownBy(held::hasNext)
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            cut -> assertThat(cut.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
            assertThat(GrpcTestServer.which(channel, DEADLINE)).as("a new call after the switch").isEqualTo("green");
        } finally {
            channel.shutdownNow();
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void backendConnectionAndStreamLimits_areTheOnesGiven() throws Exception {
        // Long-lived streams (watches, subscriptions) hold their upstream stream: what one event loop can carry to a
        // backend is connections x streams (2 x 100 by default), beyond which a call waits --connect-timeout and fails.
        StandaloneProxy proxy = RunnerUsage.started("--blue", "127.0.0.1:" + blue.port(), "--backend-protocol", "h2c",
                "--backend-max-connections", "1", "--backend-max-streams", "3", "--connect-timeout", "500ms");
        ManagedChannel channel = GrpcTestServer.channel(port(proxy.proxyUrl()));
        try {
            List<Iterator<byte[]>> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Iterator<byte[]> stream = ClientCalls.blockingServerStreamingCall(channel, GrpcTestServer.HOLD,
                        CallOptions.DEFAULT.withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS),
                        new byte[0]);
                assertThat(GrpcTestServer.text(stream.next())).isEqualTo("blue");
                held.add(stream);
            }
            assertThat(blue.maxCallsOnOneConnection()).as("streams on the one connection").isEqualTo(3);
            assertThat(blue.connectionsAccepted()).as("connections to blue").isEqualTo(1);

            assertThatThrownBy(() -> GrpcTestServer.which(channel, DEADLINE))
                    .as("a fourth call, with the one connection full")
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            full -> assertThat(full.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        } finally {
            channel.shutdownNow();
            proxy.stop().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void backendLimitsOfAnHttp1Pool_orOutOfRange_areRefusedAsUsageErrors() {
        assertThat(RunnerUsage.refused("--backend-max-streams", "50"))
                .contains("Invalid value for option '--backend-max-streams'", "--backend-protocol http1",
                        "h2c or h2");
        assertThat(RunnerUsage.refused("--backend-max-connections", "4"))
                .contains("Invalid value for option '--backend-max-connections'", "--backend-protocol http1");
        assertThat(RunnerUsage.refused("--backend-protocol", "h2c", "--backend-max-streams", "0"))
                .contains("Invalid value for option '--backend-max-streams'", "(expected: 1-10000)");
        assertThat(RunnerUsage.refused("--backend-protocol", "h2c", "--backend-max-connections", "65"))
                .contains("Invalid value for option '--backend-max-connections'", "(expected: 1-64)");
    }

    @Test
    void grpcChecksOfAnHttp1Pool_andUnknownProtocols_areRefusedAsUsageErrors() {
        assertThat(RunnerUsage.refused("--health-grpc"))
                .contains("Invalid value for option '--health-grpc'", "--backend-protocol http1", "h2c or h2");
        assertThat(RunnerUsage.refused("--backend-protocol", "http2"))
                .contains("--backend-protocol", "'http2' (expected: http1, h2c or h2)");
        assertThat(RunnerUsage.refused("--backend-protocol", "h2c", "--backend-ca", "ca.pem"))
                .contains("Invalid value for option '--backend-ca'", "h2c");
        assertThat(RunnerUsage.refused("--drain-timeout", "0s"))
                .contains("--drain-timeout", "drainTimeout");
    }
}
