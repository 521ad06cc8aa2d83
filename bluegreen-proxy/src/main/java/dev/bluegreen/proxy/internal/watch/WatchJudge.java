package dev.bluegreen.proxy.internal.watch;

import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.watch.Breach;
import dev.bluegreen.proxy.watch.WatchFigures;
import dev.bluegreen.proxy.watch.WatchRule;
import java.time.Duration;

/**
 * Applies the {@link AutoRollback} rules to a colour's figures and its baseline. Stateless apart from the rules;
 * thread-safe.
 */
public final class WatchJudge {

    private final AutoRollback rules;

    WatchJudge(AutoRollback rules) {
        this.rules = rules;
    }

    /**
     * The first rule {@code figures} break, or {@code null} if they break none or are too few to judge.
     *
     * @param figures  the judged colour's
     * @param baseline what it is compared with; the rules against it apply only when it has enough requests
     */
    Breach judge(WatchFigures figures, WatchFigures baseline) {
        if (figures.requests() < rules.minRequests()) {
            return null;
        }
        double rate = figures.errorRate();
        if (rate > rules.maxErrorRate()) {
            return new Breach(WatchRule.ERROR_RATE,
                    "error rate " + WatchTexts.percent(rate) + " > " + WatchTexts.percent(rules.maxErrorRate()));
        }
        boolean timed = figures.timedRequests() > 0;
        Duration maxP99 = rules.maxP99().orElse(null);
        if (timed && maxP99 != null && figures.p99().compareTo(maxP99) > 0) {
            return new Breach(WatchRule.P99, "p99 " + WatchTexts.millis(figures.p99()) + " > "
                    + WatchTexts.millis(maxP99));
        }
        if (baseline.requests() < rules.minRequests()) {
            return null;
        }
        double rateLimit = baseline.errorRate() * rules.errorRateFactor() + rules.errorRateSlack();
        if (rate > rateLimit) {
            return new Breach(WatchRule.ERROR_RATE_VS_BASELINE, "error rate " + WatchTexts.percent(rate)
                    + " > " + WatchTexts.percent(rateLimit) + " (baseline " + WatchTexts.percent(baseline.errorRate())
                    + " x " + rules.errorRateFactor() + " + " + WatchTexts.percent(rules.errorRateSlack()) + ")");
        }
        if (timed && baseline.timedRequests() > 0) {
            long limitNanos = (long) Math.min(Long.MAX_VALUE,
                    baseline.p99().toNanos() * rules.p99Factor() + rules.p99Slack().toNanos());
            if (figures.p99().toNanos() > limitNanos) {
                return new Breach(WatchRule.P99_VS_BASELINE, "p99 " + WatchTexts.millis(figures.p99()) + " > "
                        + WatchTexts.millis(Duration.ofNanos(limitNanos)) + " (baseline "
                        + WatchTexts.millis(baseline.p99()) + " x " + rules.p99Factor() + " + "
                        + WatchTexts.millis(rules.p99Slack()) + ")");
            }
        }
        return null;
    }
}
