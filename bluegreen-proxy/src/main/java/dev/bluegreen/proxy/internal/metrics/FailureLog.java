package dev.bluegreen.proxy.internal.metrics;

import dev.bluegreen.core.internal.Texts;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WARN lines of failed requests, at most one per kind of failure and period: the first failure of a kind after a
 * quiet period is logged at once with its detail; the ones that follow within the period are logged at DEBUG only,
 * and counted, and one WARN line sums them up when the period ends. An outage at tens of thousands of requests a
 * second would otherwise write as many lines, synchronously, on the event loops; the meters
 * ({@code bluegreen.requests} by status and source, {@code bluegreen.retries}, {@code bluegreen.safety.net.reroutes})
 * carry every one.
 *
 * <p>The arguments often hold what a client or a backend sent (a request target, a backend's malformed status line,
 * which the codec quotes as it came): their control characters are written as Unicode escapes, so that no client or
 * backend can forge log lines, or send escape sequences to the terminal of whoever reads the log.
 *
 * <p>Thread-safe and lock-free: every event loop reports here. {@link #flush()} is called periodically so that the
 * last summary of a storm is written even when no failure follows it.
 */
public final class FailureLog {

    private static final Logger log = LoggerFactory.getLogger(FailureLog.class);

    /** What failed; each kind is rate-limited on its own. */
    public enum Kind {
        EMPTY_POOL("503s for a pool without backends"),
        NO_HEALTHY_BACKEND("503s for a pool without a healthy backend"),
        AT_LIMIT("503s: every backend of the pool at its limit of requests under way"),
        NO_CONNECTION("502s: no backend of the pool accepted a connection"),
        SAFETY_NET("requests sent to the previous live colour by the safety net"),
        BAD_RESPONSE("502s for a malformed or unasked response"),
        CLOSED_BEFORE_RESPONSE("502s: the backend closed the connection before responding"),
        CLOSED_MID_RESPONSE("responses cut short by the backend closing the connection"),
        SILENT_BACKEND("504s: the backend was silent past the response timeout"),
        STALLED_CLIENT("responses cut: the client took none of them for the send timeout"),
        DRAIN_DEADLINE("exchanges closed at a drain deadline");

        private final String summary;

        Kind(String summary) {
            this.summary = summary;
        }
    }

    /** One kind's period: when its last WARN line was written, and how many failures were held back since. */
    private static final class Period {
        final AtomicLong lastWarnNanos;
        final AtomicLong heldBack = new AtomicLong();

        Period(long lastWarnNanos) {
            this.lastWarnNanos = new AtomicLong(lastWarnNanos);
        }
    }

    private final long periodNanos;
    private final LongSupplier nanoTime;
    private final Period[] periods = new Period[Kind.values().length];

    /**
     * @param period   at most one WARN line per kind in this time
     * @param nanoTime the clock ({@code System::nanoTime}; a fake one in tests)
     */
    public FailureLog(Duration period, LongSupplier nanoTime) {
        this.periodNanos = period.toNanos();
        this.nanoTime = nanoTime;
        long now = nanoTime.getAsLong();
        for (int i = 0; i < periods.length; i++) {
            // As if the last line were a period ago: the first failure of each kind is logged at once.
            periods[i] = new Period(now - periodNanos);
        }
    }

    /**
     * A failure of {@code kind}: logged at WARN with {@code format} and {@code arguments} (SLF4J's), unless one of its
     * kind was within the period, in which case it is logged at DEBUG and counted for the period's summary.
     */
    public void warn(Kind kind, String format, Object... arguments) {
        Period period = periods[kind.ordinal()];
        long now = nanoTime.getAsLong();
        long last = period.lastWarnNanos.get();
        if (now - last >= periodNanos && period.lastWarnNanos.compareAndSet(last, now)) {
            summarise(kind, period, now - last);
            log.warn(format, neutralised(arguments));
        } else {
            period.heldBack.incrementAndGet();
            if (log.isDebugEnabled()) {
                log.debug(format, neutralised(arguments));
            }
        }
    }

    /**
     * The arguments as text with what could break a line escaped ({@link Texts#escapeControls}); a throwable (SLF4J
     * prints its trace) kept.
     */
    private static Object[] neutralised(Object[] arguments) {
        Object[] safe = new Object[arguments.length];
        for (int i = 0; i < arguments.length; i++) {
            Object argument = arguments[i];
            safe[i] = argument instanceof Throwable ? argument : Texts.escapeControls(String.valueOf(argument));
        }
        return safe;
    }

    /** Writes the summary of each kind whose period is over and held failures back. */
    public void flush() {
        long now = nanoTime.getAsLong();
        for (Kind kind : Kind.values()) {
            Period period = periods[kind.ordinal()];
            long last = period.lastWarnNanos.get();
            if (period.heldBack.get() > 0 && now - last >= periodNanos
                    && period.lastWarnNanos.compareAndSet(last, now)) {
                summarise(kind, period, now - last);
            }
        }
    }

    private static void summarise(Kind kind, Period period, long sinceNanos) {
        long count = period.heldBack.getAndSet(0);
        if (count > 0) {
            log.warn("{} more {} in the last {} s (each logged at DEBUG)", count, kind.summary,
                    Math.max(1, Math.round(sinceNanos / 1e9)));
        }
    }
}
