package dev.bluegreen.benchmarks;

import dev.bluegreen.core.Backend;
import dev.bluegreen.proxy.internal.routing.Rendezvous;
import dev.bluegreen.proxy.internal.routing.RoundRobin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One backend pick from a pool, by weighted round robin ({@link RoundRobin#pick}) and by consistent hashing
 * ({@link Rendezvous#pick}, a score per backend), over pools of a few to a hundred backends with ids as
 * {@code Backend.of} gives them ({@code host:port}): what the choice itself costs per request, the sockets aside.
 *
 * <pre>
 * java -jar bluegreen-benchmarks/target/benchmarks.jar BackendPickBenchmark -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BackendPickBenchmark {

    /** Backends in the pool. */
    @Param({"3", "10", "100"})
    public int backends;

    private List<Backend> pool;
    private long[] idHashes;
    private long[] keys;
    private int next;

    /** Builds the pool and 1,024 request keys. */
    @Setup
    public void setUp() {
        pool = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            pool.add(Backend.of("10.0." + (i / 250) + "." + (i % 250 + 1), 8080));
        }
        idHashes = Rendezvous.idHashes(pool);
        keys = new long[1024];
        for (int i = 0; i < keys.length; i++) {
            String user = "user-" + i;
            keys[i] = Rendezvous.hash(user, 0, user.length());
        }
    }

    /** Weighted round robin from a moving position: the default. */
    @Benchmark
    public int roundRobin() {
        return RoundRobin.pick(pool, next++, 0);
    }

    /**
     * Rendezvous hashing of a request's key, already hashed (as {@code RequestHashKey} gives it), the ids' hashes
     * made once for the pool (as each loop keeps them).
     */
    @Benchmark
    public int rendezvous() {
        return Rendezvous.pick(pool, idHashes, keys[next++ & 1023], 0, null);
    }

    /** As {@link #rendezvous()}, in a pool whose first backend has weight 2: the scores take a logarithm each. */
    @Benchmark
    public int rendezvousWeighted(Weighted weighted) {
        return Rendezvous.pick(weighted.pool, idHashes, keys[next++ & 1023], 0, null);
    }

    /** The same pool with its first backend at weight 2. */
    @State(Scope.Thread)
    public static class Weighted {
        List<Backend> pool;

        /** Makes the pool from the benchmark's. */
        @Setup
        public void setUp(BackendPickBenchmark benchmark) {
            pool = new ArrayList<>(benchmark.pool);
            Backend first = pool.get(0);
            pool.set(0, new Backend(first.host(), first.port(), first.id(), 2));
        }
    }
}
