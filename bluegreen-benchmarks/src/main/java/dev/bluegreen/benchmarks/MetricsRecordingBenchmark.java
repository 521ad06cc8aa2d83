package dev.bluegreen.benchmarks;

import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.metrics.MicrometerRecorder;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import dev.bluegreen.proxy.internal.watch.WatchStatistics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What metrics cost per exchange on the event loop: one {@code exchangeEnded} call into the Micrometer recorder
 * (a status counter, a timer, two byte counters, all resolved at bind time) and into the automatic rollback
 * watch's statistics, against the no-op recorder the proxy uses when neither is on. Run with {@code -prof gc}:
 * {@code gc.alloc.rate.norm} should be about 0 B/op.
 *
 * <pre>
 * java -jar bluegreen-benchmarks/target/benchmarks.jar MetricsRecording -prof gc
 * </pre>
 *
 * <p>Two threads, as the proxy has one event loop per core, so the adders see the contention they see in use.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@Threads(2)
public class MetricsRecordingBenchmark {

    private ProxyRecorder micrometer;
    private final ProxyRecorder none = ProxyRecorder.NONE;
    private final ProxyRecorder watch = new WatchStatistics();

    @Setup
    public void setUp() {
        micrometer = new MicrometerRecorder(new SimpleMeterRegistry(), false);
    }

    /** The recorder the proxy calls when a registry is bound. */
    @Benchmark
    public void micrometer() {
        micrometer.exchangeEnded(Colour.BLUE, 200, false, 850_000L, 0L, 1_024L);
    }

    /** The automatic rollback watch's counts (requests, errors, latency histogram). */
    @Benchmark
    public void watch() {
        watch.exchangeEnded(Colour.BLUE, 200, false, 850_000L, 0L, 1_024L);
    }

    /** The baseline: no registry bound. */
    @Benchmark
    public void none() {
        none.exchangeEnded(Colour.BLUE, 200, false, 850_000L, 0L, 1_024L);
    }
}
