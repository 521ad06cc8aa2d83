package dev.bluegreen.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.Slf4JLoggerFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Collects the leak reports that Netty's {@link ResourceLeakDetector} logs, so that a test run can fail on them.
 *
 * <p>{@link #attach()} adds a logback appender to the logger {@value #LEAK_LOGGER}; every ERROR event whose
 * message contains {@code "LEAK"} is kept until {@link #drain()} or {@link #assertNoLeaks(String)} claims it.
 * The console output configured by the test's logback file is unaffected (the appender is additive).
 *
 * <p>Netty reports a leak only when a buffer was garbage-collected unreleased <em>and</em> a later tracked
 * allocation polls the detector's reference queue. {@link #provokeReporting()} forces both, so a check made
 * right after a scenario sees the leaks that scenario made.
 *
 * <p>{@link LeakDetectionExtension} keeps one instance per test run and checks it after every test class; a
 * test can take it as a parameter to check at a point of its own. Thread-safe: reports arrive from any thread.
 */
public final class LeakReports implements AutoCloseable {

    /** The logger Netty's leak detector reports through. */
    public static final String LEAK_LOGGER = "io.netty.util.ResourceLeakDetector";

    private static final int PROVOKE_ROUNDS = 3;
    // Enough allocations to hit the sampling interval (128) of the non-paranoid levels at least once per round.
    private static final int ALLOCATIONS_PER_ROUND = 256;
    private static final long GC_WAIT_MILLIS = 2_000;

    private final Queue<String> reports = new ConcurrentLinkedQueue<>();
    private final Logger logger;
    private final Collector appender;

    private LeakReports(Logger logger) {
        this.logger = logger;
        this.appender = new Collector(reports);
        appender.setContext(logger.getLoggerContext());
        appender.setName("bluegreen-leak-collector");
        appender.start();
        ensureAttached();
    }

    /**
     * Starts collecting leak reports.
     *
     * @return a collector attached to the logback logger {@value #LEAK_LOGGER}; close it to detach
     * @throws IllegalStateException if SLF4J is not bound to logback, or Netty does not log through SLF4J
     */
    public static LeakReports attach() {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            throw new IllegalStateException("SLF4J logger factory: " + factory.getClass().getName()
                    + " (expected: logback's LoggerContext, so that Netty leak reports can be collected)");
        }
        if (!(InternalLoggerFactory.getDefaultFactory() instanceof Slf4JLoggerFactory)) {
            throw new IllegalStateException("Netty logger factory: "
                    + InternalLoggerFactory.getDefaultFactory().getClass().getName()
                    + " (expected: Slf4JLoggerFactory, so that Netty leak reports reach logback)");
        }
        return new LeakReports(context.getLogger(LEAK_LOGGER));
    }

    /**
     * Makes sure the appender is still attached and the logger passes ERROR events; a test that reconfigures
     * logback may have removed it. Called by the extension before every test class.
     */
    void ensureAttached() {
        if (!logger.isAttached(appender)) {
            logger.addAppender(appender);
        }
        if (!logger.isEnabledFor(Level.ERROR)) {
            logger.setLevel(Level.ERROR);
        }
    }

    /**
     * Makes Netty report the leaks of every buffer that is unreachable by now: runs a garbage collection and
     * waits until its references were enqueued, then makes tracked allocations (each polls the detector's
     * reference queue), a few rounds. Blocks the calling thread for up to a few seconds; never call it on an
     * event loop.
     */
    public void provokeReporting() {
        for (int round = 0; round < PROVOKE_ROUNDS; round++) {
            awaitGarbageCollection();
            for (int i = 0; i < ALLOCATIONS_PER_ROUND; i++) {
                allocateAndRelease();
            }
        }
    }

    /**
     * Removes and returns the reports collected so far.
     *
     * @return the leak messages, oldest first; empty when none was reported
     */
    public List<String> drain() {
        List<String> drained = new ArrayList<>();
        for (String report = reports.poll(); report != null; report = reports.poll()) {
            drained.add(report);
        }
        return drained;
    }

    /** Returns how many reports are waiting to be claimed by {@link #drain()} or {@link #assertNoLeaks}. */
    public int pending() {
        return reports.size();
    }

    /**
     * Provokes reporting, then fails if any leak report was collected and not yet claimed. The reports are
     * cleared either way, so one leak fails one check.
     *
     * @param scope what was checked, for the failure message (a test class, a scenario)
     * @throws AssertionError listing every report, when at least one leak was reported
     */
    public void assertNoLeaks(String scope) {
        provokeReporting();
        List<String> leaks = drain();
        if (leaks.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder()
                .append(leaks.size()).append(" Netty leak report(s) in ").append(scope)
                .append(" (reports logged since the previous check; every ByteBuf must be released exactly once):");
        for (String leak : leaks) {
            message.append(System.lineSeparator()).append(System.lineSeparator()).append(leak);
        }
        throw new AssertionError(message.toString());
    }

    /** Detaches the appender; reports logged afterwards are no longer collected. */
    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }

    private static void awaitGarbageCollection() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        System.gc();
        try {
            // Returns once the reference handler enqueued the sentinel, i.e. this collection's references
            // (Netty's leak trackers among them) are on their queues; bounded in case explicit GC is disabled.
            queue.remove(GC_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Reference.reachabilityFence(sentinel);
    }

    private static void allocateAndRelease() {
        release(ByteBufAllocator.DEFAULT.buffer(8));
        release(ByteBufAllocator.DEFAULT.heapBuffer(8));
        release(ByteBufAllocator.DEFAULT.directBuffer(8));
        release(Unpooled.buffer(8));
        release(Unpooled.directBuffer(8));
    }

    private static void release(ByteBuf buffer) {
        buffer.release();
    }

    /** The appender: keeps the formatted message of each leak report. */
    private static final class Collector extends UnsynchronizedAppenderBase<ILoggingEvent> {
        private final Queue<String> sink;

        Collector(Queue<String> sink) {
            this.sink = sink;
        }

        @Override
        protected void append(ILoggingEvent event) {
            String message = event.getFormattedMessage();
            if (event.getLevel().isGreaterOrEqual(Level.ERROR) && message != null && message.contains("LEAK")) {
                sink.add(message);
            }
        }
    }
}
