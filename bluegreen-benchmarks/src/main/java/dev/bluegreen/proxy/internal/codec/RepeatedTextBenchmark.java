package dev.bluegreen.proxy.internal.codec;

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
import org.openjdk.jmh.infra.Blackhole;

/**
 * How a head's field values are found to be the last message's: {@link RepeatedText} (bytes against a copy of the
 * last bytes) against the character-at-a-time comparison with the last {@code String} that it replaced
 * ({@link PlainHeads#sameAscii}). The values are an nginx response's and a browser request's, each the same as last
 * time, which is what a keep-alive connection sees nearly always.
 *
 * <p>In the proxy's {@code internal} package (in this module's jar) to reach the package-private classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RepeatedTextBenchmark {

    /** An nginx response's values and a browser's longer ones, in one buffer, as a head's bytes would be. */
    static final String[] VALUES = {
        "nginx/1.22.1", "Thu, 03 Dec 2026 17:10:00 GMT", "text/plain", "2", "keep-alive",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        "gzip, deflate, br, zstd", "en-GB,en;q=0.9"};

    private final byte[] head;
    private final int[] starts = new int[VALUES.length];
    private final String[] lastStrings = new String[VALUES.length];
    private final RepeatedText[] lastTexts = new RepeatedText[VALUES.length];

    public RepeatedTextBenchmark() {
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < VALUES.length; i++) {
            starts[i] = joined.length();
            joined.append(VALUES[i]).append("\r\n");
        }
        head = joined.toString().getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < VALUES.length; i++) {
            lastTexts[i] = new RepeatedText(256);
            lastStrings[i] = lastTexts[i].of(head, starts[i], starts[i] + VALUES[i].length());
        }
    }

    /** Each value compared with the last string, a character at a time, as before. */
    @Benchmark
    public void charByChar(Blackhole blackhole) {
        for (int i = 0; i < VALUES.length; i++) {
            String last = lastStrings[i];
            int length = VALUES[i].length();
            blackhole.consume(PlainHeads.sameAscii(head, starts[i], length, last)
                    ? last : new String(head, starts[i], length, StandardCharsets.ISO_8859_1));
        }
    }

    /** Each value through its {@link RepeatedText}, as now. */
    @Benchmark
    public void repeatedText(Blackhole blackhole) {
        for (int i = 0; i < VALUES.length; i++) {
            blackhole.consume(lastTexts[i].of(head, starts[i], starts[i] + VALUES[i].length()));
        }
    }

    /** For the test: the strings each way gives, in order. */
    String[] bothWays() {
        String[] out = new String[VALUES.length * 2];
        for (int i = 0; i < VALUES.length; i++) {
            int length = VALUES[i].length();
            out[i] = PlainHeads.sameAscii(head, starts[i], length, lastStrings[i]) ? lastStrings[i] : null;
            out[VALUES.length + i] = lastTexts[i].of(head, starts[i], starts[i] + length);
        }
        return out;
    }
}
