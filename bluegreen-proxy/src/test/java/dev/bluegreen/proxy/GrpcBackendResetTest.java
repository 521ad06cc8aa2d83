package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.testing.GrpcTestServer;
import dev.bluegreen.testing.RecordedCall;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A gRPC backend that resets its stream in the middle of a response (a grpc-java server whose deadline for the call
 * ran out sends {@code RST_STREAM CANCEL}; others reset with {@code INTERNAL_ERROR} or {@code ENHANCE_YOUR_CALM}):
 * the client sees what it would see without the proxy, the reset with the backend's code, not the proxy's
 * {@code UNAVAILABLE} of a lost backend, and the call is counted with that status as the backend's.
 */
class GrpcBackendResetTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    /** Answers each call with a response head and one message "hi", then resets the stream with {@code error}. */
    private static final class ResetAfterOneMessage extends ChannelInboundHandlerAdapter {
        private final Http2Error error;

        ResetAfterOneMessage(Http2Error error) {
            this.error = error;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                boolean requestEnded = msg instanceof Http2HeadersFrame headers && headers.isEndStream()
                        || msg instanceof Http2DataFrame data && data.isEndStream();
                if (requestEnded) {
                    ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                            .set("content-type", "application/grpc")));
                    ctx.write(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(new byte[] {0, 0, 0, 0, 2, 'h', 'i'})));
                    ctx.writeAndFlush(new DefaultHttp2ResetFrame(error));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    private static RecordedCall call(int port) throws Exception {
        ManagedChannel channel = GrpcTestServer.channel(port);
        try {
            RecordedCall recorded = new RecordedCall();
            ClientCalls.asyncServerStreamingCall(channel.newCall(GrpcTestServer.COUNT, CallOptions.DEFAULT),
                    GrpcTestServer.countRequest(3, Duration.ZERO), recorded);
            recorded.end().get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return recorded;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @EnumSource(value = Http2Error.class, names = {"CANCEL", "INTERNAL_ERROR", "ENHANCE_YOUR_CALM"})
    void backendResetInTheMiddleOfAResponse_reachesTheClientAsItsReset(Http2Error error) throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (H2cTestServer backend = new H2cTestServer(stream ->
                stream.pipeline().addLast(new ResetAfterOneMessage(error)));
             BlueGreen admin = BlueGreen.builder().blue("v1", List.of(Backend.of("127.0.0.1", backend.port())))
                     .build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1)
                    .backendProtocol(BackendProtocol.H2C).build();
            proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
            BlueGreenMetrics.of(proxy).bindTo(registry);
            try {
                RecordedCall direct = call(backend.port());
                RecordedCall proxied = call(proxy.port());

                Status.Code expected = direct.end().get().getCode();
                assertThat(expected).as("what grpc-java makes of the reset without the proxy")
                        .isNotEqualTo(Status.Code.UNAVAILABLE).isNotEqualTo(Status.Code.OK);
                assertThat(proxied.end().get().getCode()).as("through the proxy").isEqualTo(expected);
                await().atMost(WAIT).untilAsserted(() -> {
                    Counter counted = registry.find(MeterNames.GRPC_CALLS).tags(MeterNames.COLOUR, "blue",
                            MeterNames.GRPC_STATUS, expected.name(), MeterNames.SOURCE, "backend").counter();
                    assertThat(counted).as("counted as the backend's " + expected).isNotNull();
                    assertThat(counted.count()).isEqualTo(1);
                });
            } finally {
                proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }
}
