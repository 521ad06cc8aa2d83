package dev.bluegreen.spring.boot;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code bluegreen.auto-rollback.*}: the watch after a switch or promotion, which rolls back on its own when the
 * colour that just became live breaches a rule, and which judges the steps of shift plans. Off unless
 * {@code enabled}. Bound through {@link BlueGreenProperties#getAutoRollback()}. The values below repeat the
 * library's defaults ({@code AutoRollback.defaults()}); the rules against the old colour's figures keep theirs. A
 * {@link BlueGreenProxyCustomizer} that sets {@code autoRollback(...)} (for those rules, or a listener) replaces
 * the whole set these properties made.
 */
public class AutoRollbackProperties {
    /** Whether to watch each change and roll back on a breach. */
    private boolean enabled;
    /** How long the colour a change made live is judged; 0 judges only shift plans. */
    private Duration bakeWindow = Duration.ofMinutes(5);
    /** The span of the judged figures, and of the old colour's figures before the change. */
    private Duration window = Duration.ofMinutes(1);
    /** How often the figures are sampled and judged; at most the window. */
    private Duration evaluationInterval = Duration.ofSeconds(1);
    /** The fewest requests in the window before anything is judged. */
    private long minRequests = 50;
    /** The highest error rate (5xx or cut short) that passes, 0-1. */
    private double maxErrorRate = 0.05;
    /** The highest p99 that passes; 0 judges latency against the old colour only. */
    private Duration maxP99 = Duration.ofSeconds(2);

    /** Creates the properties with their defaults; Spring does this. */
    public AutoRollbackProperties() {
    }

    /** @return whether changes are watched */
    public boolean isEnabled() {
        return enabled;
    }

    /** @param enabled whether changes are watched */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** @return how long a change is judged */
    public Duration getBakeWindow() {
        return bakeWindow;
    }

    /** @param bakeWindow how long a change is judged, 0 or more */
    public void setBakeWindow(Duration bakeWindow) {
        this.bakeWindow = bakeWindow;
    }

    /** @return the span of the judged figures */
    public Duration getWindow() {
        return window;
    }

    /** @param window the span of the judged figures, above 0 */
    public void setWindow(Duration window) {
        this.window = window;
    }

    /** @return how often the figures are judged */
    public Duration getEvaluationInterval() {
        return evaluationInterval;
    }

    /** @param evaluationInterval how often the figures are judged, above 0 and at most the window */
    public void setEvaluationInterval(Duration evaluationInterval) {
        this.evaluationInterval = evaluationInterval;
    }

    /** @return the fewest requests judged */
    public long getMinRequests() {
        return minRequests;
    }

    /** @param minRequests the fewest requests judged, at least 1 */
    public void setMinRequests(long minRequests) {
        this.minRequests = minRequests;
    }

    /** @return the highest error rate that passes */
    public double getMaxErrorRate() {
        return maxErrorRate;
    }

    /** @param maxErrorRate the highest error rate that passes, 0-1 */
    public void setMaxErrorRate(double maxErrorRate) {
        this.maxErrorRate = maxErrorRate;
    }

    /**
     * The rules set to other than their defaults, for the refusal of rules given while the watch is off.
     *
     * @return each such property's name below {@code bluegreen.auto-rollback.} with its value, in the order above
     */
    Map<String, Object> changed() {
        AutoRollbackProperties defaults = new AutoRollbackProperties();
        Map<String, Object> changed = new LinkedHashMap<>();
        PropertyChecks.putIfChanged(changed, "bake-window", bakeWindow, defaults.bakeWindow);
        PropertyChecks.putIfChanged(changed, "window", window, defaults.window);
        PropertyChecks.putIfChanged(changed, "evaluation-interval", evaluationInterval, defaults.evaluationInterval);
        PropertyChecks.putIfChanged(changed, "min-requests", minRequests, defaults.minRequests);
        PropertyChecks.putIfChanged(changed, "max-error-rate", maxErrorRate, defaults.maxErrorRate);
        PropertyChecks.putIfChanged(changed, "max-p99", maxP99, defaults.maxP99);
        return changed;
    }

    /** @return the highest p99 that passes, 0 for none */
    public Duration getMaxP99() {
        return maxP99;
    }

    /** @param maxP99 the highest p99 that passes, 0 for none */
    public void setMaxP99(Duration maxP99) {
        this.maxP99 = maxP99;
    }
}
