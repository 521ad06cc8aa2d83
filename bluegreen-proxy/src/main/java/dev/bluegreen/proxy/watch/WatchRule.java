package dev.bluegreen.proxy.watch;

/** The rules of an {@link AutoRollback} watch, in the order they are checked. */
public enum WatchRule {
    /** The error rate is above {@link AutoRollback#maxErrorRate()}. */
    ERROR_RATE,
    /** The p99 latency is above {@link AutoRollback#maxP99()}. */
    P99,
    /** The error rate is above the baseline's times {@link AutoRollback#errorRateFactor()} plus the slack. */
    ERROR_RATE_VS_BASELINE,
    /** The p99 latency is above the baseline's times {@link AutoRollback#p99Factor()} plus the slack. */
    P99_VS_BASELINE
}
