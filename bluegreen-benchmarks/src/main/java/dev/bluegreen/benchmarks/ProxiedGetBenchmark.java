package dev.bluegreen.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One proxied HTTP/1.1 GET, the whole path: a keep-alive client connection to the running proxy on 127.0.0.1, the
 * proxy's real pipeline on its real transport (io_uring, epoll or NIO), routing, a pooled keep-alive connection to a
 * backend, and the response back. Run it with {@code -prof gc}: {@code gc.alloc.rate.norm} is the bytes allocated per
 * request by every thread of the JVM, and the client and the {@link StubBackend} allocate nothing per request (raw
 * bytes in reused buffers), so the figure is the proxy's.
 *
 * <p>Why loopback rather than {@code EmbeddedChannel}: the transport's reads and writes, the event loop's task queue
 * and the upstream pool are part of what a request costs, and only real sockets exercise them as in production. The
 * time per operation is mostly the two round trips through the kernel and the thread hand-offs, so read ns/op as a
 * latency of one request at a time, not as the proxy's throughput (that is {@code compare-proxies.sh}'s job).
 *
 * <p>The proxy is a {@link ProxyUnderTest}: one event loop, so one upstream connection serves every request.
 * {@code head} picks the request: {@code wrk} (what wrk sends: the request line and {@code Host}) or {@code browser}
 * (13 headers, a cookie among them). Leak detection is off, as the standalone runner turns it off.
 * {@link ProxiedH2cGetBenchmark} is the same over HTTP/2.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Xms256m", "-Xmx256m"})
public class ProxiedGetBenchmark {

    /** The request heads, by name. */
    static byte[] request(String head, int proxyPort) {
        String text = switch (head) {
            case "wrk" -> "GET / HTTP/1.1\r\nHost: 127.0.0.1:" + proxyPort + "\r\n\r\n";
            case "browser" -> "GET /api/v1/orders/12345?expand=items HTTP/1.1\r\n"
                    + "Host: 127.0.0.1:" + proxyPort + "\r\n"
                    + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"
                    + " Safari/537.36\r\n"
                    + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8\r\n"
                    + "Accept-Language: en-GB,en;q=0.9\r\n"
                    + "Accept-Encoding: gzip, deflate, br\r\n"
                    + "Connection: keep-alive\r\n"
                    + "Cookie: session=6f1c2a9e4b7d8c3f0a1b2c3d4e5f6071; theme=dark; consent=yes\r\n"
                    + "Referer: https://shop.example.com/orders?page=2\r\n"
                    + "Cache-Control: no-cache\r\n"
                    + "X-Request-Id: 3f6c1e2a-8b4d-4c9e-9f1a-2b3c4d5e6f70\r\n"
                    + "Sec-Fetch-Mode: navigate\r\n"
                    + "Sec-Fetch-Site: same-origin\r\n"
                    + "\r\n";
            default -> throw new IllegalArgumentException("head: " + head + " (expected: wrk or browser)");
        };
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Param({"wrk", "browser"})
    public String head;

    @Param({"auto"})
    public String transport;

    /**
     * How the backend is picked, as {@code LoadBalancing.named} reads it: {@code round-robin}, {@code least-requests}
     * (which counts every request), or a hash such as {@code hash:path} or {@code hash:header:user-agent}.
     */
    @Param({"round-robin"})
    public String balancing;

    private ProxyUnderTest proxy;
    private Socket client;
    private OutputStream out;
    private InputStream in;
    private byte[] request;
    private final byte[] response = new byte[16 * 1024];

    @Setup(Level.Trial)
    public void start() throws IOException {
        proxy = ProxyUnderTest.start(transport, balancing);
        client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        client.setTcpNoDelay(true);
        out = client.getOutputStream();
        in = client.getInputStream();
        request = request(head, proxy.port());
    }

    /**
     * Sends the request and reads its whole response.
     *
     * @return the response's length, head and body, in bytes
     */
    @Benchmark
    public int proxiedGet() throws IOException {
        out.write(request);
        int filled = 0;
        int headEnd = -1;
        while (headEnd < 0) {
            filled = fill(filled);
            headEnd = HeadScanner.endOfHead(response, 0, filled);
        }
        long length = HeadScanner.contentLength(response, headEnd);
        if (response[9] != '2' || length < 0) {
            throw new IllegalStateException("unexpected response: "
                    + new String(response, 0, headEnd, StandardCharsets.US_ASCII));
        }
        int total = headEnd + (int) length;
        while (filled < total) {
            filled = fill(filled);
        }
        return total;
    }

    /** The first {@code length} bytes of the last response, as text; for tests. */
    String lastResponse(int length) {
        return new String(response, 0, length, StandardCharsets.US_ASCII);
    }

    private int fill(int filled) throws IOException {
        int read = in.read(response, filled, response.length - filled);
        if (read < 0) {
            throw new UncheckedIOException(new IOException("the proxy closed the connection"));
        }
        return filled + read;
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        client.close();
        proxy.close();
    }
}
