package dev.bluegreen.proxy.internal.codec;

import static dev.bluegreen.proxy.internal.codec.Http1UpstreamCodecTest.bytes;
import static dev.bluegreen.proxy.internal.codec.Http1UpstreamCodecTest.send;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The short way in for plain heads, seen through both codecs: a plain head is read at once (its field values shared
 * with the previous message's, which Netty's way never does: that is how these tests know which way a head took), and
 * Netty's decoder reads everything else, taking over and handing back between messages without losing a byte. What
 * is read either way is compared with Netty's own decoding by the differential decoding tests.
 */
class PlainHeadsTest {

    private static final String GET = "GET /status HTTP/1.1\r\nHost: example.test\r\nUser-Agent: probe/1.0\r\n\r\n";

    private static HttpRequest request(EmbeddedChannel channel) {
        HttpRequest request = channel.readInbound();
        assertThat(request.decoderResult().isSuccess()).as("decoded").isTrue();
        return request;
    }

    /** The body of {@code response}, as text: its own if read whole, else the pieces that follow it. */
    private static String body(HttpResponse response, EmbeddedChannel channel) {
        if (response instanceof FullHttpResponse whole) {
            String body = whole.content().toString(StandardCharsets.US_ASCII);
            whole.release();
            return body;
        }
        return body(channel);
    }

    /** Reads a message's body pieces up to its last, as text. */
    private static String body(EmbeddedChannel channel) {
        StringBuilder body = new StringBuilder();
        while (true) {
            HttpContent piece = channel.readInbound();
            assertThat(piece).as("a body piece").isNotNull();
            body.append(piece.content().toString(StandardCharsets.US_ASCII));
            piece.release();
            if (piece instanceof LastHttpContent) {
                return body.toString();
            }
        }
    }

    @Test
    void requestFieldValues_sameAsThePreviousRequests_areTheSameStrings_andOthersAreNew() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.client());
        channel.writeInbound(bytes(GET + GET.replace("probe/1.0", "probe/2.0")));

        HttpRequest first = request(channel);
        assertThat(body(channel)).isEmpty();
        HttpRequest second = request(channel);
        assertThat(body(channel)).isEmpty();

        assertThat(second.headers().get("Host")).isEqualTo("example.test").isSameAs(first.headers().get("Host"));
        assertThat(second.uri()).isEqualTo("/status").isSameAs(first.uri());
        assertThat(second.headers().get("User-Agent")).isEqualTo("probe/2.0");
        assertThat(first.headers().get("User-Agent")).isEqualTo("probe/1.0");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void requestWithABody_isNettys_andThePlainWayResumesAfterIt() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.client());
        channel.writeInbound(bytes(GET + "POST /orders HTTP/1.1\r\nHost: example.test\r\nContent-Length: 5\r\n\r\nhello"
                + GET));

        HttpRequest first = request(channel);
        assertThat(body(channel)).isEmpty();
        HttpRequest post = request(channel);
        assertThat(post.method()).isEqualTo(HttpMethod.POST);
        assertThat(body(channel)).isEqualTo("hello");
        HttpRequest third = request(channel);
        assertThat(body(channel)).isEmpty();

        assertThat(third.headers().get("Host")).as("read the plain way again").isSameAs(first.headers().get("Host"));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void headCutAcrossTwoReads_isNettys_andTheNextWholeOneIsPlain() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.client());
        channel.writeInbound(bytes(GET));
        HttpRequest first = request(channel);
        assertThat(body(channel)).isEmpty();

        channel.writeInbound(bytes(GET.substring(0, 30)));
        assertThat((Object) channel.readInbound()).as("half a head").isNull();
        channel.writeInbound(bytes(GET.substring(30)));
        HttpRequest cut = request(channel);
        assertThat(body(channel)).isEmpty();
        channel.writeInbound(bytes(GET));
        HttpRequest whole = request(channel);
        assertThat(body(channel)).isEmpty();

        assertThat(cut.headers().get("Host")).isEqualTo("example.test").isNotSameAs(first.headers().get("Host"));
        assertThat(whole.headers().get("Host")).isSameAs(first.headers().get("Host"));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void headLongerThanThePlainLimit_isReadWholeByNetty() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.client());
        String cookie = "c=" + "x".repeat(PlainHeads.MAX_HEAD_LENGTH);
        channel.writeInbound(bytes("GET / HTTP/1.1\r\nHost: example.test\r\nCookie: " + cookie + "\r\n\r\n" + GET));

        assertThat(request(channel).headers().get("Cookie")).isEqualTo(cookie);
        assertThat(body(channel)).isEmpty();
        assertThat(request(channel).uri()).isEqualTo("/status");
        assertThat(body(channel)).isEmpty();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void responseWhoseBodyIsWhole_isPlain_andOneWhoseBodyComesLaterIsNettys() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.upstream());
        String head = "HTTP/1.1 200 OK\r\nServer: origin\r\nContent-Length: 5\r\n\r\n";
        send(channel, HttpMethod.GET);
        send(channel, HttpMethod.GET);
        send(channel, HttpMethod.GET);

        channel.writeInbound(bytes(head + "hello"));
        HttpResponse first = channel.readInbound();
        assertThat(first).as("read whole").isInstanceOf(FullHttpResponse.class);
        assertThat(body(first, channel)).isEqualTo("hello");
        channel.writeInbound(bytes(head + "wor"));
        HttpResponse split = channel.readInbound();
        assertThat(split).as("a head, its body to follow").isNotInstanceOf(FullHttpResponse.class);
        channel.writeInbound(bytes("ld"));
        assertThat(body(split, channel)).isEqualTo("world");
        channel.writeInbound(bytes(head + "again"));
        HttpResponse third = channel.readInbound();
        assertThat(body(third, channel)).isEqualTo("again");

        assertThat(split.headers().get("Server")).isEqualTo("origin").isNotSameAs(first.headers().get("Server"));
        assertThat(third.headers().get("Server")).isSameAs(first.headers().get("Server"));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void afterSwitchingProtocols_theBytesThatFollowAreNotReadAsHttp() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.upstream());
        send(channel, HttpMethod.GET);

        channel.writeInbound(bytes("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));

        HttpResponse switching = channel.readInbound();
        assertThat(switching.status().code()).isEqualTo(101);
        assertThat(body(channel)).isEmpty();
        ByteBuf after = channel.readInbound();
        assertThat(after.toString(StandardCharsets.US_ASCII)).as("passed on as bytes")
                .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        after.release();
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }
}
