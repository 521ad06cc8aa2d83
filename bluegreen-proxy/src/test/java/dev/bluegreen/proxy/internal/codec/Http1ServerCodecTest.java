package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The client-side codec: requests paired with their responses exactly as Netty's {@code HttpServerCodec} pairs them
 * (compared side by side), and the usual request header names shared.
 */
class Http1ServerCodecTest {

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII);
    }

    /** The bytes the codec writes for {@code responses} after reading {@code requests}, and whether it closed. */
    private static String exchange(Supplier<io.netty.channel.ChannelHandler> codec, String requests,
                                   List<HttpResponse> responses) {
        EmbeddedChannel channel = new EmbeddedChannel(codec.get());
        channel.writeInbound(bytes(requests));
        Object decoded;
        while ((decoded = channel.readInbound()) != null) {
            ReferenceCountUtil.release(decoded);
        }
        for (HttpResponse response : responses) {
            channel.writeOutbound(response);
            if (!(response instanceof LastHttpContent)) {
                channel.writeOutbound(new io.netty.handler.codec.http.DefaultLastHttpContent(bytes("body")));
            }
        }
        StringBuilder written = new StringBuilder();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            written.append(out.toString(StandardCharsets.US_ASCII));
            out.release();
        }
        written.append(channel.isOpen() ? "" : "[closed]");
        channel.finishAndReleaseAll();
        return written.toString();
    }

    private static List<HttpResponse> responses(HttpResponseStatus... statuses) {
        List<HttpResponse> responses = new ArrayList<>();
        for (HttpResponseStatus status : statuses) {
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
            response.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            responses.add(response);
        }
        return responses;
    }

    @Test
    void responsesArePairedWithTheirRequests_asNettysCodecPairsThem() {
        List<Map.Entry<String, List<HttpResponse>>> cases = List.of(
                Map.entry("HEAD / HTTP/1.1\r\nHost: a\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
                        responses(HttpResponseStatus.OK, HttpResponseStatus.OK)),
                Map.entry("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", responses(HttpResponseStatus.OK)),
                Map.entry("CONNECT a:443 HTTP/1.1\r\nHost: a:443\r\n\r\n", responses(HttpResponseStatus.FORBIDDEN)),
                Map.entry("GET / HTTP/1.1\r\nHost: a\r\n\r\nHEAD / HTTP/1.1\r\nHost: a\r\n\r\n",
                        responses(HttpResponseStatus.NOT_FOUND, HttpResponseStatus.NO_CONTENT)));
        for (Map.Entry<String, List<HttpResponse>> each : cases) {
            String requests = each.getKey();
            List<HttpResponse> responses = each.getValue();
            // The same responses, twice: each codec writes (and so changes) its own.
            List<HttpResponse> again = new ArrayList<>();
            for (HttpResponse response : responses) {
                HttpResponse copy = new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status());
                copy.headers().set(response.headers());
                again.add(copy);
            }
            assertThat(exchange(() -> Http1Codecs.client(), requests, responses)).as(requests)
                    .isEqualTo(exchange(() -> new HttpServerCodec(Http1Codecs.decoderConfig()), requests, again));
        }
    }

    @Test
    void interimResponse_takesNoRequest_soTheHeadsFinalResponseStillHasNoBody() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.client());
        channel.writeInbound(bytes("HEAD / HTTP/1.1\r\nHost: a\r\n\r\n"));
        ReferenceCountUtil.release(channel.readInbound());
        ReferenceCountUtil.release(channel.readInbound());

        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, 4);
        channel.writeOutbound(head, new io.netty.handler.codec.http.DefaultLastHttpContent(bytes("body")));

        StringBuilder written = new StringBuilder();
        ByteBuf out;
        while ((out = channel.readOutbound()) != null) {
            written.append(out.toString(StandardCharsets.US_ASCII));
            out.release();
        }
        assertThat(written.toString()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n"
                + "HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\n");
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void requestBeyondThePipelineDepth_goesOnRefused_theRestIsDropped_andEarlierResponsesKeepTheConnection() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.client());
        String request = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        String post = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc";
        channel.writeInbound(bytes(request.repeat(Http1ServerCodec.MAX_PIPELINE_DEPTH) + post + request));
        int decoded = 0;
        HttpRequest refused = null;
        Object message;
        while ((message = channel.readInbound()) != null) {
            if (message instanceof HttpRequest head) {
                if (head.decoderResult().isFailure()) {
                    assertThat(refused).as("one refused request").isNull();
                    refused = head;
                } else {
                    assertThat(refused).as("nothing decoded after the refused request").isNull();
                    decoded++;
                }
            } else {
                assertThat(refused).as("not even the refused request's body").isNull();
            }
            ReferenceCountUtil.release(message);
        }
        assertThat(decoded).isEqualTo(Http1ServerCodec.MAX_PIPELINE_DEPTH);
        assertThat(refused).isNotNull();
        assertThat(refused.method().name()).isEqualTo("POST");
        assertThat(refused.decoderResult().cause()).isInstanceOf(PipelineDepthExceededException.class)
                .hasMessageContaining("at most 128");
        channel.writeInbound(bytes(request));
        assertThat((Object) channel.readInbound()).as("dropped unread").isNull();

        for (int i = 0; i < Http1ServerCodec.MAX_PIPELINE_DEPTH + 1; i++) {
            channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
            assertThat(channel.isOpen()).as("the codec closes nothing itself: response %d", i).isTrue();
        }
        channel.finishAndReleaseAll();
    }

    @Test
    void foldedHead_isRefused_aloneBehindARequestBehindABody_orSplitAcrossReads() {
        String folded = "GET /f HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n\tfolded\r\n\r\n";
        String get = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
        String post = "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc";
        for (List<String> reads : List.of(List.of(folded), List.of(get + folded), List.of(post + folded),
                List.of(get + folded.substring(0, 30), folded.substring(30)),
                List.of(get + "GET /f HTTP/1.1\r\nX-A: 1\r\n", " folded\r\n\r\n"))) {
            EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.client());
            for (String read : reads) {
                channel.writeInbound(bytes(read));
            }
            List<HttpRequest> heads = new ArrayList<>();
            Object message;
            while ((message = channel.readInbound()) != null) {
                if (message instanceof HttpRequest head) {
                    heads.add(head);
                }
                ReferenceCountUtil.release(message);
            }
            HttpRequest last = heads.get(heads.size() - 1);
            assertThat(last.uri()).as("%s", reads).isEqualTo("/f");
            assertThat(last.decoderResult().isFailure()).as("%s", reads).isTrue();
            assertThat(last.decoderResult().cause()).hasMessage("folded header line");
            assertThat(heads.subList(0, heads.size() - 1)).as("%s: the requests before it", reads)
                    .allSatisfy(head -> assertThat(head.decoderResult().isSuccess()).isTrue());
            channel.finishAndReleaseAll();
        }
    }

    @Test
    void aBodyThatLooksFolded_andAFoldInTheNextHeadsBody_areNotTakenForAFold() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.client());
        channel.writeInbound(bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 12\r\n\r\nx\r\n folded\r\n"
                + "GET / HTTP/1.1\r\nHost: a\r\n\r\n"));
        Object message;
        int heads = 0;
        while ((message = channel.readInbound()) != null) {
            if (message instanceof HttpRequest head) {
                assertThat(head.decoderResult().isSuccess()).as(head.uri()).isTrue();
                heads++;
            }
            ReferenceCountUtil.release(message);
        }
        assertThat(heads).isEqualTo(2);
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void bytesBehindARequestToUpgrade_areHeld_thenTakenForATunnelOrDecodedIfRefused() {
        String upgrade = "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n";
        String next = "GET /next HTTP/1.1\r\nHost: a\r\n\r\n";

        Http1ServerCodec switched = Http1Codecs.client();
        EmbeddedChannel tunnel = new EmbeddedChannel(switched);
        tunnel.writeInbound(bytes(upgrade + "raw"));
        tunnel.writeInbound(bytes(" bytes"));
        assertThat(requestUris(tunnel)).containsExactly("/ws");
        ByteBuf early = switched.takeBytesAfterUpgrade();
        assertThat(early.toString(StandardCharsets.US_ASCII)).isEqualTo("raw bytes");
        early.release();
        assertThat(switched.takeBytesAfterUpgrade()).as("taken once").isNull();
        assertThat(tunnel.finishAndReleaseAll()).isFalse();

        Http1ServerCodec refused = Http1Codecs.client();
        EmbeddedChannel http = new EmbeddedChannel(refused);
        http.writeInbound(bytes(upgrade + next));
        assertThat(requestUris(http)).containsExactly("/ws");
        refused.readOnAfterUpgrade();
        assertThat(requestUris(http)).containsExactly("/next");
        assertThat(http.finishAndReleaseAll()).isFalse();
    }

    /** The targets of the requests decoded so far, every message read and released. */
    private static List<String> requestUris(EmbeddedChannel channel) {
        List<String> uris = new ArrayList<>();
        Object message;
        while ((message = channel.readInbound()) != null) {
            if (message instanceof HttpRequest request) {
                uris.add(request.uri());
            }
            ReferenceCountUtil.release(message);
        }
        return uris;
    }

    @Test
    void usualRequestHeaderNames_areTheSameObjectsInEveryRequest_andKeepTheClientsSpelling() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.client());
        String request = "GET / HTTP/1.1\r\nHost: a\r\nUser-Agent: x\r\naccept-encoding: gzip\r\nX-Odd-One: 1\r\n\r\n";
        channel.writeInbound(bytes(request + request));
        HttpRequest first = channel.readInbound();
        ReferenceCountUtil.release(channel.readInbound());
        HttpRequest second = channel.readInbound();
        ReferenceCountUtil.release(channel.readInbound());

        List<CharSequence> firstNames = names(first);
        List<CharSequence> secondNames = names(second);
        assertThat(firstNames).extracting(CharSequence::toString)
                .containsExactly("Host", "User-Agent", "accept-encoding", "X-Odd-One");
        for (int i = 0; i < 3; i++) {
            assertThat((Object) secondNames.get(i)).as(firstNames.get(i).toString()).isSameAs(firstNames.get(i));
        }
        assertThat((Object) secondNames.get(3)).as("not a usual name: made per request").isNotSameAs(firstNames.get(3));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aRepeatedShortTarget_isTheSameString_anOtherOrALongOneIsItsOwn() {
        EmbeddedChannel channel = new EmbeddedChannel(Http1Codecs.client());
        String longTarget = "/" + "x".repeat(300);
        for (String target : List.of("/a?b=1", "/a?b=1", "/a?b=2", "/a?b=2", longTarget, longTarget, "/caf\u00e9",
                "/caf\u00e9", "/caf\u00e8")) {
            channel.writeInbound(Unpooled.copiedBuffer("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n",
                    StandardCharsets.ISO_8859_1));
        }
        List<String> uris = new ArrayList<>();
        Object decoded;
        while ((decoded = channel.readInbound()) != null) {
            if (decoded instanceof HttpRequest request) {
                uris.add(request.uri());
            }
            ReferenceCountUtil.release(decoded);
        }

        assertThat(uris).containsExactly("/a?b=1", "/a?b=1", "/a?b=2", "/a?b=2", longTarget, longTarget, "/caf\u00e9",
                "/caf\u00e9", "/caf\u00e8");
        assertThat(uris.get(1)).as("the same target again").isSameAs(uris.get(0));
        assertThat(uris.get(2)).as("another target").isNotSameAs(uris.get(1));
        assertThat(uris.get(3)).isSameAs(uris.get(2));
        assertThat(uris.get(5)).as("a target too long to keep").isNotSameAs(uris.get(4));
        assertThat(uris.get(7)).as("not ASCII, the same bytes: compared as bytes").isSameAs(uris.get(6));
        assertThat(uris.get(8)).as("not ASCII, one byte other").isNotSameAs(uris.get(7));
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    private static List<CharSequence> names(HttpRequest request) {
        List<CharSequence> names = new ArrayList<>();
        request.headers().iteratorCharSequence().forEachRemaining(field -> names.add(field.getKey()));
        return names;
    }
}
