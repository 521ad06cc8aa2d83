package dev.bluegreen.proxy.internal.http1;

import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.LINE_ENDS;
import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.decode;
import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.fields;
import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.framing;
import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.maybeMutated;
import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.pick;
import static dev.bluegreen.proxy.internal.codec.DifferentialDecoding.split;

import dev.bluegreen.proxy.internal.codec.DifferentialDecoding;
import dev.bluegreen.proxy.internal.codec.Http1Codecs;
import dev.bluegreen.proxy.internal.request.RequestRules;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
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

    // Each list starts with what a client usually sends (DifferentialDecoding.pick picks one of the first five most of
    // the time) and goes on with what it should not.
    private static final String[] METHODS = {"GET", "POST", "HEAD", "PUT", "OPTIONS", "DELETE", "PATCH", "X-CUSTOM",
        "get", "CONNECT", "TRACE", "PRI", "G@T", ""};
    private static final String[] TARGETS = {"/", "/a/b?c=d&e=f", "http://x.example/y", "/?", "//double", "*",
        "/%00", "/a b", "/caf\u00e9", "/" + "p".repeat(300), "x", "/#frag", "/a\tb", "HTTP://X.EXAMPLE"};
    private static final String[] VERSIONS = {"HTTP/1.1", "HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/1.1", "HTTP/2.0",
        "http/1.1", "HTTP/1.10", "HTTP/1", "HTTP/1.1 ", "HTTP/0.9"};
    private static final String[] HOSTS = {"a", "x.example", "x.example:8080", "[::1]:80", "1.2.3.4", "", "a b",
        "[::1]", "bad/host", "a@b", "h\u00e9"};
    private static final String[] NAMES = {"Accept", "User-Agent", "Cookie", "X-Trace", "Accept-Language", "Via",
        "Forwarded", "X-Forwarded-For", "Connection", "Expect", "Upgrade", "TE", "X_Under", "Trailer", "Keep-Alive",
        "Proxy-Connection", "Bad Name", "Name ", "Na:me", "", "\u00e9t\u00e9"};
    private static final String[] VALUES = {"*/*", "text/html, */*;q=0.8", "a=1; b=2", "en-GB,en;q=0.9", " padded ",
        "close", "keep-alive", "100-continue", "h2c", "trailers", "", "caf\u00e9", "tab\there", "ctl\u0001x",
        "del\u007fx", "x".repeat(200)};

    @Test
    void everyRequestTheProxyAccepts_nettysDecoderAcceptsTheSame() {
        DifferentialDecoding comparison = new DifferentialDecoding("request");
        for (int seed = 0; seed < 20_000; seed++) {
            Random random = new Random(seed);
            byte[] input = input(random);
            int split = split(random, input.length);
            comparison.compare(
                    decode(proxysPipeline(), input, split, RequestHeadDifferentialTest::headText),
                    decode(new EmbeddedChannel(new HttpRequestDecoder()), input, split,
                            head -> headText(toOriginForm((HttpRequest) head))),
                    "seed " + seed + ", input:\n" + new String(input, StandardCharsets.ISO_8859_1));
        }
        comparison.assertBothSidesSeen(4_000, 4_000);
    }

    private static EmbeddedChannel proxysPipeline() {
        RequestRules rules = RequestRules.defaults();
        RequestValidator validator = new RequestValidator(rules);
        return new EmbeddedChannel(validator.readActivity(), Http1Codecs.client(rules.limits()), validator);
    }

    private static String headText(HttpMessage head) {
        HttpRequest request = (HttpRequest) head;
        return request.method().name() + " " + request.uri() + " " + request.protocolVersion()
                + fields(request.headers());
    }

    /**
     * Rewrites an absolute-form target ({@code http://authority/path}) as the rules do: its path becomes the target and
     * its authority the {@code Host}; an OPTIONS with an empty path and no query becomes {@code OPTIONS *} (RFC 9112
     * §3.2.4).
     */
    private static HttpRequest toOriginForm(HttpRequest request) {
        String uri = request.uri();
        String lower = uri.toLowerCase(Locale.ROOT);
        int schemeEnd = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
        if (schemeEnd < 0) {
            return request;
        }
        int pathStart = schemeEnd;
        while (pathStart < uri.length() && "/?#".indexOf(uri.charAt(pathStart)) < 0) {
            pathStart++;
        }
        String path = pathStart < uri.length() ? uri.substring(pathStart)
                : HttpMethod.OPTIONS.equals(request.method()) ? "*" : "/";
        try {
            request.headers().set(HttpHeaderNames.HOST, uri.substring(schemeEnd, pathStart));
        } catch (IllegalArgumentException notAFieldValue) {
            // An authority no Host field could carry: the proxy refuses it, so this request is never compared.
            return request;
        }
        request.setUri(path.charAt(0) == '/' || path.equals("*") ? path : "/" + path);
        return request;
    }

    /** One or two requests, generated from usual and unusual parts, then perhaps mutated byte by byte. */
    private static byte[] input(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int requests = random.nextInt(4) == 0 ? 2 : 1;
        for (int i = 0; i < requests; i++) {
            request(random, out);
        }
        return maybeMutated(random, out.toByteArray());
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
        int framing = random.nextInt(5);
        String body = framing(random, head, eol, framing == 1 || framing == 3, framing == 2 || framing == 3, NAMES,
                VALUES);
        head.append(eol);
        out.writeBytes(head.append(body).toString().getBytes(StandardCharsets.ISO_8859_1));
    }
}
