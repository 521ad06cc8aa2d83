import java.nio.file.Path;
import java.util.regex.Pattern;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * The share of a JFR recording's CPU samples ({@code jdk.ExecutionSample}) spent in some code but not in what it
 * calls: the samples with a frame matching {@code PATTERN} between the top of the stack and the first frame matching
 * {@code STOP}. What {@code HotMethods.java} cannot give when the code is a whole class and its work includes calls
 * to be counted apart: e.g. a flow-control distributor's own bookkeeping, without the frames it writes.
 *
 * <pre>
 * java scripts/bench/StackShare.java RECORDING.jfr PATTERN [STOP]
 * java scripts/bench/StackShare.java /tmp/bg.jfr '.*(WeightedFairQueueByteDistributor|DefaultPriorityQueue).*' \
 *     '.*FlowState\.writeAllocatedBytes'
 * </pre>
 *
 * Frames are matched as {@code fully.qualified.Class.method} against Java regular expressions, whole.
 */
public final class StackShare {

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: java StackShare.java RECORDING.jfr PATTERN [STOP]");
            System.exit(2);
        }
        Pattern pattern = Pattern.compile(args[1]);
        Pattern stop = args.length > 2 ? Pattern.compile(args[2]) : null;
        int samples = 0;
        int matched = 0;
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                    continue;
                }
                samples++;
                for (RecordedFrame frame : event.getStackTrace().getFrames()) {
                    String name = frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
                    if (stop != null && stop.matcher(name).matches()) {
                        break;
                    }
                    if (pattern.matcher(name).matches()) {
                        matched++;
                        break;
                    }
                }
            }
        }
        double share = samples == 0 ? 0.0 : 100.0 * matched / samples;
        System.out.printf("%d of %d samples, %.1f %%%n", matched, samples, share);
    }
}
