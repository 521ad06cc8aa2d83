package dev.bluegreen.proxy.watch;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The rules of the watch that follows a switch, and of the steps of a {@link ShiftPlan}: after a change makes a
 * colour live, the proxy judges that colour for a bake window and rolls back on its own when it breaches a rule.
 * Off unless given to {@link dev.bluegreen.proxy.BlueGreenProxyBuilder#autoRollback(AutoRollback)}:
 *
 * <pre>{@code
 * BlueGreenProxy.builder(admin).autoRollback(AutoRollback.defaults()).build();
 * BlueGreenProxy.builder(admin).autoRollback(AutoRollback.builder()
 *         .bakeWindow(Duration.ofMinutes(10)).maxErrorRate(0.01).maxP99(Duration.ofMillis(500)).build()).build();
 * }</pre>
 *
 * <p>What is counted, per colour: every exchange that ended is a request; it is an error when its final status
 * was a 5xx (from the backend or the proxy's own 502/503/504) or it was cut short (status 0), and when the safety net
 * had to send a request that failed on the colour to the other one. Latency is the time from the request head to
 * the end of the response of exchanges with a final status (not upgrades), kept in a histogram whose buckets are a
 * quarter of a power of two wide: a p99 is reported as the upper bound of its bucket, at most 25 % above the true
 * figure (65.5 µs at the low end, 68.7 s at the top).
 *
 * <p>The judged figures are the new colour's over the last {@link #window()}, counted from the change at the
 * earliest; the baseline is the old colour's over the {@code window} before the change (for a shift plan: the live
 * colour's over the same time as the target's). Nothing is judged below {@link #minRequests()} requests; the rules
 * against the baseline apply only when the baseline has that many too. The rules, in the order they are checked:
 * <ol>
 * <li>{@link WatchRule#ERROR_RATE}: error rate &gt; {@link #maxErrorRate()};
 * <li>{@link WatchRule#P99}: p99 &gt; {@link #maxP99()} (when set);
 * <li>{@link WatchRule#ERROR_RATE_VS_BASELINE}: error rate &gt; baseline rate &times; {@link #errorRateFactor()} +
 *     {@link #errorRateSlack()};
 * <li>{@link WatchRule#P99_VS_BASELINE}: p99 &gt; baseline p99 &times; {@link #p99Factor()} + {@link #p99Slack()}.
 * </ol>
 *
 * <p>Immutable and thread-safe. Two are equal when every rule and setting is, and they have equal clocks (the
 * system clocks of one zone are equal) and the same listener (a lambda is equal only to itself).
 */
public final class AutoRollback {

    /** The actor of an automatic rollback in the history ({@code admin.history()}, {@code /history}). */
    public static final String ACTOR = "auto-rollback";

    /** The most evaluation intervals a window may span (the watch keeps a sample of the counts for each). */
    public static final int MAX_SAMPLES_PER_WINDOW = 10_000;

    private static final AutoRollback DEFAULTS = builder().build();

    private final Duration bakeWindow;
    private final Duration window;
    private final Duration evaluationInterval;
    private final long minRequests;
    private final double maxErrorRate;
    private final Duration maxP99;
    private final double errorRateFactor;
    private final double errorRateSlack;
    private final double p99Factor;
    private final Duration p99Slack;
    private final Clock clock;
    private final WatchListener listener;

    private AutoRollback(Builder builder) {
        this.bakeWindow = builder.bakeWindow;
        this.window = builder.window;
        this.evaluationInterval = builder.evaluationInterval;
        this.minRequests = builder.minRequests;
        this.maxErrorRate = builder.maxErrorRate;
        this.maxP99 = builder.maxP99;
        this.errorRateFactor = builder.errorRateFactor;
        this.errorRateSlack = builder.errorRateSlack;
        this.p99Factor = builder.p99Factor;
        this.p99Slack = builder.p99Slack;
        this.clock = builder.clock;
        this.listener = builder.listener;
    }

    /**
     * The defaults: bake window 5 min, window 1 min, evaluated every second, at least 50 requests, error rate at
     * most 5 % and at most twice the baseline's plus 1 point, p99 at most 2 s and at most twice the baseline's plus
     * 100 ms, the system clock, no listener.
     */
    public static AutoRollback defaults() {
        return DEFAULTS;
    }

    /** A builder starting from the {@linkplain #defaults() defaults}. */
    public static Builder builder() {
        return new Builder();
    }

    /** How long after a change that made a colour live that colour is judged; zero: changes are not watched. */
    public Duration bakeWindow() {
        return bakeWindow;
    }

    /** The span of the judged figures and of the baseline. */
    public Duration window() {
        return window;
    }

    /** How often the figures are sampled and judged. */
    public Duration evaluationInterval() {
        return evaluationInterval;
    }

    /** The fewest requests the judged colour must have had in the window before anything is judged. */
    public long minRequests() {
        return minRequests;
    }

    /** The highest error rate (0..1) that passes. */
    public double maxErrorRate() {
        return maxErrorRate;
    }

    /** The highest p99 that passes, or empty when latency is judged against the baseline only. */
    public Optional<Duration> maxP99() {
        return Optional.ofNullable(maxP99);
    }

    /** How many times the baseline's error rate (plus {@link #errorRateSlack()}) the error rate may reach. */
    public double errorRateFactor() {
        return errorRateFactor;
    }

    /** What the error rate may exceed the baseline's times {@link #errorRateFactor()} by (0..1). */
    public double errorRateSlack() {
        return errorRateSlack;
    }

    /** How many times the baseline's p99 (plus {@link #p99Slack()}) the p99 may reach. */
    public double p99Factor() {
        return p99Factor;
    }

    /** What the p99 may exceed the baseline's times {@link #p99Factor()} by. */
    public Duration p99Slack() {
        return p99Slack;
    }

    /** Where the watch reads the time. */
    public Clock clock() {
        return clock;
    }

    /** Who hears the watch's events, or {@link WatchListener#NONE}. */
    public WatchListener listener() {
        return listener;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AutoRollback that && bakeWindow.equals(that.bakeWindow) && window.equals(that.window)
                && evaluationInterval.equals(that.evaluationInterval) && minRequests == that.minRequests
                && Double.compare(maxErrorRate, that.maxErrorRate) == 0 && Objects.equals(maxP99, that.maxP99)
                && Double.compare(errorRateFactor, that.errorRateFactor) == 0
                && Double.compare(errorRateSlack, that.errorRateSlack) == 0
                && Double.compare(p99Factor, that.p99Factor) == 0 && p99Slack.equals(that.p99Slack)
                && clock.equals(that.clock) && listener.equals(that.listener);
    }

    @Override
    public int hashCode() {
        return Objects.hash(bakeWindow, window, evaluationInterval, minRequests, maxErrorRate, maxP99, errorRateFactor,
                errorRateSlack, p99Factor, p99Slack, clock, listener);
    }

    @Override
    public String toString() {
        return "AutoRollback[bakeWindow=" + bakeWindow + ", window=" + window + ", evaluationInterval="
                + evaluationInterval + ", minRequests=" + minRequests + ", maxErrorRate=" + maxErrorRate
                + ", maxP99=" + maxP99 + ", errorRateFactor=" + errorRateFactor + ", errorRateSlack="
                + errorRateSlack + ", p99Factor=" + p99Factor + ", p99Slack=" + p99Slack + "]";
    }

    /** Builds {@link AutoRollback} settings; each option is validated when set. Not thread-safe. */
    public static final class Builder {

        private Duration bakeWindow = Duration.ofMinutes(5);
        private Duration window = Duration.ofMinutes(1);
        private Duration evaluationInterval = Duration.ofSeconds(1);
        private long minRequests = 50;
        private double maxErrorRate = 0.05;
        private Duration maxP99 = Duration.ofSeconds(2);
        private double errorRateFactor = 2;
        private double errorRateSlack = 0.01;
        private double p99Factor = 2;
        private Duration p99Slack = Duration.ofMillis(100);
        private Clock clock = Clock.systemUTC();
        private WatchListener listener = WatchListener.NONE;

        private Builder() {
        }

        /**
         * How long a colour is judged after a change made it live, at most 365 days. Zero turns the watch after
         * changes off (shift plans are still judged). Default 5 min.
         */
        public Builder bakeWindow(Duration bakeWindow) {
            requireNonNull(bakeWindow, "bakeWindow");
            if (bakeWindow.isNegative()) {
                throw new IllegalArgumentException("bakeWindow: " + Texts.duration(bakeWindow) + " (expected: >= 0)");
            }
            // Bounded as the other durations: a longer one overflowed at the first evaluation after a switch.
            this.bakeWindow = Texts.requireAtMostAYear("bakeWindow", bakeWindow);
            return this;
        }

        /**
         * The span of the judged figures (the last {@code window}, from the change at the earliest) and of the
         * baseline (the {@code window} before the change). At least the evaluation interval. Default 1 min.
         */
        public Builder window(Duration window) {
            this.window = Texts.requirePositive("window", window);
            return this;
        }

        /** How often the figures are sampled and judged; at most the window. Default 1 s. */
        public Builder evaluationInterval(Duration interval) {
            this.evaluationInterval = Texts.requirePositive("evaluationInterval", interval);
            return this;
        }

        /** The fewest requests in the window before the colour is judged. Default 50. */
        public Builder minRequests(long minRequests) {
            if (minRequests < 1) {
                throw new IllegalArgumentException("minRequests: " + minRequests + " (expected: >= 1)");
            }
            this.minRequests = minRequests;
            return this;
        }

        /** The highest error rate that passes, 0..1 (0.05 is 5 %). Default 0.05. */
        public Builder maxErrorRate(double rate) {
            this.maxErrorRate = fraction("maxErrorRate", rate);
            return this;
        }

        /** The highest p99 that passes, or {@code null} to judge latency against the baseline only. Default 2 s. */
        public Builder maxP99(Duration p99) {
            this.maxP99 = p99 == null ? null : Texts.requirePositive("maxP99", p99);
            return this;
        }

        /**
         * The error rate breaches when above {@code baseline rate × factor + slack}. Factor at least 1, slack 0..1.
         * Default 2 and 0.01.
         */
        public Builder errorRateVsBaseline(double factor, double slack) {
            this.errorRateFactor = factor("errorRateFactor", factor);
            this.errorRateSlack = fraction("errorRateSlack", slack);
            return this;
        }

        /**
         * The p99 breaches when above {@code baseline p99 × factor + slack}. Factor at least 1. Default 2 and
         * 100 ms.
         */
        public Builder p99VsBaseline(double factor, Duration slack) {
            requireNonNull(slack, "p99Slack");
            if (slack.isNegative()) {
                throw new IllegalArgumentException("p99Slack: " + Texts.duration(slack) + " (expected: >= 0)");
            }
            this.p99Factor = factor("p99Factor", factor);
            this.p99Slack = slack;
            return this;
        }

        /** Where the watch reads the time (tests pass a clock they move by hand). Default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Who hears the watch's events: started, passed, breached, rolled back, and each step of a shift plan.
         * Called on the watch's own thread, one event at a time; an exception it throws is logged and ignored.
         */
        public Builder listener(WatchListener listener) {
            this.listener = requireNonNull(listener, "listener");
            return this;
        }

        /**
         * The settings.
         *
         * @throws IllegalArgumentException if the evaluation interval is longer than the window, or shorter than
         *         the window / {@value #MAX_SAMPLES_PER_WINDOW}
         */
        public AutoRollback build() {
            if (evaluationInterval.compareTo(window) > 0) {
                throw new IllegalArgumentException("evaluationInterval: " + Texts.duration(evaluationInterval)
                        + " (expected: at most the window, " + Texts.duration(window) + ")");
            }
            // The watch keeps one sample per interval over the window.
            if (window.dividedBy(evaluationInterval) > MAX_SAMPLES_PER_WINDOW) {
                throw new IllegalArgumentException("evaluationInterval: " + Texts.duration(evaluationInterval)
                        + " (expected: at least the window / " + MAX_SAMPLES_PER_WINDOW + ", "
                        + Texts.duration(window.dividedBy(MAX_SAMPLES_PER_WINDOW)) + ")");
            }
            return new AutoRollback(this);
        }

        private static double fraction(String name, double value) {
            if (!(value >= 0 && value <= 1)) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: 0-1)");
            }
            return value;
        }

        private static double factor(String name, double value) {
            if (!(value >= 1) || Double.isInfinite(value)) {
                throw new IllegalArgumentException(name + ": " + value + " (expected: a finite number >= 1)");
            }
            return value;
        }
    }
}
