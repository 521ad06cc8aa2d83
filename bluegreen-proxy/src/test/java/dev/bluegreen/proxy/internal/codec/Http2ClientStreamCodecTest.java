package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2ClientStreamCodec} against Netty's {@link Http2StreamFrameToHttpObjectCodec}: the same frames for every
 * response head, the usual ones and those with every special case, and shared names for the usual ones.
 */
class Http2ClientStreamCodecTest {

    private static final String[] NAMES = {
        "Server", "server", "SERVER", "Date", "Content-Type", "content-length", "Via", "X-Backend", "Set-Cookie",
        "X-Custom-Thing", "x-lower-custom", "ETag", "Cache-Control",
        // The special cases: dropped or treated apart by the conversion.
        "Connection", "connection", "Keep-Alive", "Proxy-Connection", "Transfer-Encoding", "Host", "Upgrade", "TE",
        "te", "Cookie", "x-http2-path", "X-Http2-Scheme", "x-http2-stream-id", "x-http2-protocol"};
    private static final String[] VALUES = {
        "nginx", "text/plain", "2", "trailers", "gzip, trailers", "close", "keep-alive, X-Custom-Thing",
        "x-lower-custom", "a=1; b=2", "a=1;b=2", "", "1.1 bluegreen"};
    /** Interim ones too: Netty refuses them unless they are whole messages, and so must the codec. */
    private static final HttpResponseStatus[] STATUSES = {
        HttpResponseStatus.OK, HttpResponseStatus.NO_CONTENT, HttpResponseStatus.NOT_FOUND,
        HttpResponseStatus.BAD_GATEWAY, HttpResponseStatus.valueOf(103), HttpResponseStatus.CONTINUE};

    /**
     * The frames a codec writes for {@code response}, each as its end-of-stream flag and its fields in order, or the
     * exception it refuses the response with.
     */
    private static List<String> encoded(Http2StreamFrameToHttpObjectCodec codec, HttpResponse response) {
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        List<String> frames = new ArrayList<>();
        try {
            channel.writeOutbound(response);
        } catch (EncoderException refused) {
            frames.add("refused: " + refused.getMessage());
        }
        Object frame;
        while ((frame = channel.readOutbound()) != null) {
            if (frame instanceof Http2HeadersFrame headers) {
                StringBuilder fields = new StringBuilder("HEADERS end=" + headers.isEndStream());
                for (Map.Entry<CharSequence, CharSequence> field : headers.headers()) {
                    fields.append(" | ").append(field.getKey()).append(": ").append(field.getValue());
                }
                frames.add(fields.toString());
            } else if (frame instanceof Http2DataFrame data) {
                frames.add("DATA end=" + data.isEndStream() + " " + data.content().toString(StandardCharsets.US_ASCII));
            } else {
                frames.add(frame.getClass().getSimpleName());
            }
            ReferenceCountUtil.release(frame);
        }
        channel.finishAndReleaseAll();
        return frames;
    }

    /** A response head, or (when {@code full}) a whole response, with or without a body and trailers. */
    private static HttpResponse randomResponse(Random random, boolean full) {
        HttpResponseStatus status = STATUSES[random.nextInt(STATUSES.length)];
        HttpResponse response;
        if (full) {
            String body = random.nextBoolean() ? "ok" : "";
            FullHttpResponse whole = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII), ArrayHttpHeaders.headersFactory(),
                    ArrayHttpHeaders.trailersFactory());
            if (random.nextInt(4) == 0) {
                whole.trailingHeaders().add("X-Checksum", "abc");
            }
            response = whole;
        } else {
            response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status, ArrayHttpHeaders.headersFactory());
        }
        int fields = random.nextInt(9);
        for (int i = 0; i < fields; i++) {
            // Mostly the usual names (the first 13), sometimes a special case.
            String name = NAMES[random.nextInt(4) == 0 ? random.nextInt(NAMES.length) : random.nextInt(13)];
            response.headers().add(name, VALUES[random.nextInt(VALUES.length)]);
        }
        return response;
    }

    @Test
    void isSharable_asItsAnnotationSays_andOneCodecServesTwoStreams() {
        Http2ClientStreamCodec codec = new Http2ClientStreamCodec();

        assertThat(codec.isSharable())
                .isEqualTo(Http2ClientStreamCodec.class.isAnnotationPresent(ChannelHandler.Sharable.class))
                .isTrue();
        EmbeddedChannel first = new EmbeddedChannel(codec);
        EmbeddedChannel second = new EmbeddedChannel(codec);
        assertThat(second.pipeline().get(Http2ClientStreamCodec.class)).isSameAs(codec);
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void everyResponseHead_isEncodedExactlyAsNettyEncodesIt() {
        Http2ClientStreamCodec ours = new Http2ClientStreamCodec();
        Http2StreamFrameToHttpObjectCodec netty = new Http2StreamFrameToHttpObjectCodec(true);
        for (int seed = 0; seed < 2_000; seed++) {
            boolean full = seed % 3 == 0;
            HttpResponse response = randomResponse(new Random(seed), full);
            HttpResponse copy = randomResponse(new Random(seed), full);

            assertThat(encoded(ours, response)).as("seed %d: %s", seed, response).isEqualTo(encoded(netty, copy));
        }
    }

    @Test
    void aHeadWhoseFieldsWereNotChecked_isCheckedHere_andRefusedAsNettyRefusesIt() {
        // The decoders' maps check every field as it comes, so the codec does not check them again; a map that
        // did not check (or one of Netty's without checks) must still be checked here.
        for (HttpResponse response : List.of(
                new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, uncheckedHeaders()),
                new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, false))) {
            response.headers().add("X-Split", "a\u0000b");
            HttpResponse copy = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, false);
            copy.headers().add("X-Split", "a\u0000b");

            List<String> ours = encoded(new Http2ClientStreamCodec(), response);
            assertThat(ours).singleElement().asString().startsWith("refused: ");
            assertThat(ours).isEqualTo(encoded(new Http2StreamFrameToHttpObjectCodec(true), copy));
        }
    }

    private static HttpHeadersFactory uncheckedHeaders() {
        return new HttpHeadersFactory() {
            @Override
            public HttpHeaders newHeaders() {
                return ArrayHttpHeaders.unchecked();
            }

            @Override
            public HttpHeaders newEmptyHeaders() {
                return ArrayHttpHeaders.unchecked();
            }
        };
    }

    @Test
    void usualHead_hasLowerCaseNames_andTheSharedOnesAreTheSameObjectsEveryTime() {
        Http2ClientStreamCodec codec = new Http2ClientStreamCodec();
        List<CharSequence> first = names(codec);
        List<CharSequence> second = names(codec);

        assertThat(first).extracting(CharSequence::toString)
                .containsExactly(":status", "server", "content-type", "x-custom-thing");
        assertThat(second.get(1)).as("server").isSameAs(first.get(1));
        assertThat(second.get(2)).as("content-type").isSameAs(first.get(2));
        assertThat(second.get(3)).as("a name that is not shared: made per response").isNotSameAs(first.get(3));
    }

    private static List<CharSequence> names(Http2ClientStreamCodec codec) {
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        byte[] head = "xServerContent-Type".getBytes(StandardCharsets.US_ASCII);
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        // As the upstream decoder gives them: shared names for the usual fields.
        response.headers().add(SharedHeaderNames.sharedName(head, 1, 6), "nginx");
        response.headers().add(SharedHeaderNames.sharedName(head, 7, 12), "text/plain");
        response.headers().add("X-Custom-Thing".toUpperCase(Locale.ROOT), "1");
        channel.writeOutbound(response);
        Http2HeadersFrame frame = channel.readOutbound();
        List<CharSequence> names = new ArrayList<>();
        frame.headers().forEach(field -> names.add(field.getKey()));
        assertThat(channel.finishAndReleaseAll()).isFalse();
        return names;
    }
}
