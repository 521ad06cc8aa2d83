package dev.bluegreen.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The main class of the child JVM that {@link PlainJUnitRunTest} starts: runs {@link LeakLevelProbe} through the
 * JUnit Platform launcher with no configuration parameters of its own, as an IDE does, and prints on stdout what it
 * found, one {@code key=value} per line: the leak level property at start, the two configuration parameters the
 * build sets, and the counts. Exits 0 when the probe ran and passed, 1 otherwise.
 */
final class PlainJUnitRun {

    private PlainJUnitRun() {
    }

    public static void main(String[] args) {
        System.out.println("level-property-at-start=" + System.getProperty(LeakDetectionExtension.LEVEL_PROPERTY,
                "unset"));
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(LeakLevelProbe.class))
                .build();
        System.out.println("autodetection=" + request.getConfigurationParameters()
                .get("junit.jupiter.extensions.autodetection.enabled").orElse("unset"));
        System.out.println("default-timeout=" + request.getConfigurationParameters()
                .get("junit.jupiter.execution.timeout.default").orElse("unset"));
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printFailuresTo(out, 20);
        out.println("succeeded=" + summary.getTestsSucceededCount() + " failed=" + summary.getTotalFailureCount());
        out.flush();
        System.exit(summary.getTestsSucceededCount() > 0 && summary.getTotalFailureCount() == 0 ? 0 : 1);
    }
}
