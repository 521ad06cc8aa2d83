package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.GrpcTestServer;
import dev.bluegreen.testing.RecordedCall;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * gRPC calls at a switch and at the old colour's drain deadline: a call in flight stays on its colour; one still open
 * at the deadline ends with {@code UNAVAILABLE} (which a gRPC client may retry), not a hang, a reset or a protocol
 * error, whether its response had started or not; new calls go to the new colour at once. Each call's status is
 * counted per colour.
 */
class GrpcDrainTest {

    private static final Duration DRAIN = Duration.ofMillis(500);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private static double calls(MeterRegistry registry, String colour, String status, String source) {
        Counter counter = registry.find(MeterNames.GRPC_CALLS).tags(MeterNames.COLOUR, colour,
                MeterNames.GRPC_STATUS, status, MeterNames.SOURCE, source).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void streamStillOpenAtTheDrainDeadline_endsWithUnavailable_afterTheMessagesItGot() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy.drainTimeout(DRAIN))) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            RecordedCall held = new RecordedCall();
            ClientCall<byte[], byte[]> call = fixture.channel.newCall(GrpcTestServer.HOLD, CallOptions.DEFAULT);
            ClientCalls.asyncServerStreamingCall(call, new byte[0], held);
            await().atMost(WAIT).until(() -> held.messages().size() == 1);

            fixture.admin.switchTo(Colour.GREEN);
            assertThat(GrpcTestServer.which(fixture.channel, WAIT)).as("new calls go to green at once")
                    .isEqualTo("green-1");
            assertThat(held.end()).as("the held call goes on until the deadline").isNotDone();

            Status status = held.end().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(held.messages()).containsExactly("blue-1");
            await().atMost(WAIT).until(() -> fixture.blue.cancelledCalls() == 1);
            assertThat(fixture.proxy.drain(Colour.BLUE).orElseThrow().completion().get(WAIT.toMillis(),
                    TimeUnit.MILLISECONDS).outcome()).isEqualTo(DrainReport.Outcome.DEADLINE);
            await().atMost(WAIT).untilAsserted(() -> {
                assertThat(calls(registry, "blue", "UNAVAILABLE", "proxy")).isEqualTo(1);
                assertThat(calls(registry, "green", "OK", "backend")).isEqualTo(1);
            });
        }
    }

    @Test
    void unaryCallUnansweredAtTheDrainDeadline_endsWithUnavailable() throws Exception {
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy.drainTimeout(DRAIN))) {
            RecordedCall stalled = new RecordedCall();
            ClientCalls.asyncUnaryCall(fixture.channel.newCall(GrpcTestServer.STALL, CallOptions.DEFAULT),
                    new byte[0], stalled);
            await().atMost(WAIT).until(() -> fixture.blue.activeCalls() == 1);

            fixture.admin.switchTo(Colour.GREEN);

            Status status = stalled.end().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(status.getDescription()).contains("the proxy ended the call");
            assertThat(stalled.messages()).isEmpty();
            await().atMost(WAIT).until(() -> fixture.blue.activeCalls() == 0);
        }
    }

    @Test
    void streamThatEndsBeforeTheDeadline_finishesOnItsColour_withItsOwnStatus() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (GrpcFixture fixture = GrpcFixture.start(proxy -> proxy.drainTimeout(Duration.ofSeconds(20)))) {
            BlueGreenMetrics.of(fixture.proxy).bindTo(registry);
            RecordedCall counting = new RecordedCall();
            ClientCalls.asyncServerStreamingCall(fixture.channel.newCall(GrpcTestServer.COUNT, CallOptions.DEFAULT),
                    GrpcTestServer.countRequest(10, Duration.ofMillis(50)), counting);
            await().atMost(WAIT).until(() -> counting.messages().size() >= 2);

            fixture.admin.switchTo(Colour.GREEN);

            assertThat(counting.end().get(WAIT.toMillis(), TimeUnit.MILLISECONDS).getCode()).isEqualTo(Status.Code.OK);
            assertThat(counting.messages()).hasSize(10).containsOnly("blue-1");
            assertThat(fixture.proxy.drain(Colour.BLUE).orElseThrow().completion().get(WAIT.toMillis(),
                    TimeUnit.MILLISECONDS).outcome()).isEqualTo(DrainReport.Outcome.DRAINED);
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(calls(registry, "blue", "OK", "backend")).isEqualTo(1));
        }
    }
}
