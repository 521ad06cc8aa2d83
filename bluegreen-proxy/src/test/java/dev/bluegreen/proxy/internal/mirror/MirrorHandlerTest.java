package dev.bluegreen.proxy.internal.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.MirrorReport;
import dev.bluegreen.proxy.MirrorSettings;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import dev.bluegreen.proxy.internal.request.ErrorResponses;
import dev.bluegreen.proxy.internal.upstream.BackendAddresses;
import dev.bluegreen.proxy.internal.upstream.LoopUpstreams;
import dev.bluegreen.proxy.internal.upstream.UpstreamPools;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.EventExecutor;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mirror handler alone, in an {@link EmbeddedChannel} in front of a stand-in client side: whatever it picks, the
 * live request and response pass through it as they came, the same objects, nothing released or held; the mirror it
 * starts can't connect from an embedded loop, so it is dropped as {@code idle-down}, which touches nothing live.
 */
class MirrorHandlerTest {

    private final BlueGreen admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", 1))
            .green("v2", Backend.of("127.0.0.1", 2)).build();
    /** What the stand-in client side routed the request under way to. */
    private final AtomicReference<Colour> routed = new AtomicReference<>(Colour.BLUE);
    private final List<Object> received = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private Mirror mirror;

    @AfterEach
    void close() {
        admin.close();
        received.forEach(io.netty.util.ReferenceCountUtil::release);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private void start(MirrorSettings settings) {
        // IP addresses only: nothing is ever resolved.
        BackendAddresses addresses = new BackendAddresses(channel.eventLoop(), List.of());
        addresses.track(admin.snapshot());
        MirrorTargets targets = new MirrorTargets(admin::snapshot, null, addresses);
        Bootstrap bootstrap = new Bootstrap().channel(NioSocketChannel.class);
        mirror = new Mirror(settings, targets, List.of((EventExecutor) channel.eventLoop()),
                loop -> LoopUpstreams.http1(new UpstreamPools(loop, bootstrap, null, new ProxyCounters(),
                        admin::snapshot, targets::keepsConnections, Duration.ZERO)), Clock.systemUTC());
        ChannelHandler clientSide = new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                received.add(msg);
            }
        };
        channel.pipeline().addLast("mirror", mirror.newHandler(routed::get)).addLast("proxy", clientSide);
    }

    private static HttpRequest get(String uri) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    private static ByteBuf text(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    @Test
    void aMirroredRequest_andItsResponse_passThroughUntouched_andTheMirrorThatCantConnectIsDropped() {
        start(MirrorSettings.percent(100));
        HttpRequest request = get("/a");
        LastHttpContent end = new DefaultLastHttpContent();
        channel.writeInbound(request, end);

        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        DefaultHttpContent piece = new DefaultHttpContent(text("hello"));
        DefaultLastHttpContent last = new DefaultLastHttpContent(text(" world"));
        channel.writeOutbound(head, piece, last);

        assertThat(received).containsExactly(request, end);
        assertThat((Object) channel.readOutbound()).isSameAs(head);
        assertThat((Object) channel.readOutbound()).isSameAs(piece);
        assertThat((Object) channel.readOutbound()).isSameAs(last);
        assertThat(piece.refCnt()).isOne();
        assertThat(piece.content().readerIndex()).isZero();
        piece.release();
        last.release();
        channel.runPendingTasks();
        MirrorReport report = mirror.report();
        assertThat(report.mirrored()).isEqualTo(1);
        assertThat(report.droppedBy()).containsEntry("idle-down", 1L);
        assertThat(report.inFlight()).isZero();
    }

    @Test
    void aRequestRoutedElsewhere_orAMethodNotMirrored_isNotCounted() {
        start(MirrorSettings.percent(100));
        routed.set(Colour.GREEN);
        channel.writeInbound(get("/preview"), LastHttpContent.EMPTY_LAST_CONTENT);
        routed.set(Colour.BLUE);
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/post"),
                new DefaultLastHttpContent(text("body")));

        MirrorReport report = mirror.report();
        assertThat(report.mirrored() + report.dropped()).isZero();
        assertThat(report.routes()).isEmpty();
        assertThat(received).hasSize(4);
    }

    @Test
    void aShareBelowAll_picksAboutThatShareOfTheLoopsRequests() {
        start(MirrorSettings.percent(25).withMaxInFlightPerLoop(100));
        for (int i = 0; i < 800; i++) {
            channel.writeInbound(get("/" + i), LastHttpContent.EMPTY_LAST_CONTENT);
        }
        channel.runPendingTasks();

        // Drawn at random (MirrorLoopTest): 200 expected, the bounds more than six standard deviations away.
        MirrorReport report = mirror.report();
        assertThat(report.mirrored()).isEqualTo(report.dropped()).isBetween(120L, 280L);
        assertThat(received).hasSize(1_600);
    }

    @Test
    void theProxysOwnAnswer_isNotCompared_andAnInterimResponseIsNotTheAnswer() {
        // The mirror's connect never completes here: a response timeout far away keeps it in flight.
        start(MirrorSettings.percent(100));
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x"));
        DefaultFullHttpResponse interim = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.CONTINUE);
        var error = ErrorResponses.of(channel.alloc(), HttpResponseStatus.BAD_GATEWAY, "no backend", false);
        channel.writeOutbound(interim, error);

        assertThat((Object) channel.readOutbound()).isSameAs(interim);
        assertThat((Object) channel.readOutbound()).isSameAs(error);
        error.release();
        channel.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
        channel.runPendingTasks();

        MirrorReport report = mirror.report();
        assertThat(report.matched() + report.mismatched()).isZero();
        assertThat(report.droppedBy()).containsEntry("live-failed", 1L);
        assertThat(report.mirrored()).as("dropped before its copy was sent").isZero();
    }

    @Test
    void aLiveAnswerBeforeTheRequestBodyEnded_leavesTheMirrorToGoOnceTheBodyEnds() {
        start(MirrorSettings.percent(100).withMethods(List.of("POST")));
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload"),
                new DefaultHttpContent(text("part one")));
        // The backend turns the upload down before reading it all (a 401), and the client sends the rest anyway.
        answerEarly();
        assertThat(mirror.report().inFlight()).isOne();

        channel.writeInbound(new DefaultLastHttpContent(text(", part two")));
        channel.runPendingTasks();

        MirrorReport report = mirror.report();
        assertThat(report.mirrored()).as("sent once the request was whole").isOne();
        // It can't connect from an embedded loop; what matters is that it went at once, not after the timeout.
        assertThat(report.droppedBy()).containsEntry("idle-down", 1L).containsEntry("live-slow", 0L);
        assertThat(report.inFlight()).isZero();
        assertThat(report.bufferedBytes()).isZero();
    }

    @Test
    void theClientLeavingAfterAnEarlyLiveAnswer_beforeItsBodyEnded_dropsTheMirror() {
        start(MirrorSettings.percent(100).withMethods(List.of("POST")));
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/upload"),
                new DefaultHttpContent(text("part one")));
        answerEarly();
        channel.close();

        MirrorReport report = mirror.report();
        assertThat(report.mirrored()).isZero();
        assertThat(report.droppedBy()).containsEntry("live-failed", 1L);
        assertThat(report.inFlight()).isZero();
        assertThat(report.bufferedBytes()).isZero();
    }

    private void answerEarly() {
        DefaultFullHttpResponse early = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.UNAUTHORIZED);
        channel.writeOutbound(early);
        assertThat((Object) channel.readOutbound()).isSameAs(early);
        early.release();
    }

    @Test
    void theClientLeavingMidResponse_dropsThePair_andNothingLeaks() {
        start(MirrorSettings.percent(100).withMethods(List.of("POST")));
        channel.writeInbound(new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/p"),
                new DefaultHttpContent(text("part")));
        DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        channel.writeOutbound(head);
        assertThat((Object) channel.readOutbound()).isSameAs(head);
        channel.close();

        MirrorReport report = mirror.report();
        assertThat(report.droppedBy()).containsEntry("live-failed", 1L);
        assertThat(report.bufferedBytes()).isZero();
        assertThat(report.inFlight()).isZero();
    }
}
