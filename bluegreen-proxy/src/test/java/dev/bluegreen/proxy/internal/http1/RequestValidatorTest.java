package dev.bluegreen.proxy.internal.http1;

import dev.bluegreen.proxy.internal.codec.Http1Codecs;

import dev.bluegreen.proxy.internal.request.RequestRejectedException;
import dev.bluegreen.proxy.internal.request.RequestRules;
import dev.bluegreen.proxy.internal.request.TrustedProxies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.RequestLimits;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The validator behind a real codec, one channel per test. */
class RequestValidatorTest {

    private static EmbeddedChannel channel(RequestRules rules) {
        RequestValidator validator = new RequestValidator(rules);
        return new EmbeddedChannel(validator.readActivity(), Http1Codecs.client(rules.limits()), validator);
    }

    private static RequestRules rules(long maxBody, int maxRequests, boolean dropUnderscores) {
        RequestLimits limits = RequestLimits.defaults().withMaxBodySize(maxBody)
                .withMaxRequestsPerConnection(maxRequests).withMaxClientConnections(0);
        return new RequestRules(limits, Set.of(), TrustedProxies.NONE, false, dropUnderscores);
    }

    private static void write(EmbeddedChannel channel, String raw) {
        channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    }

    private static HttpResponseStatus rejection(Object message) {
        Throwable cause = ((io.netty.handler.codec.DecoderResultProvider) message).decoderResult().cause();
        return ((RequestRejectedException) cause).status();
    }

    @Test
    void malformedBodyInTheSameRead_replacesTheWholeRequestWithOneFailedHead() {
        EmbeddedChannel channel = channel(RequestRules.defaults());
        write(channel, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n");

        HttpRequest head = channel.readInbound();
        assertThat(head.decoderResult().isFailure()).isTrue();
        assertThat((Object) channel.readInbound()).as("nothing of the body follows").isNull();
        write(channel, "GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat((Object) channel.readInbound()).as("nothing after a rejection").isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void chunkedBodyPastTheLimit_endsWithA413FailedEnd_afterTheHeadWentOn() {
        EmbeddedChannel channel = channel(rules(5, 0, false));
        write(channel, "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n");
        HttpRequest head = channel.readInbound();
        assertThat(head.decoderResult().isSuccess()).isTrue();
        HttpContent first = channel.readInbound();
        first.release();

        write(channel, "3\r\ndef\r\n0\r\n\r\n");
        LastHttpContent end = channel.readInbound();
        assertThat(end.decoderResult().isFailure()).isTrue();
        assertThat(rejection(end)).isEqualTo(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE);
        end.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void lastRequestOfTheConnection_isMarkedConnectionClose() {
        EmbeddedChannel channel = channel(rules(0, 2, false));
        write(channel, "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\n");

        HttpRequest first = channel.readInbound();
        ReferenceCountUtil.release(channel.readInbound());
        HttpRequest second = channel.readInbound();
        assertThat(first.headers().contains(HttpHeaderNames.CONNECTION)).isFalse();
        assertThat(second.headers().get(HttpHeaderNames.CONNECTION)).isEqualTo("close");
        assertThat((Object) channel.readInbound()).isInstanceOf(LastHttpContent.class);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void underscoreHeaders_areDroppedWhenConfigured() {
        EmbeddedChannel channel = channel(rules(0, 0, true));
        write(channel, "GET / HTTP/1.1\r\nHost: x\r\nX_User: admin\r\nX-User: me\r\n\r\n");

        HttpRequest head = channel.readInbound();
        assertThat(head.headers().contains("X_User")).isFalse();
        assertThat(head.headers().get("X-User")).isEqualTo("me");
        assertThat((Object) channel.readInbound()).isInstanceOf(LastHttpContent.class);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void foldedHeader_refusedByTheCodec_goesOnFailed_andNothingAfterIt() {
        EmbeddedChannel channel = channel(RequestRules.defaults());
        write(channel, "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n");

        HttpRequest head = channel.readInbound();
        assertThat(head.decoderResult().cause()).hasMessage("folded header line");
        assertThat((Object) channel.readInbound()).as("nothing after a rejection").isNull();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
