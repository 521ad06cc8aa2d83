import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the bytes of one proxied request are allocated: reads a JFR recording made with TLABs off (so that every
 * allocation is a {@code jdk.ObjectAllocationOutsideTLAB} event with its stack: exact counts, not samples) and prints
 * the bytes per proxied request of each class and of each allocation site, largest first (requests are counted by
 * the request heads the proxy's decoder makes: an exchange object serves many requests of a connection).
 * Allocations on the JMH threads and the stub backend's are left out: what is left is the proxy's. See
 * scripts/bench/README.md.
 *
 * <pre>
 * java -jar bluegreen-benchmarks/target/benchmarks.jar ProxiedGetBenchmark -f 1 -wi 5 -i 5 -p transport=epoll \
 *     -p head=wrk -jvmArgsAppend "-XX:-UseTLAB -XX:StartFlightRecording=settings=scripts/bench/allocations.jfc,\
 * filename=/tmp/alloc.jfr,delay=6s,dumponexit=true"
 * java scripts/bench/AllocationSites.java /tmp/alloc.jfr [stack depth, default 7] [sites shown, default 40]
 * </pre>
 */
public final class AllocationSites {

    /**
     * One per request the proxy's client-side decoders read: Netty's request head (HTTP/1.1, and an HTTP/2 stream
     * whose head does not end it), or the HTTP/2 decoder's head of a stream that its HEADERS frame ends.
     */
    private static final Set<String> REQUESTS = Set.of("io.netty.handler.codec.http.DefaultHttpRequest",
            "dev.bluegreen.proxy.internal.http2.Http2RequestDecoder$HeadEndingStream");

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java AllocationSites.java RECORDING.jfr [STACK_DEPTH] [SITES]");
            System.exit(2);
        }
        int depth = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        int shown = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        Map<String, long[]> byClass = new HashMap<>();
        Map<String, long[]> bySite = new HashMap<>();
        long requests = 0;
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ObjectAllocationOutsideTLAB")
                        || isBenchmarkThread(event.getThread())) {
                    continue;
                }
                long size = event.getLong("allocationSize");
                String type = event.getClass("objectClass").getName();
                if (REQUESTS.contains(type)) {
                    requests++;
                }
                add(byClass, type, size);
                add(bySite, type + " <- " + stack(event.getStackTrace(), depth), size);
            }
        }
        if (requests == 0) {
            System.err.println("no request head " + REQUESTS + " allocated: was the recording made with -XX:-UseTLAB?");
            System.exit(1);
        }
        long total = byClass.values().stream().mapToLong(counts -> counts[0]).sum();
        System.out.printf("%d requests, %d bytes per request%n%nby class:%n", requests, total / requests);
        print(byClass, requests, 30);
        System.out.printf("%nby site:%n");
        print(bySite, requests, shown);
    }

    private static boolean isBenchmarkThread(RecordedThread thread) {
        String name = thread == null ? "" : String.valueOf(thread.getJavaName());
        return name.contains("jmh") || name.startsWith("stub-backend") || name.startsWith("JFR");
    }

    private static String stack(RecordedStackTrace trace, int depth) {
        if (trace == null) {
            return "?";
        }
        StringBuilder text = new StringBuilder();
        for (RecordedFrame frame : trace.getFrames()) {
            if (depth-- == 0) {
                break;
            }
            String type = frame.getMethod().getType().getName();
            text.append(type.substring(type.lastIndexOf('.') + 1)).append('.').append(frame.getMethod().getName())
                    .append(':').append(frame.getLineNumber()).append(" < ");
        }
        return text.toString();
    }

    /** counts[0]: bytes, counts[1]: allocations. */
    private static void add(Map<String, long[]> totals, String key, long size) {
        long[] counts = totals.computeIfAbsent(key, k -> new long[2]);
        counts[0] += size;
        counts[1]++;
    }

    private static void print(Map<String, long[]> totals, long requests, int limit) {
        totals.entrySet().stream()
                .sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[0]).reversed())
                .limit(limit)
                .forEach(e -> System.out.printf("%7.1f B (%5.2f × %5d B)  %s%n",
                        (double) e.getValue()[0] / requests, (double) e.getValue()[1] / requests,
                        e.getValue()[0] / e.getValue()[1], e.getKey()));
    }
}
