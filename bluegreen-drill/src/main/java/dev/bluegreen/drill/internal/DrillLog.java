package dev.bluegreen.drill.internal;

import dev.bluegreen.core.Colour;
import dev.bluegreen.drill.FailureGroup;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one connection of the drill saw: requests and failures by colour, failures grouped with a few examples, and
 * the latency of each completed request.
 *
 * <p>Not thread-safe: a connection writes its log on its event loop only; {@link #merge(List)} reads the logs once
 * the connections have stopped (their stop futures give the happens-before).
 */
public final class DrillLog {

    /** A failure group's identity. */
    private record Key(Colour colour, String request, String reason) {
    }

    private final long[] requests = new long[Colour.values().length];
    private final long[] failed = new long[Colour.values().length];
    private final Map<Key, List<String>> examples = new LinkedHashMap<>();
    private final Map<Key, Long> counts = new LinkedHashMap<>();
    private long[] latencies = new long[1024];
    private int latencyCount;

    /** An empty log. */
    public DrillLog() {
    }

    /** Records a request that succeeded, and its latency. */
    void succeeded(Colour colour, long latencyNanos) {
        requests[colour.ordinal()]++;
        if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencies.length * 2);
        }
        latencies[latencyCount++] = latencyNanos;
    }

    /** Records a failed request: its group, and the example if the group has room for it. */
    void failed(Colour colour, String request, String reason, String example) {
        requests[colour.ordinal()]++;
        failed[colour.ordinal()]++;
        Key key = new Key(colour, request, reason);
        counts.merge(key, 1L, Long::sum);
        List<String> kept = examples.computeIfAbsent(key, k -> new ArrayList<>());
        if (kept.size() < FailureGroup.MAX_EXAMPLES) {
            kept.add(example);
        }
    }

    /** The merged view of several logs. */
    public record Merged(Map<Colour, Long> requests, Map<Colour, Long> failed, List<FailureGroup> failures,
                         long[] latencyNanos) {
    }

    /**
     * Adds up the logs of all connections.
     *
     * @param logs the logs, no longer written to
     * @return the totals, the failure groups (most frequent first) and all latencies
     */
    public static Merged merge(List<DrillLog> logs) {
        Map<Colour, Long> requests = new EnumMap<>(Colour.class);
        Map<Colour, Long> failed = new EnumMap<>(Colour.class);
        Map<Key, Long> counts = new LinkedHashMap<>();
        Map<Key, List<String>> examples = new LinkedHashMap<>();
        int latencyCount = 0;
        for (DrillLog log : logs) {
            for (Colour colour : Colour.values()) {
                requests.merge(colour, log.requests[colour.ordinal()], Long::sum);
                failed.merge(colour, log.failed[colour.ordinal()], Long::sum);
            }
            log.counts.forEach((key, count) -> counts.merge(key, count, Long::sum));
            log.examples.forEach((key, kept) -> {
                List<String> all = examples.computeIfAbsent(key, k -> new ArrayList<>());
                kept.stream().limit(FailureGroup.MAX_EXAMPLES - all.size()).forEach(all::add);
            });
            latencyCount += log.latencyCount;
        }
        long[] latencies = new long[latencyCount];
        int at = 0;
        for (DrillLog log : logs) {
            System.arraycopy(log.latencies, 0, latencies, at, log.latencyCount);
            at += log.latencyCount;
        }
        List<FailureGroup> failures = new ArrayList<>();
        counts.forEach((key, count) -> failures.add(new FailureGroup(key.colour(), key.request(), key.reason(), count,
                examples.get(key))));
        failures.sort(Comparator.comparingLong(FailureGroup::count).reversed());
        return new Merged(requests, failed, failures, latencies);
    }
}
