package dev.bluegreen.proxy.internal.http2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.RequestLimits;
import dev.bluegreen.proxy.internal.request.RequestRejectedException;
import dev.bluegreen.proxy.internal.request.RequestRules;
import dev.bluegreen.proxy.internal.request.TrustedProxies;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2StreamRequests} alone: the rules step of an HTTP/2 stream's request, its body limit and its body timer
 * (run on an {@link EmbeddedChannel}'s event loop).
 */
class Http2StreamRequestsTest {

    private final EmbeddedChannel loop = new EmbeddedChannel();
    /** The failed ends the body timer hands the stream. */
    private final List<HttpObject> failedEnds = new ArrayList<>();

    @AfterEach
    void finish() {
        failedEnds.forEach(ReferenceCountUtil::release);
        assertThat(loop.finishAndReleaseAll()).isFalse();
    }

    private Http2StreamRequests requests(RequestRules rules) {
        return new Http2StreamRequests(rules, loop.eventLoop(), failedEnds::add);
    }

    private static RequestRules rules(RequestLimits limits) {
        return new RequestRules(limits, Set.of(), TrustedProxies.NONE, false, false);
    }

    private static RequestRules bodyTimeout(Duration timeout) {
        return rules(RequestLimits.defaults().withRequestBodyTimeout(timeout));
    }

    /** A piece of body from the default (leak-tracked) allocator. */
    private static ByteBuf bytes(int length) {
        return ByteBufAllocator.DEFAULT.buffer(length).writeZero(length);
    }

    private static HttpRequest post() {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/up");
    }

    @Test
    void requestThatPassesTheRules_goesOnAsIs() {
        Http2StreamRequests requests = requests(RequestRules.defaults());
        HttpRequest request = post();
        request.headers().set("content-length", "3");

        HttpObject passed = requests.check(request);

        assertThat(passed).isSameAs(request);
        assertThat(passed.decoderResult().isSuccess()).isTrue();
        assertThat(request.headers().get("content-length")).isEqualTo("3");
        assertThat(failedEnds).isEmpty();
    }

    @Test
    void pathNotInOriginForm_isRefusedAsMalformed_andTheRestOfTheStreamDropped() {
        Http2StreamRequests requests = requests(RequestRules.defaults());
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "a/b");
        LastHttpContent body = new DefaultLastHttpContent(bytes(3));

        HttpObject passed = requests.check(request);
        HttpObject afterIt = requests.check(body);

        assertThat(passed).isSameAs(request);
        assertThat(passed.decoderResult().cause()).isInstanceOfSatisfying(RequestRejectedException.class,
                rejection -> assertThat(rejection.malformed()).isTrue());
        assertThat(afterIt).as("the body was dropped").isNull();
        assertThat(body.refCnt()).as("and released").isZero();
    }

    @Test
    void bodyPastTheLimit_endsWithAFailed413() {
        Http2StreamRequests requests = requests(rules(RequestLimits.defaults().withMaxBodySize(2)));
        LastHttpContent body = new DefaultLastHttpContent(bytes(3));

        requests.check(post());
        HttpObject end = requests.check(body);

        assertThat(end).isInstanceOf(LastHttpContent.class).isNotSameAs(body);
        assertThat(end.decoderResult().cause()).isInstanceOfSatisfying(RequestRejectedException.class,
                rejection -> assertThat(rejection.status().code()).isEqualTo(413));
        assertThat(body.refCnt()).as("the piece past the limit is released").isZero();
        ReferenceCountUtil.release(end);
    }

    @Test
    void requestWhoseHeadEndsTheStream_schedulesNoBodyTimer_evenWhenTheExchangeReadsBeforeTheEndComes() {
        // As in the proxy: the exchange the head starts asks for the body (reads) while the head is still being
        // passed on, before the decoder passes on the end of the stream.
        Http2StreamRequests requests = requests(bodyTimeout(Duration.ofMinutes(1)));
        List<HttpObject> passed = new ArrayList<>();
        AtomicLong nextTaskAfterRead = new AtomicLong();
        new Http2RequestDecoder().headers(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET")
                .scheme("http").path("/").authority("shop.example"), true), new Http2RequestDecoder.Output() {
                    @Override
                    public void message(HttpObject msg) {
                        passed.add(requests.check(msg));
                        if (msg instanceof HttpRequest) {
                            requests.readAsked();
                            // Nanoseconds to the next scheduled task; -1: none.
                            nextTaskAfterRead.set(loop.runScheduledPendingTasks());
                        }
                    }

                    @Override
                    public void malformed(String why) {
                        throw new AssertionError(why);
                    }
                });

        assertThat(nextTaskAfterRead.get()).as("a body timer scheduled by the read").isEqualTo(-1);
        assertThat(passed).hasSize(2);
        assertThat(passed.get(0)).isInstanceOf(HttpRequest.class);
        assertThat(passed.get(1)).isInstanceOf(LastHttpContent.class);
        passed.forEach(ReferenceCountUtil::release);
    }

    @Test
    void bodyReadUnansweredForTheBodyTimeout_endsWithAFailed408() {
        Duration timeout = Duration.ofMillis(20);
        Http2StreamRequests requests = requests(bodyTimeout(timeout));
        requests.readAsked();
        requests.check(post());
        assertThat(loop.runScheduledPendingTasks()).as("the read of the head is not timed").isEqualTo(-1);

        loop.freezeTime();
        requests.readAsked(); // the exchange asks for the body, which does not come
        assertThat(loop.runScheduledPendingTasks()).as("a body timer").isEqualTo(timeout.toNanos());
        loop.unfreezeTime();

        // The timer measures the wait on the system clock: it fires once the timeout has really passed.
        HttpObject end = Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    loop.runScheduledPendingTasks();
                    return failedEnds.isEmpty() ? null : failedEnds.get(0);
                }, Objects::nonNull);
        assertThat(end).isInstanceOf(LastHttpContent.class);
        assertThat(end.decoderResult().cause()).isInstanceOfSatisfying(RequestRejectedException.class,
                rejection -> assertThat(rejection.status().code()).isEqualTo(408));
        assertThat(failedEnds).hasSize(1);

        HttpContent late = new DefaultHttpContent(bytes(1));
        assertThat(requests.check(late)).as("the body that comes after the failed end is dropped").isNull();
        assertThat(late.refCnt()).isZero();
    }

    @Test
    void bodyEnd_cancelsTheBodyTimer() {
        Http2StreamRequests requests = requests(bodyTimeout(Duration.ofMinutes(1)));
        requests.check(post());
        requests.readAsked();
        assertThat(loop.runScheduledPendingTasks()).as("a body timer").isPositive();

        LastHttpContent body = new DefaultLastHttpContent(bytes(3));
        assertThat(requests.check(body)).isSameAs(body);
        body.release();

        assertThat(loop.runScheduledPendingTasks()).as("the timer, once the body is complete").isEqualTo(-1);
    }

    @Test
    void close_cancelsTheBodyTimer_andNoReadIsTimedAfterIt() {
        Http2StreamRequests requests = requests(bodyTimeout(Duration.ofMinutes(1)));
        requests.check(post());
        requests.readAsked();
        assertThat(loop.runScheduledPendingTasks()).as("a body timer").isPositive();

        requests.close();
        assertThat(loop.runScheduledPendingTasks()).as("the timer, once the stream is gone").isEqualTo(-1);
        requests.readAsked();
        assertThat(loop.runScheduledPendingTasks()).as("a timer for a read after the close").isEqualTo(-1);
        assertThat(failedEnds).isEmpty();
    }
}
