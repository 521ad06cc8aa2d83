package dev.bluegreen.proxy.internal.codec;

import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.LINE_ENDS;
import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.decode;
import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.fields;
import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.framing;
import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.maybeMutated;
import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.pick;
import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.split;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A differential fuzzer of HTTP/1.1 response decoding on connections to backends: the proxy's upstream codec (shared
 * status words and header names, the HEAD pairing, strict line endings) against Netty's {@link HttpClientCodec} with
 * its default settings, on generated responses, some mutated byte by byte, fed in one read or two, each answering a
 * GET or a HEAD. Every response the proxy's codec accepts, Netty's must accept as the same response: version, status
 * code and reason, every header field in order, the body's bytes and its trailers.
 */
class ResponseHeadDifferentialTest {

    // Each list starts with what a backend usually sends (DifferentialDecoding.pick picks one of the first five most
    // of the time) and goes on with what it should not.
    private static final String[] STATUS_LINES = {"HTTP/1.1 200 OK", "HTTP/1.1 404 Not Found",
        "HTTP/1.1 204 No Content", "HTTP/1.1 200 Fine", "HTTP/1.1 304 Not Modified", "HTTP/1.1 200", "HTTP/1.1 200 ",
        "HTTP/1.0 200 OK", "HTTP/1.1 100 Continue", "HTTP/1.1 103 Early Hints", "HTTP/1.1 599 Odd", "HTTP/1.1 999 X",
        "HTTP/1.1 20 OK", "HTTP/2 200 OK", "http/1.1 200 OK", "HTTP/1.1  200 OK", "HTTP/1.1 200 caf\u00e9",
        "HTTP/1.1 abc OK"};
    private static final String[] NAMES = {"Server", "Date", "Content-Type", "Cache-Control", "Set-Cookie", "ETag",
        "server", "SERVER", "Connection", "Keep-Alive", "Vary", "X_Under", "Bad Name", "Name ", "", "\u00e9t\u00e9"};
    private static final String[] VALUES = {"nginx/1.22.1", "Wed, 02 Dec 2026 17:55:02 GMT", "text/html",
        "max-age=60", "a=1; Path=/", "keep-alive", "close", " padded ", "", "caf\u00e9", "tab\there", "ctl\u0001x",
        "del\u007fx", "x".repeat(200)};

    /**
     * 20,000 responses decoded twice: CPU only, no waiting, bounded. 11 s in a suite run on a 2-core machine with
     * other work on it, 32 s on the same machine loaded more: past half of JUnit's default 60 s (a guard against a
     * test that hangs, which this one can't). It gets a limit of its own, as {@code ArrayHttpHeadersTest}'s fuzzer.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyResponseTheProxyAccepts_nettysCodecAcceptsTheSame() {
        DifferentialDecoding comparison = new DifferentialDecoding("response");
        for (int seed = 0; seed < 20_000; seed++) {
            Random random = new Random(seed);
            HttpMethod method = random.nextInt(6) == 0 ? HttpMethod.HEAD : HttpMethod.GET;
            byte[] input = input(random);
            int split = split(random, input.length);
            comparison.compare(
                    decode(afterRequest(Http1Codecs.upstream(), method), input, split,
                            ResponseHeadDifferentialTest::headText),
                    decode(afterRequest(new HttpClientCodec(), method), input, split,
                            ResponseHeadDifferentialTest::headText),
                    "seed " + seed + ", " + method + ", input:\n" + new String(input, StandardCharsets.ISO_8859_1));
        }
        comparison.assertBothSidesSeen(4_000, 2_000);
    }

    /** A channel with {@code codec} that has sent a request with {@code method}, for the response to answer. */
    private static EmbeddedChannel afterRequest(ChannelHandler codec, HttpMethod method) {
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
        ByteBuf request;
        while ((request = channel.readOutbound()) != null) {
            request.release();
        }
        return channel;
    }

    private static String headText(HttpMessage head) {
        HttpResponse response = (HttpResponse) head;
        return response.protocolVersion() + " " + response.status().code() + " [" + response.status().reasonPhrase()
                + "]" + fields(response.headers());
    }

    /** A response (sometimes after an interim one), generated from usual and unusual parts, perhaps mutated. */
    private static byte[] input(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (random.nextInt(8) == 0) {
            out.writeBytes("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        response(random, out);
        return maybeMutated(random, out.toByteArray());
    }

    private static void response(Random random, ByteArrayOutputStream out) {
        String eol = pick(random, LINE_ENDS);
        StringBuilder head = new StringBuilder(pick(random, STATUS_LINES)).append(eol);
        int fields = random.nextInt(6);
        for (int i = 0; i < fields; i++) {
            head.append(pick(random, NAMES)).append(random.nextInt(15) == 0 ? " :" : ":")
                    .append(random.nextInt(10) == 0 ? "" : " ").append(pick(random, VALUES)).append(eol);
            if (random.nextInt(25) == 0) {
                head.append(" folded").append(eol);
            }
        }
        int framing = random.nextInt(5);
        String body = framing(random, head, eol, framing == 0 || framing == 1 || framing == 3,
                framing == 2 || framing == 3, NAMES, VALUES);
        head.append(eol);
        out.writeBytes(head.append(body).toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
