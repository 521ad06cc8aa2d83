import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's CPU samples ({@code jdk.ExecutionSample}) fall: each method's share of the samples as the
 * top frame (self) and anywhere on the stack (inclusive), or, given a method, the call paths that lead to it. Shares
 * of one recording, so two builds compare under the same load as ratios (scripts/bench/README.md, "Profiling").
 *
 * <pre>
 * java scripts/bench/HotMethods.java RECORDING.jfr [TOP]                       # self and inclusive, TOP each
 * java scripts/bench/HotMethods.java RECORDING.jfr [TOP] Class.method [DEPTH]  # the paths into Class.method
 * </pre>
 *
 * Methods are named {@code SimpleClassName.method}; Java code only (time in the kernel is not sampled).
 */
public final class HotMethods {

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: java HotMethods.java RECORDING.jfr [TOP] [Class.method [DEPTH]]");
            System.exit(2);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        String target = args.length > 2 ? args[2] : null;
        int depth = args.length > 3 ? Integer.parseInt(args[3]) : 4;
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        Map<String, Integer> paths = new HashMap<>();
        int samples = 0;
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                RecordedStackTrace trace = event.getStackTrace();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || trace == null
                        || trace.getFrames().isEmpty()) {
                    continue;
                }
                samples++;
                List<RecordedFrame> frames = trace.getFrames();
                self.merge(name(frames.get(0)), 1, Integer::sum);
                Set<String> seen = new HashSet<>();
                for (int i = 0; i < frames.size(); i++) {
                    String name = name(frames.get(i));
                    if (!seen.add(name)) {
                        continue;
                    }
                    inclusive.merge(name, 1, Integer::sum);
                    if (name.equals(target)) {
                        // Its innermost call in this sample: a recursive method counts once.
                        paths.merge(callers(frames, i, depth), 1, Integer::sum);
                    }
                }
            }
        }
        System.out.printf("%d samples%n", samples);
        if (target != null) {
            System.out.printf("%npaths into %s:%n", target);
            print(paths, samples, top);
            return;
        }
        System.out.printf("%nself:%n");
        print(self, samples, top);
        System.out.printf("%ninclusive:%n");
        print(inclusive, samples, top);
    }

    private static String callers(List<RecordedFrame> frames, int index, int depth) {
        List<String> path = new ArrayList<>();
        for (int i = index + 1; i < frames.size() && path.size() < depth; i++) {
            path.add(name(frames.get(i)) + ":" + frames.get(i).getLineNumber());
        }
        return "< " + String.join(" < ", path);
    }

    private static String name(RecordedFrame frame) {
        String type = frame.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
    }

    private static void print(Map<String, Integer> counts, int samples, int limit) {
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(limit)
                .forEach(e -> System.out.printf("%5.1f %%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
    }
}
