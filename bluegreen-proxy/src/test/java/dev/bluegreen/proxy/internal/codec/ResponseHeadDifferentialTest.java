package dev.bluegreen.proxy.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A differential fuzzer of HTTP/1.1 response decoding on connections to backends: the proxy's upstream codec (shared
 * status words and header names, the HEAD pairing, strict line endings) against Netty's {@link HttpClientCodec} with
 * its default settings, on generated responses, some mutated byte by byte, fed in one read or two, each answering a
 * GET or a HEAD. Every response the proxy's codec accepts, Netty's must accept as the same response: version, status
 * code and reason, every header field in order, the body's bytes and its trailers.
 */
class ResponseHeadDifferentialTest {

    // Each list starts with what a backend usually sends (the first USUAL of them are picked most of the time).
    private static final int USUAL = 5;
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
    private static final String[] LENGTHS = {"3", "3", "3", "3", "0", "5", " 3", "3,3", "+3", "-1", "abc", "3,4"};
    private static final String[] CODINGS = {"chunked", "chunked", "chunked", "chunked", "chunked", "Chunked",
        "gzip, chunked", "chunked, gzip", "identity", "chunked,"};
    private static final String[] LINE_ENDS = {"\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\n", "\r", "\r\r\n"};

    @Test
    void everyResponseTheProxyAccepts_nettysCodecAcceptsTheSame() {
        int accepted = 0;
        int refused = 0;
        for (int seed = 0; seed < 20_000; seed++) {
            Random random = new Random(seed);
            HttpMethod method = random.nextInt(6) == 0 ? HttpMethod.HEAD : HttpMethod.GET;
            byte[] input = input(random);
            int split = random.nextInt(3) == 0 ? 1 + random.nextInt(input.length) : input.length;
            List<Decoded> ours = decode(Http1Codecs.upstream(), method, input, split);
            List<Decoded> netty = decode(new HttpClientCodec(), method, input, split);

            for (int i = 0; i < ours.size(); i++) {
                Decoded response = ours.get(i);
                if (!response.headAccepted) {
                    refused++;
                    break;
                }
                accepted++;
                String context = "seed " + seed + ", " + method + ", response " + i + ", input:\n"
                        + new String(input, StandardCharsets.ISO_8859_1);
                assertThat(netty).as(context).hasSizeGreaterThan(i);
                Decoded theirs = netty.get(i);
                assertThat(theirs.headAccepted).as(context).isTrue();
                assertThat(theirs.head).as(context).isEqualTo(response.head);
                if (response.complete) {
                    assertThat(theirs.complete).as(context).isTrue();
                    assertThat(theirs.body).as(context).isEqualTo(response.body);
                }
            }
        }
        // Neither side of the comparison may be empty, or the test would show nothing.
        assertThat(accepted).as("responses accepted").isGreaterThan(4_000);
        assertThat(refused).as("inputs refused").isGreaterThan(2_000);
    }

    /** One response as a codec gave it: its head and body as text, and whether each was accepted. */
    private static final class Decoded {
        String head;
        boolean headAccepted;
        String body = "";
        boolean complete;
    }

    /**
     * Sends a request with {@code method} through {@code codec}, then feeds {@code input} to it in two reads (split at
     * {@code split}) and collects the responses.
     */
    private static List<Decoded> decode(ChannelHandler codec, HttpMethod method, byte[] input, int split) {
        EmbeddedChannel channel = new EmbeddedChannel(codec);
        List<Decoded> responses = new ArrayList<>();
        try {
            channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
            ByteBuf request;
            while ((request = channel.readOutbound()) != null) {
                request.release();
            }
            channel.writeInbound(Unpooled.wrappedBuffer(input, 0, split));
            collect(channel, responses);
            if (split < input.length) {
                channel.writeInbound(Unpooled.wrappedBuffer(input, split, input.length - split));
                collect(channel, responses);
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return responses;
    }

    private static void collect(EmbeddedChannel channel, List<Decoded> responses) {
        Object message;
        while ((message = channel.readInbound()) != null) {
            try {
                if (message instanceof HttpResponse response) {
                    Decoded decoded = new Decoded();
                    decoded.headAccepted = response.decoderResult().isSuccess();
                    decoded.head = response.protocolVersion() + " " + response.status().code() + " ["
                            + response.status().reasonPhrase() + "]" + fields(response.headers());
                    responses.add(decoded);
                }
                if (message instanceof HttpContent content && !responses.isEmpty()) {
                    Decoded current = responses.get(responses.size() - 1);
                    if (content.decoderResult().isFailure()) {
                        current.body += "[failed]";
                    } else {
                        current.body += ByteBufUtil.hexDump(content.content());
                        if (content instanceof LastHttpContent last) {
                            current.body += " trailers" + fields(last.trailingHeaders());
                            current.complete = !current.body.contains("[failed]");
                        }
                    }
                }
            } finally {
                ReferenceCountUtil.release(message);
            }
        }
    }

    private static String fields(HttpHeaders headers) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<CharSequence, CharSequence> field : (Iterable<Map.Entry<CharSequence, CharSequence>>)
                headers::iteratorCharSequence) {
            text.append(" | ").append(field.getKey()).append(": ").append(field.getValue());
        }
        return text.toString();
    }

    /** A response (sometimes after an interim one), generated from usual and unusual parts, perhaps mutated. */
    private static byte[] input(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (random.nextInt(8) == 0) {
            out.writeBytes("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        response(random, out);
        byte[] bytes = out.toByteArray();
        int mutations = random.nextInt(5) == 0 ? 1 + random.nextInt(3) : 0;
        for (int i = 0; i < mutations && bytes.length > 0; i++) {
            bytes = mutate(random, bytes);
        }
        return bytes;
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
        String body = "";
        int framing = random.nextInt(5);
        if (framing == 0 || framing == 1 || framing == 3) {
            int lengths = random.nextInt(6) == 0 ? 2 : 1;
            for (int i = 0; i < lengths; i++) {
                head.append("Content-Length: ").append(pick(random, LENGTHS)).append(eol);
            }
            body = "abc";
        }
        if (framing == 2 || framing == 3) {
            head.append("Transfer-Encoding: ").append(pick(random, CODINGS)).append(eol);
            body = chunks(random);
        }
        head.append(eol);
        out.writeBytes(head.append(body).toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String chunks(Random random) {
        StringBuilder body = new StringBuilder();
        int chunks = random.nextInt(3);
        for (int i = 0; i < chunks; i++) {
            String data = "x".repeat(1 + random.nextInt(20));
            String size = Integer.toHexString(data.length());
            switch (random.nextInt(10)) {
                case 0 -> size = size + ";ext=1";
                case 1 -> size = size.toUpperCase() + " ";
                case 2 -> size = "0x" + size;
                default -> { }
            }
            body.append(size).append("\r\n").append(data).append("\r\n");
        }
        body.append("0\r\n");
        if (random.nextInt(5) == 0) {
            body.append(pick(random, NAMES)).append(": ").append(pick(random, VALUES)).append("\r\n");
        }
        return body.append("\r\n").toString();
    }

    /** Flips, inserts or deletes one byte, more often near the start where the head is. */
    private static byte[] mutate(Random random, byte[] bytes) {
        int at = random.nextBoolean() ? random.nextInt(Math.min(bytes.length, 40)) : random.nextInt(bytes.length);
        byte[] interesting = {'\r', '\n', ' ', '\t', ':', ',', 0, (byte) 0x80, '0', 'a', ';'};
        byte value = random.nextBoolean() ? interesting[random.nextInt(interesting.length)] : (byte) random.nextInt();
        return switch (random.nextInt(3)) {
            case 0 -> {
                byte[] flipped = bytes.clone();
                flipped[at] = value;
                yield flipped;
            }
            case 1 -> {
                byte[] longer = new byte[bytes.length + 1];
                System.arraycopy(bytes, 0, longer, 0, at);
                longer[at] = value;
                System.arraycopy(bytes, at, longer, at + 1, bytes.length - at);
                yield longer;
            }
            default -> {
                byte[] shorter = new byte[bytes.length - 1];
                System.arraycopy(bytes, 0, shorter, 0, at);
                System.arraycopy(bytes, at + 1, shorter, at, bytes.length - at - 1);
                yield shorter;
            }
        };
    }

    /** Mostly one of the first {@link #USUAL} choices; one time in seven any of them. */
    private static String pick(Random random, String[] choices) {
        return choices[random.nextInt(7) == 0 ? random.nextInt(choices.length) : random.nextInt(USUAL)];
    }
}
