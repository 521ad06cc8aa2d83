package dev.bluegreen.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An h2c backend that resets streams before answering: {@code REFUSED_STREAM} (not processed) is sent again, as RFC
 * 9113 §8.7 allows; any other reset is a 502 that says the backend reset the stream, not that it closed its
 * connection, which it did not.
 */
class Http2BackendResetTest {

    /** Answers every request with {@code RST_STREAM INTERNAL_ERROR}. */
    private static final class ResetEveryStream extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame) {
                    ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.INTERNAL_ERROR));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    /** Refuses the first {@code refusals} streams, then answers 200. */
    private static final class RefuseFirst extends ChannelInboundHandlerAdapter {
        private final AtomicInteger refusals;

        RefuseFirst(AtomicInteger refusals) {
            this.refusals = refusals;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame) {
                    ctx.writeAndFlush(refusals.getAndDecrement() > 0
                            ? new DefaultHttp2ResetFrame(Http2Error.REFUSED_STREAM)
                            : new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200"), true));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }
    }

    @Test
    void aStreamTheBackendRefuses_isSentAgain_andAnswered() {
        AtomicInteger refusals = new AtomicInteger(2);
        try (H2cTestServer backend = new H2cTestServer(stream -> stream.pipeline().addLast(new RefuseFirst(refusals)));
             BlueGreen admin = BlueGreen.builder().blue("v1", List.of(Backend.of("127.0.0.1", backend.port())))
                     .build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1)
                    .backendProtocol(BackendProtocol.H2C).build();
            proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                assertThat(client.get("/").status()).isEqualTo(200);
                assertThat(refusals.get()).as("both refusals were met").isNegative();
            } finally {
                proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }

    @Test
    void aStreamTheBackendResets_isAnswered502_sayingTheBackendResetTheStream() {
        try (H2cTestServer backend = new H2cTestServer(stream -> stream.pipeline().addLast(new ResetEveryStream()));
             BlueGreen admin = BlueGreen.builder().blue("v1", List.of(Backend.of("127.0.0.1", backend.port())))
                     .build()) {
            BlueGreenProxy proxy = BlueGreenProxy.builder(admin).listen("127.0.0.1", 0).eventLoopThreads(1)
                    .backendProtocol(BackendProtocol.H2C).build();
            proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
            try (RawHttpClient client = RawHttpClient.connect(proxy.port())) {
                RawResponse response = client.get("/");

                assertThat(response.status()).isEqualTo(502);
                assertThat(response.bodyText()).isEqualTo("the backend reset the stream (INTERNAL_ERROR) before"
                        + " responding\n");
            } finally {
                proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
            }
        }
    }
}
