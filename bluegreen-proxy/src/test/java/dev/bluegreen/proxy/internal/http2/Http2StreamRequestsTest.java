package dev.bluegreen.proxy.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.internal.request.RequestRules;
import dev.bluegreen.proxy.RequestLimits;
import dev.bluegreen.proxy.internal.request.RequestRejectedException;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** {@link Http2StreamRequests} alone: the rules step of an HTTP/2 stream's request. */
class Http2StreamRequestsTest {

    @Test
    void requestThatPassesTheRules_goesOnAsIs() {
        EmbeddedChannel channel = new EmbeddedChannel(new Http2StreamRequests(RequestRules.defaults()));
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
        request.headers().set("content-length", "3");

        channel.writeInbound(request);

        HttpRequest passed = channel.readInbound();
        assertThat(passed).isSameAs(request);
        assertThat(passed.decoderResult().isSuccess()).isTrue();
        assertThat(passed.headers().get("content-length")).isEqualTo("3");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void pathNotInOriginForm_isRefusedAsMalformed_andTheRestOfTheStreamDropped() {
        EmbeddedChannel channel = new EmbeddedChannel(new Http2StreamRequests(RequestRules.defaults()));
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "a/b");

        channel.writeInbound(request);
        channel.writeInbound(new DefaultLastHttpContent(Unpooled.copiedBuffer(new byte[] {1, 2, 3})));

        HttpRequest passed = channel.readInbound();
        assertThat(passed.decoderResult().cause()).isInstanceOfSatisfying(RequestRejectedException.class,
                rejection -> assertThat(rejection.malformed()).isTrue());
        assertThat((Object) channel.readInbound()).as("the body was dropped").isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void bodyPastTheLimit_endsWithAFailed413() {
        EmbeddedChannel channel = new EmbeddedChannel(new Http2StreamRequests(
                new RequestRules(RequestLimits.defaults().withMaxBodySize(2), java.util.Set.of(),
                        dev.bluegreen.proxy.internal.request.TrustedProxies.NONE, false, false)));
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up"));
        channel.writeInbound(new DefaultLastHttpContent(Unpooled.copiedBuffer(new byte[] {1, 2, 3})));

        channel.readInbound();
        LastHttpContent end = channel.readInbound();
        assertThat(end.decoderResult().cause()).isInstanceOfSatisfying(RequestRejectedException.class,
                rejection -> assertThat(rejection.status().code()).isEqualTo(413));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private static RequestRules bodyTimeout(Duration timeout) {
        return new RequestRules(RequestLimits.defaults().withRequestBodyTimeout(timeout), java.util.Set.of(),
                dev.bluegreen.proxy.internal.request.TrustedProxies.NONE, false, false);
    }

    @Test
    void requestWhoseHeadEndsTheStream_schedulesNoBodyTimer_evenWhenTheExchangeReadsBeforeTheEndComes() {
        // As in the proxy: the exchange the head starts asks for the body (reads) while the head is still being
        // passed on, before the decoder passes on the end of the stream.
        AtomicLong nextTaskAfterRead = new AtomicLong();
        EmbeddedChannel channel = new EmbeddedChannel(new Http2RequestDecoder(() -> new ProxyRecorder() { }),
                new Http2StreamRequests(bodyTimeout(Duration.ofMinutes(1))), new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof HttpRequest) {
                            ctx.read();
                            // Nanoseconds to the next scheduled task; -1: none.
                            nextTaskAfterRead.set(((EmbeddedChannel) ctx.channel()).runScheduledPendingTasks());
                        }
                        ctx.fireChannelRead(msg);
                    }
                });
        channel.config().setAutoRead(false);

        channel.read();
        channel.writeInbound(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").scheme("http")
                .path("/").authority("shop.example"), true));

        assertThat(nextTaskAfterRead.get()).as("a body timer scheduled by the read").isEqualTo(-1);
        assertThat((Object) channel.readInbound()).isInstanceOf(HttpRequest.class);
        assertThat((Object) channel.readInbound()).isInstanceOf(LastHttpContent.class);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void bodyReadUnansweredForTheBodyTimeout_endsWithAFailed408() {
        EmbeddedChannel channel = new EmbeddedChannel(new Http2StreamRequests(bodyTimeout(Duration.ofMillis(50))));
        channel.config().setAutoRead(false);
        channel.read();
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up"));
        assertThat(channel.runScheduledPendingTasks()).as("the read of the head is not timed").isEqualTo(-1);

        channel.read(); // the exchange asks for the body, which does not come
        assertThat(channel.runScheduledPendingTasks()).as("a body timer").isPositive();

        assertThat((Object) channel.readInbound()).isInstanceOf(HttpRequest.class);
        LastHttpContent end = Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
            channel.runScheduledPendingTasks();
            return channel.readInbound();
        }, java.util.Objects::nonNull);
        assertThat(end.decoderResult().cause()).isInstanceOfSatisfying(RequestRejectedException.class,
                rejection -> assertThat(rejection.status().code()).isEqualTo(408));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
