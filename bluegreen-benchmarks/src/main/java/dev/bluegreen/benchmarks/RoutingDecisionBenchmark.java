package dev.bluegreen.benchmarks;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.internal.routing.RoundRobin;
import java.util.ArrayList;
import java.util.List;
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
 * The routing decision the proxy makes once per request, without sockets: read the routing snapshot (one volatile
 * read), take its live colour and that colour's {@link Environment}, pin the request to them, and pick a backend with
 * {@link RoundRobin#pick}, as {@code ClientConnectionHandler.onRequestHead} and {@code Exchange.pickBackend} do.
 *
 * <p>Target (issue 7): under 50 ns/op and no allocation; run with {@code -prof gc} and read
 * {@code gc.alloc.rate.norm} (bytes per operation, expected ≈ 0).
 *
 * <pre>
 * java -jar bluegreen-benchmarks/target/benchmarks.jar RoutingDecision -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RoutingDecisionBenchmark {

    /** Backends in each pool: one (the common single-instance case) and a small fleet. */
    @Param({"1", "4"})
    public int backends;

    private BlueGreen admin;
    /** The loop's round-robin position, as {@code LoopContext.nextRoundRobin()} keeps it. */
    private int roundRobin;
    /** What an exchange is pinned to; written by every decision so that none of it is optimised away. */
    private final Pin pin = new Pin();

    /** The fields {@code Exchange} keeps for its whole life: colour, generation, pool and backend. */
    public static final class Pin {
        /** The colour the request was routed to. */
        public Colour colour;
        /** The routing generation it saw. */
        public long generation;
        /** The pool of that colour. */
        public Environment environment;
        /** The backend picked, or {@code null} for an empty pool (503). */
        public Backend backend;
    }

    /** Builds an admin object with both pools full and blue live. */
    @Setup(Level.Trial)
    public void setUp() {
        admin = BlueGreen.builder()
                .blue("v1", pool(9000, backends))
                .green("v2", pool(9100, backends))
                .build();
    }

    /** Closes the admin object. */
    @TearDown(Level.Trial)
    public void tearDown() {
        admin.close();
    }

    private static List<Backend> pool(int firstPort, int size) {
        List<Backend> pool = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            pool.add(Backend.of("127.0.0.1", firstPort + i));
        }
        return pool;
    }

    /**
     * The whole decision for a request's first connect attempt: snapshot, live colour, its pool, empty check, pin,
     * round-robin pick.
     *
     * @return the pin, so the JIT keeps every step
     */
    @Benchmark
    public Pin routingDecision() {
        return decide(0L);
    }

    /**
     * The same decision for a retry after the first backend refused the connection: the pick skips a tried backend.
     *
     * @return the pin
     */
    @Benchmark
    public Pin routingDecisionRetry() {
        return decide(1L);
    }

    /**
     * Only the snapshot read and the live colour: the floor under the decision.
     *
     * @return the live colour
     */
    @Benchmark
    public Colour snapshotRead() {
        return admin.snapshot().live();
    }

    private Pin decide(long tried) {
        RoutingSnapshot snapshot = admin.snapshot();
        Colour colour = snapshot.live();
        Environment environment = snapshot.environment(colour);
        Pin pinned = pin;
        pinned.colour = colour;
        pinned.generation = snapshot.generation();
        pinned.environment = environment;
        if (environment.isEmpty()) {
            pinned.backend = null;
            return pinned;
        }
        List<Backend> pool = environment.backends();
        int index = RoundRobin.pick(pool, roundRobin++, tried);
        pinned.backend = index < 0 ? null : pool.get(index);
        return pinned;
    }
}
