package dev.bluegreen.proxy.internal.exchange;

import static dev.bluegreen.proxy.internal.exchange.ExchangeHarness.body;
import static dev.bluegreen.proxy.internal.exchange.ExchangeHarness.get;
import static dev.bluegreen.proxy.internal.exchange.ExchangeHarness.ok;
import static dev.bluegreen.proxy.internal.exchange.ExchangeHarness.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.exchange.ExchangeHarness.FakeUpstream;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Exchange} alone (see {@link ExchangeHarness}): its states, what it sends each way, how it ends and what it
 * leaves behind (the connection released or closed, the counts back to zero, the status recorded).
 */
class ExchangeTest {

    private ExchangeHarness harness = new ExchangeHarness(2, Duration.ofSeconds(5));

    @AfterEach
    void close() {
        harness.close();
    }

    private void assertAllReleasedAndCounted(int status) {
        assertThat(harness.counters.activeExchanges(Colour.BLUE)).isZero();
        assertThat(harness.recordedStatuses).containsExactly(status);
    }

    @Test
    void get_isRelayedBothWays_andItsConnectionGoesBackToThePool() {
        Exchange exchange = harness.start(get());
        assertThat(harness.counters.activeExchanges(Colour.BLUE)).isOne();
        FakeUpstream upstream = harness.upstreams.connect(false);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(upstream.sent).hasSize(2);
        HttpRequest forwarded = (HttpRequest) upstream.sent.get(0);
        assertThat(forwarded.headers().get("x-forwarded-for")).isEqualTo("192.0.2.7");
        assertThat(forwarded.headers().get("via")).contains("bluegreen");

        upstream.answer(ok(2));
        upstream.answer(body("ok"));

        List<Object> received = harness.clientReceived();
        assertThat(received).hasSize(2);
        assertThat(((HttpResponse) received.get(0)).status().code()).isEqualTo(200);
        assertThat(((HttpContent) received.get(1)).content().toString(StandardCharsets.US_ASCII)).isEqualTo("ok");
        received.forEach(ReferenceCountUtil::release);
        assertThat(upstream.releasedReusable).as("kept for the next request").isTrue();
        assertThat(harness.side.ended).isTrue();
        assertThat(harness.side.closeAfter).isFalse();
        assertAllReleasedAndCounted(200);
    }

    @Test
    void wholeResponse_goesToTheClientInOneWrite_andEndsTheExchange() {
        Exchange exchange = harness.start(get());
        FakeUpstream upstream = harness.upstreams.connect(false);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);

        FullHttpResponse whole = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
        whole.headers().setInt("content-length", 2);
        upstream.answer(whole);

        List<Object> received = harness.clientReceived();
        assertThat(received).singleElement().isSameAs(whole);
        assertThat(whole.headers().get("via")).as("the head rewritten as any").contains("bluegreen");
        received.forEach(ReferenceCountUtil::release);
        assertThat(upstream.releasedReusable).isTrue();
        assertThat(harness.side.ended).isTrue();
        assertThat(exchange.endedClean()).isTrue();
        assertThat(harness.recordedBodyBytes).containsExactly(List.of(0L, 2L));
        assertAllReleasedAndCounted(200);
    }

    @Test
    void wholeEarlyResponse_dropsTheRestOfTheBody_andTheConnection_thenEnds() {
        Exchange exchange = harness.start(post(6));
        FakeUpstream upstream = harness.upstreams.connect(false);
        exchange.onClientContent(new DefaultHttpContent(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII)));

        upstream.answer(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE));
        assertThat(upstream.releasedReusable).as("out of step: closed").isFalse();
        assertThat(harness.side.ended).as("still reading the body").isFalse();

        exchange.onClientContent(body("def"));

        assertThat(harness.side.ended).isTrue();
        assertThat(exchange.endedClean()).isFalse();
        harness.clientReceived().forEach(ReferenceCountUtil::release);
        upstream.releaseSent();
        assertAllReleasedAndCounted(413);
    }

    @Test
    void refusedConnect_triesTheOtherBackend() {
        Exchange exchange = harness.start(get());
        var refused = harness.upstreams.refuse();
        FakeUpstream upstream = harness.upstreams.connect(false);
        assertThat(upstream.backend()).isNotEqualTo(refused);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);

        upstream.answer(ok(0));
        upstream.answer(LastHttpContent.EMPTY_LAST_CONTENT);

        harness.clientReceived().forEach(ReferenceCountUtil::release);
        assertAllReleasedAndCounted(200);
    }

    @Test
    void everyConnectRefused_isA502_fromTheProxy_andTheConnectionStaysOpen() {
        harness.start(get());
        harness.upstreams.refuse();
        harness.upstreams.refuse();

        List<Object> received = harness.clientReceived();
        assertThat(((FullHttpResponse) received.get(0)).status().code()).isEqualTo(502);
        received.forEach(ReferenceCountUtil::release);
        assertThat(harness.upstreams.pending).as("two backends, two tries").isEmpty();
        assertThat(harness.side.closeAfter).isFalse();
        assertAllReleasedAndCounted(502);
    }

    @Test
    void staleReusedConnection_closingBeforeTheResponse_isReplayedOnANewOne() {
        Exchange exchange = harness.start(get());
        FakeUpstream stale = harness.upstreams.connect(true);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);

        stale.listener.onUpstreamClosed();

        assertThat(harness.upstreams.pending.peek().fresh()).as("a new connection, not an idle one").isTrue();
        FakeUpstream fresh = harness.upstreams.connect(false);
        assertThat(fresh.sent).hasSize(2);
        fresh.answer(ok(0));
        fresh.answer(LastHttpContent.EMPTY_LAST_CONTENT);
        harness.clientReceived().forEach(ReferenceCountUtil::release);
        assertAllReleasedAndCounted(200);
    }

    @Test
    void newConnectionClosingBeforeTheResponse_isRetriedOnceOnTheOtherBackend() {
        Exchange exchange = harness.start(get());
        FakeUpstream first = harness.upstreams.connect(false);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);

        first.listener.onUpstreamClosed();

        assertThat(harness.upstreams.pending.peek().backend()).as("the other backend").isNotEqualTo(first.backend());
        FakeUpstream second = harness.upstreams.connect(false);
        assertThat(second.sent).hasSize(2);
        second.listener.onUpstreamClosed();

        assertThat(harness.upstreams.pending).as("one retry, no more").isEmpty();
        assertThat(harness.retries).containsExactly(true);
        List<Object> received = harness.clientReceived();
        assertThat(((FullHttpResponse) received.get(0)).status().code()).isEqualTo(502);
        received.forEach(ReferenceCountUtil::release);
        assertAllReleasedAndCounted(502);
    }

    @Test
    void newConnectionClosingBeforeTheResponse_withNoOtherBackend_isA502_notReplayed() {
        harness.close();
        harness = new ExchangeHarness(1, Duration.ofSeconds(5));
        Exchange exchange = harness.start(get());
        FakeUpstream upstream = harness.upstreams.connect(false);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);

        upstream.listener.onUpstreamClosed();

        assertThat(harness.upstreams.pending).isEmpty();
        List<Object> received = harness.clientReceived();
        assertThat(((FullHttpResponse) received.get(0)).status().code()).isEqualTo(502);
        received.forEach(ReferenceCountUtil::release);
        assertAllReleasedAndCounted(502);
    }

    @Test
    void postWhoseConnectionClosesBeforeTheResponse_isA502_neverSentAgain() {
        Exchange exchange = harness.start(post(3));
        FakeUpstream upstream = harness.upstreams.connect(false);
        exchange.onClientContent(body("abc"));

        upstream.listener.onUpstreamClosed();

        assertThat(harness.upstreams.pending).as("no other backend is asked").isEmpty();
        List<Object> received = harness.clientReceived();
        assertThat(((FullHttpResponse) received.get(0)).status().code()).isEqualTo(502);
        received.forEach(ReferenceCountUtil::release);
        upstream.releaseSent();
        assertAllReleasedAndCounted(502);
    }

    @Test
    void retries_stopWhenTheLoopsBudgetIsSpent() {
        for (int i = 0; i < RetryBudget.MINIMUM; i++) {
            harness.loop.retryBudget().tryRetry(System.nanoTime());
        }
        Exchange exchange = harness.start(get());
        FakeUpstream upstream = harness.upstreams.connect(false);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);

        upstream.listener.onUpstreamClosed();

        assertThat(harness.upstreams.pending).as("over budget: no retry").isEmpty();
        List<Object> received = harness.clientReceived();
        assertThat(((FullHttpResponse) received.get(0)).status().code()).isEqualTo(502);
        received.forEach(ReferenceCountUtil::release);
        assertAllReleasedAndCounted(502);
        assertThat(harness.retries).containsExactly(false);
    }

    @Test
    void earlyResponse_dropsTheRestOfTheBody_andTheConnection_thenEnds() {
        Exchange exchange = harness.start(post(6));
        FakeUpstream upstream = harness.upstreams.connect(false);
        exchange.onClientContent(new DefaultHttpContent(Unpooled.copiedBuffer("abc", StandardCharsets.US_ASCII)));

        upstream.answer(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE));
        upstream.answer(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(upstream.releasedReusable).as("out of step: closed").isFalse();
        assertThat(harness.side.ended).as("still reading the body").isFalse();

        exchange.onClientContent(body("def"));

        assertThat(harness.side.ended).isTrue();
        harness.clientReceived().forEach(ReferenceCountUtil::release);
        upstream.releaseSent();
        assertAllReleasedAndCounted(413);
    }

    @Test
    void backendClosingMidResponse_cutsTheClientConnection() {
        Exchange exchange = harness.start(get());
        FakeUpstream upstream = harness.upstreams.connect(false);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);
        upstream.answer(ok(10));

        upstream.listener.onUpstreamClosed();

        assertThat(harness.side.ended).isTrue();
        assertThat(harness.side.closeAfter).isTrue();
        assertThat(harness.side.lastWrite).as("no clean end for the client").isNull();
        harness.clientReceived().forEach(ReferenceCountUtil::release);
        assertAllReleasedAndCounted(0);
    }

    @Test
    void silentBackend_isA504_afterTheResponseTimeout() {
        Exchange exchange = harness.start(get());
        FakeUpstream upstream = harness.upstreams.connect(false);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);

        exchange.checkResponseTimeout(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        assertThat(harness.side.ended).as("not yet").isFalse();
        exchange.checkResponseTimeout(System.nanoTime() + TimeUnit.SECONDS.toNanos(6));

        List<Object> received = harness.clientReceived();
        assertThat(((FullHttpResponse) received.get(0)).status().code()).isEqualTo(504);
        received.forEach(ReferenceCountUtil::release);
        assertThat(upstream.releasedReusable).isFalse();
        assertAllReleasedAndCounted(504);
    }

    @Test
    void clientGone_releasesTheConnectionUnreused_andCountsTheExchangeCutShort() {
        Exchange exchange = harness.start(get());
        FakeUpstream upstream = harness.upstreams.connect(false);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);

        exchange.onClientClosed();

        assertThat(upstream.releasedReusable).isFalse();
        assertThat(harness.side.ended).as("nothing more to tell a client that left").isFalse();
        assertAllReleasedAndCounted(0);
    }

    @Test
    void drainDeadline_answersAnExchangeStillWaiting_with504_andKeepsTheClient() {
        Exchange exchange = harness.start(get());
        FakeUpstream upstream = harness.upstreams.connect(false);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(harness.loop.closeColour(Colour.BLUE)).isOne();

        List<Object> received = harness.clientReceived();
        FullHttpResponse answer = (FullHttpResponse) received.get(0);
        assertThat(answer.status().code()).isEqualTo(504);
        assertThat(answer.content().toString(StandardCharsets.US_ASCII)).contains("drain deadline");
        received.forEach(ReferenceCountUtil::release);
        assertThat(upstream.releasedReusable).isFalse();
        assertThat(harness.side.closeAfter).as("the connection belongs to no colour").isFalse();
        assertAllReleasedAndCounted(504);
    }

    @Test
    void drainDeadline_answersAnExchangeStillConnecting_with503() {
        harness.start(get());

        assertThat(harness.loop.closeColour(Colour.BLUE)).isOne();

        List<Object> received = harness.clientReceived();
        assertThat(((FullHttpResponse) received.get(0)).status().code()).isEqualTo(503);
        received.forEach(ReferenceCountUtil::release);
        assertAllReleasedAndCounted(503);
    }

    @Test
    void drainDeadline_cutsAGrpcCallStillWaiting_forItsStreamToEndAsUnavailable() {
        HttpRequest call = post(0);
        call.headers().set("content-type", "application/grpc");
        Exchange exchange = harness.start(call);
        FakeUpstream upstream = harness.upstreams.connect(false);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);

        assertThat(harness.loop.closeColour(Colour.BLUE)).isOne();

        assertThat(harness.clientReceived()).as("no HTTP status: GrpcCallEnd ends the call").isEmpty();
        assertThat(upstream.releasedReusable).isFalse();
        assertThat(harness.side.closeAfter).isTrue();
        upstream.releaseSent();
        assertAllReleasedAndCounted(0);
    }

    @Test
    void drainDeadline_cutsAResponseUnderWay() {
        Exchange exchange = harness.start(get());
        FakeUpstream upstream = harness.upstreams.connect(false);
        exchange.onClientContent(LastHttpContent.EMPTY_LAST_CONTENT);
        upstream.answer(ok(10));

        assertThat(harness.loop.closeColour(Colour.BLUE)).isOne();

        harness.clientReceived().forEach(ReferenceCountUtil::release);
        assertThat(upstream.releasedReusable).isFalse();
        assertThat(harness.side.closeAfter).isTrue();
        assertAllReleasedAndCounted(0); // counted as cut short (aborted), not as the 200 it began as
    }

    @Test
    void earlyResponseToAClientStillWaitingFor100Continue_saysConnectionClose_andClosesAfterIt() {
        HttpRequest request = post(3);
        request.headers().set("expect", "100-continue");
        Exchange exchange = harness.start(request);
        FakeUpstream upstream = harness.upstreams.connect(false);

        upstream.answer(ok(2));
        List<Object> head = harness.clientReceived();
        assertThat(((HttpResponse) head.get(0)).headers().get("connection")).as("said in the head")
                .isEqualToIgnoringCase("close");
        upstream.answer(body("ok"));

        assertThat(harness.side.ended).as("not waiting for a body the client won't send").isTrue();
        assertThat(harness.side.closeAfter).isTrue();
        harness.clientReceived().forEach(ReferenceCountUtil::release);
        upstream.releaseSent();
        assertAllReleasedAndCounted(200);
    }

    @Test
    void earlyResponseAfterA100Continue_keepsTheConnection_andDropsTheRestOfTheBody() {
        HttpRequest request = post(3);
        request.headers().set("expect", "100-continue");
        Exchange exchange = harness.start(request);
        FakeUpstream upstream = harness.upstreams.connect(false);
        upstream.answer(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        upstream.answer(LastHttpContent.EMPTY_LAST_CONTENT);

        upstream.answer(ok(0));
        upstream.answer(LastHttpContent.EMPTY_LAST_CONTENT);
        List<Object> received = harness.clientReceived();
        assertThat(((HttpResponse) received.get(0)).headers().contains("connection")).isFalse();
        exchange.onClientContent(body("abc"));

        assertThat(harness.side.ended).isTrue();
        assertThat(harness.side.closeAfter).as("the body was read and dropped: in step").isFalse();
        received.forEach(ReferenceCountUtil::release);
        upstream.releaseSent();
        assertAllReleasedAndCounted(200);
    }

    @Test
    void continue100_goesToTheClient_beforeTheBody() {
        HttpRequest request = post(3);
        request.headers().set("expect", "100-continue");
        Exchange exchange = harness.start(request);
        FakeUpstream upstream = harness.upstreams.connect(false);

        upstream.answer(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        upstream.answer(LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(harness.side.interims).extracting(r -> r.status().code()).containsExactly(100);

        exchange.onClientContent(body("abc"));
        upstream.answer(ok(0));
        upstream.answer(LastHttpContent.EMPTY_LAST_CONTENT);
        List<Object> received = harness.clientReceived();
        assertThat(((HttpResponse) received.get(0)).status().code()).as("the interim end is not relayed")
                .isEqualTo(200);
        received.forEach(ReferenceCountUtil::release);
        upstream.releaseSent();
        assertAllReleasedAndCounted(200);
    }
}
