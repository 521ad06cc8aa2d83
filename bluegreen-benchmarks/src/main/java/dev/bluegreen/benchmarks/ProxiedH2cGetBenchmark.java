package dev.bluegreen.benchmarks;

import java.io.IOException;
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
 * One proxied GET over HTTP/2 with prior knowledge (h2c), the whole path: one stream of a client connection to the
 * running proxy on 127.0.0.1, the proxy's HTTP/2 path (frame codec, the stream's object, the request's conversion
 * to an HTTP/1.1 exchange), a pooled keep-alive HTTP/1.1 connection to the backend, and the response back
 * as HEADERS and DATA frames. Run it with {@code -prof gc}: the {@link H2cClient} and the {@link StubBackend}
 * allocate nothing per request, so {@code gc.alloc.rate.norm} is the proxy's bytes per request (a stream).
 *
 * <p>One stream at a time on one connection, where {@code h2load} keeps ten in flight on each of sixteen: the figure
 * is what a stream costs, not what batching saves. The request is what {@code h2load} sends ({@code :method},
 * {@code :scheme}, {@code :authority}, {@code :path} and {@code user-agent}). The proxy is a {@link ProxyUnderTest},
 * as in {@link ProxiedGetBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Dio.netty.leakDetection.level=disabled", "-Xms256m", "-Xmx256m"})
public class ProxiedH2cGetBenchmark {

    /** What h2load 1.52 sends as its user agent. */
    static final String USER_AGENT = "h2load nghttp2/1.52.0";

    @Param({"auto"})
    public String transport;

    private ProxyUnderTest proxy;
    private H2cClient client;

    @Setup(Level.Trial)
    public void start() throws IOException {
        proxy = ProxyUnderTest.start(transport);
        client = H2cClient.connect(proxy.port(), USER_AGENT);
    }

    /**
     * Sends the request on the next stream and reads its whole response.
     *
     * @return the length of the response's body
     */
    @Benchmark
    public int proxiedGet() throws IOException {
        return client.get();
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        client.close();
        proxy.close();
    }
}
