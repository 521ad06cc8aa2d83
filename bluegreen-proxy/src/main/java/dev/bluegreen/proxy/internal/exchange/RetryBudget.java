package dev.bluegreen.proxy.internal.exchange;

import java.util.Arrays;

/**
 * How many retries one event loop may make: at most a fifth of the requests it started over the last 10 s, and at
 * least 10 in that time, so that a quiet proxy can still retry. A backend that dies under load costs each request in
 * flight on it one retry; a pool that fails every request can't turn the proxy into a retry storm that multiplies
 * the load on whatever is left of it (the share is the same as Finagle's and gRPC's retry budgets).
 *
 * <p>Ten slots of one second each, counted as requests start and retries are taken: adding is an array increment,
 * and only a retry sums the slots. Confined to its loop, like the rest of {@link LoopContext}.
 */
final class RetryBudget {

    static final int WINDOW_SECONDS = 10;
    /** The share of the window's requests that may be retried. */
    static final double SHARE = 0.2;
    /** The retries allowed in a window whatever the share says. */
    static final int MINIMUM = 10;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int[] requests = new int[WINDOW_SECONDS];
    private final int[] retries = new int[WINDOW_SECONDS];
    /** The second the slots were last moved to; slots older than the window have been cleared. */
    private long currentSecond;
    private boolean started;

    /** A request started at {@code nowNanos} ({@link System#nanoTime()}). */
    void requestStarted(long nowNanos) {
        requests[slot(nowNanos)]++;
    }

    /**
     * Takes a retry from the budget, if the window has one left.
     *
     * @return whether the retry may be made
     */
    boolean tryRetry(long nowNanos) {
        int slot = slot(nowNanos);
        long requested = 0;
        long retried = 0;
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            requested += requests[i];
            retried += retries[i];
        }
        if (retried >= Math.max(MINIMUM, SHARE * requested)) {
            return false;
        }
        retries[slot]++;
        return true;
    }

    /**
     * The slot of {@code nowNanos}, clearing those the window has moved past since the last call (a time before the
     * last one, which a request's start read a little earlier may be, counts in the current slot).
     */
    private int slot(long nowNanos) {
        long second = Math.floorDiv(nowNanos, NANOS_PER_SECOND);
        if (!started || second - currentSecond >= WINDOW_SECONDS) {
            Arrays.fill(requests, 0);
            Arrays.fill(retries, 0);
            started = true;
            currentSecond = second;
        } else {
            while (currentSecond < second) {
                currentSecond++;
                int stale = (int) Math.floorMod(currentSecond, WINDOW_SECONDS);
                requests[stale] = 0;
                retries[stale] = 0;
            }
        }
        return (int) Math.floorMod(currentSecond, WINDOW_SECONDS);
    }
}
