package dev.bluegreen.proxy.internal.request;

import dev.bluegreen.proxy.internal.codec.ArrayHttpHeaders;
import dev.bluegreen.proxy.internal.codec.Http1Codecs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Header rewriting as the proxy does it on every request: {@link HopByHopHeaders#strip} then
 * {@link ForwardedHeaders#set}, on a realistic browser request head of 14 headers, {@code Connection: keep-alive}
 * and {@code Keep-Alive} among them, and a client-sent {@code X-Forwarded-For} that must be replaced.
 *
 * <p>This class sits in the proxy's {@code internal} package (in this module's jar) to reach the package-private
 * classes; on the class path that is an ordinary split package.
 *
 * <p>Strip and set change the headers in place, so each operation builds a fresh head first:
 * {@link #buildHead} is that cost alone, and {@link #buildHeadStripAndSet} minus {@link #buildHead} is the rewrite.
 * {@link #decodeRewriteEncode} is the request head's whole trip through the proxy without sockets: bytes decoded
 * with the proxy's decoder settings, rewritten, and encoded for the upstream connection.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeaderRewriteBenchmark {

    /** The request head a browser sends through the proxy, in wire order. */
    static final String[][] REQUEST_HEADERS = {
        {"Host", "shop.example.com"},
        {"User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36"},
        {"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"},
        {"Accept-Language", "en-GB,en;q=0.9"},
        {"Accept-Encoding", "gzip, deflate, br"},
        {"Connection", "keep-alive"},
        {"Keep-Alive", "timeout=5, max=1000"},
        {"Cookie", "session=6f1c2a9e4b7d8c3f0a1b2c3d4e5f6071; theme=dark; consent=yes"},
        {"Referer", "https://shop.example.com/orders?page=2"},
        {"Cache-Control", "no-cache"},
        {"Pragma", "no-cache"},
        {"X-Request-Id", "3f6c1e2a-8b4d-4c9e-9f1a-2b3c4d5e6f70"},
        {"X-Forwarded-For", "203.0.113.7"},
        {"Sec-Fetch-Mode", "navigate"},
    };
    static final String REQUEST_LINE = "GET /api/v1/orders/12345?expand=items HTTP/1.1";

    /** A backend's response head (nginx-like), as it arrives from upstream. */
    static final String[][] RESPONSE_HEADERS = {
        {"Server", "nginx/1.22.1"},
        {"Date", "Wed, 26 Nov 2025 15:30:00 GMT"},
        {"Content-Type", "application/json"},
        {"Content-Length", "1234"},
        {"Connection", "keep-alive"},
        {"Cache-Control", "private, max-age=0"},
    };

    /** The header maps the proxy's HTTP/1.1 decoders build. */
    private static final HttpHeadersFactory HEADERS = ArrayHttpHeaders.headersFactory();

    /** The client's address as the proxy works it out once per connection. */
    private final String clientIp = ForwardedHeaders.clientIp(new InetSocketAddress("127.0.0.1", 51234));
    /** The head's bytes in a direct buffer, as the transport reads them; released at tear-down. */
    private ByteBuf headBytes;
    /** The same bytes, shielded from the decoder's release of each input. */
    private ByteBuf encodedHead;
    private EmbeddedChannel decoder;
    private EmbeddedChannel unvalidatedDecoder;
    private EmbeddedChannel encoder;

    /** Encodes the request head once and opens the two embedded channels. */
    @Setup(Level.Trial)
    public void setUp() {
        StringBuilder head = new StringBuilder(REQUEST_LINE).append("\r\n");
        for (String[] header : REQUEST_HEADERS) {
            head.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
        head.append("\r\n");
        headBytes = Unpooled.directBuffer().writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
        encodedHead = Unpooled.unreleasableBuffer(headBytes);
        // A bare decoder with the proxy's settings: Http1Codecs.client() wraps them in an HttpServerCodec, whose decoder
        // queues each request's method until a response is encoded, a queue this benchmark would grow without bound.
        decoder = new EmbeddedChannel(new HttpRequestDecoder(Http1Codecs.decoderConfig()));
        unvalidatedDecoder = new EmbeddedChannel(
                new HttpRequestDecoder(Http1Codecs.decoderConfig().setValidateHeaders(false)));
        encoder = new EmbeddedChannel(new HttpRequestEncoder());
    }

    /** Closes the channels (everything they produced was released per operation) and releases the head bytes. */
    @TearDown(Level.Trial)
    public void tearDown() {
        decoder.finishAndReleaseAll();
        unvalidatedDecoder.finishAndReleaseAll();
        encoder.finishAndReleaseAll();
        headBytes.release();
    }

    static HttpRequest newRequestHead() {
        HttpRequest request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/api/v1/orders/12345?expand=items", HEADERS);
        HttpHeaders headers = request.headers();
        for (String[] header : REQUEST_HEADERS) {
            headers.add(header[0], header[1]);
        }
        return request;
    }

    static HttpResponse newResponseHead() {
        HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, HEADERS);
        HttpHeaders headers = response.headers();
        for (String[] header : RESPONSE_HEADERS) {
            headers.add(header[0], header[1]);
        }
        return response;
    }

    /** What the proxy does to the head of a request without a body or upgrade on its way upstream. */
    static void rewriteRequest(HttpRequest request, String clientIp) {
        MessageHeads.prepareUpstreamRequest(request, clientIp, false, null, false);
    }

    /**
     * Only building the request head: the baseline to subtract.
     *
     * @return the head
     */
    @Benchmark
    public HttpRequest buildHead() {
        return newRequestHead();
    }

    /**
     * Building the request head, then strip and set.
     *
     * @return the rewritten head
     */
    @Benchmark
    public HttpRequest buildHeadStripAndSet() {
        HttpRequest request = newRequestHead();
        rewriteRequest(request, clientIp);
        return request;
    }

    /**
     * Building a backend's response head, then strip (what {@code Exchange.onResponseHead} does to it).
     *
     * @return the stripped head
     */
    @Benchmark
    public HttpResponse buildResponseHeadAndStrip() {
        HttpResponse response = newResponseHead();
        HopByHopHeaders.strip(response.headers());
        return response;
    }

    /**
     * The request head's trip through the proxy: decode from bytes, rewrite, encode for the upstream hop.
     *
     * @return the number of bytes sent upstream
     */
    @Benchmark
    public int decodeRewriteEncode() {
        return decodeRewriteEncode(decoder);
    }

    /**
     * The same trip with the decoder's header validation off, to show what validation costs on this head (the proxy
     * validates; this is not a proposal to stop on the client side). Turning it off puts Netty's unvalidated
     * {@code DefaultHttpHeaders} in place of the proxy's {@code ArrayHttpHeaders}, so the difference includes the map.
     *
     * @return the number of bytes sent upstream
     */
    @Benchmark
    public int decodeRewriteEncodeUnvalidated() {
        return decodeRewriteEncode(unvalidatedDecoder);
    }

    private int decodeRewriteEncode(EmbeddedChannel decoding) {
        decoding.writeInbound(encodedHead.duplicate());
        HttpRequest request = decoding.readInbound();
        Object end = decoding.readInbound();
        ReferenceCountUtil.release(end);
        rewriteRequest(request, clientIp);
        encoder.writeOutbound(request, LastHttpContent.EMPTY_LAST_CONTENT);
        int bytes = 0;
        for (Object out; (out = encoder.readOutbound()) != null; ) {
            bytes += ((ByteBuf) out).readableBytes();
            ReferenceCountUtil.release(out);
        }
        return bytes;
    }
}
