package dev.bluegreen.proxy.internal.codec;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The header lookups the proxy makes on every exchange, by Netty's constants, in the maps its decoders build: an
 * nginx response head whose names are the shared spellings the upstream decoder hands out ({@code Content-Length},
 * {@code Connection}, as the backend spells them), and an HTTP/2 request head whose names are HPACK's lower-case
 * {@code AsciiString}s. The lookups are the framing, keep-alive and hop-by-hop ones (found and not found); none
 * changes the map, so each operation is the lookups alone. Compare jars of two commits, back to back.
 *
 * <p>In the proxy's {@code internal} package (in this module's jar) to reach the package-private classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderLookupBenchmark {

    /** The hop-by-hop names a message is stripped of: most are not there. */
    private static final AsciiString[] HOP_BY_HOP = {
        HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.TE,
        HttpHeaderNames.TRAILER, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.UPGRADE};

    final HttpHeaders response = ArrayHttpHeaders.headersFactory().newHeaders();
    final HttpHeaders request = ArrayHttpHeaders.headersFactory().newHeaders();

    public HeaderLookupBenchmark() {
        response.add(shared("Server"), "nginx/1.22.1")
                .add(shared("Date"), "Thu, 03 Dec 2026 20:00:00 GMT")
                .add(shared("Content-Type"), "text/plain")
                .add(shared("Content-Length"), "2")
                .add(shared("Connection"), "keep-alive");
        request.add(HttpHeaderNames.HOST, "127.0.0.1:18810")
                .add(AsciiString.of("user-agent"), "h2load nghttp2/1.52.0")
                .add(AsciiString.of("accept"), "*/*")
                .add(AsciiString.of("accept-encoding"), "gzip, deflate");
    }

    /** What the proxy looks up in a backend's response head: framing, keep-alive, the hop-by-hop fields. */
    @Benchmark
    public int responseLookups() {
        int found = (int) PlainHeads.contentLength(response);
        found += response.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE, true) ? 1 : 0;
        found += ArrayHttpHeaders.count(response, HttpHeaderNames.CONNECTION);
        found += response.get(HttpHeaderNames.CONNECTION).length();
        return found + hopByHop(response);
    }

    /** What the proxy looks up in a client's HTTP/2 request head: the host, framing, the hop-by-hop fields. */
    @Benchmark
    public int requestLookups() {
        int found = request.get(HttpHeaderNames.HOST).length();
        found += request.contains(HttpHeaderNames.CONTENT_LENGTH) ? 1 : 0;
        return found + hopByHop(request);
    }

    private static int hopByHop(HttpHeaders headers) {
        int found = 0;
        for (AsciiString name : HOP_BY_HOP) {
            found += headers.contains(name) ? 1 : 0;
        }
        return found;
    }

    /** The name as the upstream decoder hands it out for a backend that spells it so. */
    private static AsciiString shared(String spelling) {
        byte[] bytes = spelling.getBytes(StandardCharsets.US_ASCII);
        return SharedHeaderNames.sharedName(bytes, 0, bytes.length);
    }
}
