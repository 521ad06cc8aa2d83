package dev.bluegreen.proxy.internal.http1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.proxy.internal.codec.Http1Codecs;
import dev.bluegreen.proxy.internal.request.RequestRules;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A differential fuzzer of the client side's HTTP/1.1 request decoding: the proxy's own pipeline (codec, trailers,
 * the rules step, with the default rules) against Netty's {@link HttpRequestDecoder} with its default settings, on
 * generated request heads and bodies, some of them mutated byte by byte, fed in one read or split in two. Every input
 * must be either refused by the proxy, or accepted by both as the same requests: method, target, version, every
 * header field in order, the body's bytes and its trailers. The one rewrite the rules make on purpose is made to
 * Netty's request too before they are compared: an absolute-form target becomes origin-form, its authority the
 * {@code Host} (RFC 9112 §3.2.2). This is the check any change to how the proxy reads a head must pass (issue 15 asks
 * for it before heads are scanned as bytes).
 */
class RequestHeadDifferentialTest {

    // Each list starts with what a client usually sends (the first USUAL of them are picked most of the time) and
    // goes on with what it should not.
    private static final int USUAL = 5;
    private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "OPTIONS", "DELETE", "PATCH", "X-CUSTOM",
        "get", "CONNECT", "TRACE", "PRI", "G@T", ""};
    private static final String[] TARGETS = {"/", "/a/b?c=d&e=f", "http://x.example/y", "/?", "//double", "*",
        "/%00", "/a b", "/caf\u00e9", "/" + "p".repeat(300), "x", "/#frag", "/a\tb", "HTTP://X.EXAMPLE"};
    private static final String[] VERSIONS = {"HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/1.1", "HTTP/2.0",
        "http/1.1", "HTTP/1.10", "HTTP/1", "HTTP/1.1 ", "HTTP/0.9"};
    private static final String[] HOSTS = {"a", "x.example", "x.example:8080", "[::1]:80", "1.2.3.4", "", "a b",
        "[::1]", "bad/host", "a@b", "h\u00e9"};
    private static final String[] LENGTHS = {"3", "3", "3", "3", "3", "0", "5", " 3", "3 ", "3,3", "3, 3", "+3", "-1",
        "abc", "03", "99999999999999999999", "3,4"};
    private static final String[] CODINGS = {"chunked", "chunked", "chunked", "chunked", "chunked", "Chunked",
        "gzip, chunked", "chunked, gzip", "identity", " chunked", "chunked,", "chunked, chunked"};
    private static final String[] NAMES = {"Accept", "User-Agent", "Cookie", "X-Trace", "Accept-Language", "Via",
        "Forwarded", "X-Forwarded-For", "Connection", "Expect", "Upgrade", "TE", "X_Under", "Trailer", "Keep-Alive",
        "Proxy-Connection", "Bad Name", "Name ", "Na:me", "", "\u00e9t\u00e9"};
    private static final String[] VALUES = {"*/*", "text/html, */*;q=0.8", "a=1; b=2", "en-GB,en;q=0.9", " padded ",
        "close", "keep-alive", "100-continue", "h2c", "trailers", "", "caf\u00e9", "tab\there", "ctl\u0001x",
        "del\u007fx", "x".repeat(200)};
    private static final String[] LINE_ENDS = {"\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\r\n", "\n", "\r", "\r\r\n"};

    @Test
    void everyRequestTheProxyAccepts_nettysDecoderAcceptsTheSame() {
        int accepted = 0;
        int refused = 0;
        for (int seed = 0; seed < 20_000; seed++) {
            Random random = new Random(seed);
            byte[] input = input(random);
            int split = random.nextInt(3) == 0 ? 1 + random.nextInt(input.length) : input.length;
            List<Decoded> ours = decode(proxysPipeline(), input, split, false);
            List<Decoded> netty = decode(new EmbeddedChannel(new HttpRequestDecoder()), input, split, true);

            for (int i = 0; i < ours.size(); i++) {
                Decoded request = ours.get(i);
                if (!request.headAccepted) {
                    refused++;
                    break;
                }
                accepted++;
                String context = "seed " + seed + ", request " + i + ", input:\n"
                        + new String(input, StandardCharsets.ISO_8859_1);
                assertThat(netty).as(context).hasSizeGreaterThan(i);
                Decoded theirs = netty.get(i);
                assertThat(theirs.headAccepted).as(context).isTrue();
                assertThat(theirs.head).as(context).isEqualTo(request.head);
                if (request.complete) {
                    assertThat(theirs.complete).as(context).isTrue();
                    assertThat(theirs.body).as(context).isEqualTo(request.body);
                }
            }
        }
        // Neither side of the comparison may be empty, or the test would show nothing.
        assertThat(accepted).as("requests accepted").isGreaterThan(4_000);
        assertThat(refused).as("inputs refused").isGreaterThan(4_000);
    }

    private static EmbeddedChannel proxysPipeline() {
        RequestRules rules = RequestRules.defaults();
        RequestValidator validator = new RequestValidator(rules);
        return new EmbeddedChannel(validator.readActivity(), Http1Codecs.client(rules.limits()), new Http1Trailers(),
                validator);
    }

    /** One request as a decoder gave it: its head and body as text, and whether each was accepted. */
    private static final class Decoded {
        String head;
        boolean headAccepted;
        String body = "";
        boolean complete;
    }

    /**
     * Feeds {@code input} to {@code channel} in two reads (split at {@code split}) and collects the requests, with
     * their absolute-form targets made origin-form if {@code toOriginForm}.
     */
    private static List<Decoded> decode(EmbeddedChannel channel, byte[] input, int split, boolean toOriginForm) {
        List<Decoded> requests = new ArrayList<>();
        try {
            channel.writeInbound(Unpooled.wrappedBuffer(input, 0, split));
            collect(channel, requests, toOriginForm);
            if (split < input.length) {
                channel.writeInbound(Unpooled.wrappedBuffer(input, split, input.length - split));
                collect(channel, requests, toOriginForm);
            }
        } finally {
            channel.finishAndReleaseAll();
        }
        return requests;
    }

    private static void collect(EmbeddedChannel channel, List<Decoded> requests, boolean toOriginForm) {
        Object message;
        while ((message = channel.readInbound()) != null) {
            try {
                if (message instanceof HttpRequest request) {
                    Decoded decoded = new Decoded();
                    decoded.headAccepted = request.decoderResult().isSuccess();
                    if (toOriginForm) {
                        toOriginForm(request);
                    }
                    decoded.head = request.method().name() + " " + request.uri() + " " + request.protocolVersion()
                            + fields(request.headers());
                    requests.add(decoded);
                }
                if (message instanceof HttpContent content && !requests.isEmpty()) {
                    Decoded current = requests.get(requests.size() - 1);
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

    /**
     * Rewrites an absolute-form target ({@code http://authority/path}) as the rules do: its path becomes the target and
     * its authority the {@code Host}.
     */
    private static void toOriginForm(HttpRequest request) {
        String uri = request.uri();
        String lower = uri.toLowerCase(Locale.ROOT);
        int schemeEnd = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
        if (schemeEnd < 0) {
            return;
        }
        int pathStart = schemeEnd;
        while (pathStart < uri.length() && "/?#".indexOf(uri.charAt(pathStart)) < 0) {
            pathStart++;
        }
        String path = pathStart == uri.length() ? "/" : uri.substring(pathStart);
        try {
            request.headers().set(HttpHeaderNames.HOST, uri.substring(schemeEnd, pathStart));
        } catch (IllegalArgumentException notAFieldValue) {
            // An authority no Host field could carry: the proxy refuses it, so this request is never compared.
            return;
        }
        request.setUri(path.charAt(0) == '/' ? path : "/" + path);
    }

    private static String fields(HttpHeaders headers) {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<CharSequence, CharSequence> field : (Iterable<Map.Entry<CharSequence, CharSequence>>)
                headers::iteratorCharSequence) {
            text.append(" | ").append(field.getKey()).append(": ").append(field.getValue());
        }
        return text.toString();
    }

    /** One or two requests, generated from usual and unusual parts, then perhaps mutated byte by byte. */
    private static byte[] input(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int requests = random.nextInt(4) == 0 ? 2 : 1;
        for (int i = 0; i < requests; i++) {
            request(random, out);
        }
        byte[] bytes = out.toByteArray();
        int mutations = random.nextInt(5) == 0 ? 1 + random.nextInt(3) : 0;
        for (int i = 0; i < mutations && bytes.length > 0; i++) {
            bytes = mutate(random, bytes);
        }
        return bytes;
    }

    private static void request(Random random, ByteArrayOutputStream out) {
        String eol = pick(random, LINE_ENDS);
        StringBuilder head = new StringBuilder();
        if (random.nextInt(15) == 0) {
            head.append("\r\n");
        }
        head.append(pick(random, METHODS)).append(random.nextInt(20) == 0 ? "  " : " ")
                .append(pick(random, TARGETS)).append(' ').append(pick(random, VERSIONS)).append(eol);
        int hosts = random.nextInt(8) == 0 ? random.nextInt(3) : 1;
        for (int i = 0; i < hosts; i++) {
            head.append(random.nextInt(10) == 0 ? "host" : "Host").append(random.nextInt(15) == 0 ? " :" : ":")
                    .append(random.nextInt(10) == 0 ? "" : " ").append(pick(random, HOSTS)).append(eol);
        }
        int others = random.nextInt(6);
        for (int i = 0; i < others; i++) {
            head.append(pick(random, NAMES)).append(": ").append(pick(random, VALUES)).append(eol);
            if (random.nextInt(25) == 0) {
                head.append(" folded").append(eol);
            }
        }
        String body = "";
        int framing = random.nextInt(5);
        if (framing == 1 || framing == 3) {
            int lengths = random.nextInt(6) == 0 ? 2 : 1;
            for (int i = 0; i < lengths; i++) {
                head.append("Content-Length: ").append(pick(random, LENGTHS)).append(eol);
            }
            body = "abc";
        }
        if (framing == 2 || framing == 3) {
            head.append("Transfer-Encoding: ").append(pick(random, CODINGS))
                    .append(eol);
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
