package dev.bluegreen.proxy.internal.routing;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.PreviewRule;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Duration;
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
 * The colour decision {@code ClientConnectionHandler} makes once per request through the {@link Router}: plain (no
 * steering configured, the default), and with a preview rule and a 20 % shift to the idle colour configured (the
 * request carries no preview header, so it takes the shift's draw). {@code RoutingDecisionBenchmark} measures the
 * snapshot read and backend pick around it.
 *
 * <pre>
 * java -jar bluegreen-benchmarks/target/benchmarks.jar RouterBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterBenchmark {

    /** {@code plain}: nothing configured; {@code shift}: a preview rule and a 20 % shift. */
    @Param({"plain", "shift"})
    public String steering;

    private BlueGreen admin;
    private Router router;
    private HttpRequest request;

    /** Builds the admin object, the router and a request without cookies or preview header. */
    @Setup(Level.Trial)
    public void setUp() {
        admin = BlueGreen.builder()
                .blue("v1", Backend.of("127.0.0.1", 9000))
                .green("v2", Backend.of("127.0.0.1", 9100))
                .build();
        boolean shift = "shift".equals(steering);
        SteeringSettings settings = shift
                ? new SteeringSettings(PreviewRule.header("X-Preview"), null, null, null,
                        SteeringSettings.NONE.ticker())
                : SteeringSettings.NONE;
        if (shift) {
            admin.shift(Colour.GREEN, 20);
        }
        router = new Router(settings, Duration.ofSeconds(30), admin.snapshot(), colour -> null);
        request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        request.headers().set(HttpHeaderNames.HOST, "shop.example.com");
    }

    /** Closes the admin object. */
    @TearDown(Level.Trial)
    public void tearDown() {
        admin.close();
    }

    /**
     * One request's route: snapshot read and the router's decision.
     *
     * @return the route, so the JIT keeps every step
     */
    @Benchmark
    public Route route() {
        RoutingSnapshot snapshot = admin.snapshot();
        return router.route(request, snapshot, false);
    }
}
