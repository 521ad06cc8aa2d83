package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.core.Environment;
import dev.bluegreen.proxy.MirrorReport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The outcomes of the last compared pairs of one colour against one live pool: a ring of at most {@code size} pairs,
 * newest over oldest, with running counts so that the agreement is read without a scan. The pools it measures are
 * part of it: once either changes (a deploy), its pairs say nothing about the new pools, and a new window starts.
 * Written from every event loop without locks; under concurrent writes the counts are exact once the writers are
 * done, and off by at most the writes in progress meanwhile.
 */
final class AgreementWindow {

    private static final int EMPTY = 0;
    private static final int MATCHED = 1;
    private static final int MISMATCHED = 2;

    private final Environment baseline;
    private final Environment target;
    private final AtomicIntegerArray outcomes;
    private final AtomicLong next = new AtomicLong();
    private final AtomicInteger pairs = new AtomicInteger();
    private final AtomicInteger matched = new AtomicInteger();

    /**
     * @param baseline the live pool the pairs compare against
     * @param target   the pool mirrored to
     * @param size     how many pairs it keeps
     */
    AgreementWindow(Environment baseline, Environment target, int size) {
        this.baseline = baseline;
        this.target = target;
        this.outcomes = new AtomicIntegerArray(size);
    }

    /** Whether its pairs compared {@code target} against {@code baseline}. */
    boolean measures(Environment baseline, Environment target) {
        return this.baseline.equals(baseline) && this.target.equals(target);
    }

    /** Adds a pair's outcome, pushing out the oldest once full. */
    void record(boolean pairMatched) {
        int slot = (int) Math.floorMod(next.getAndIncrement(), (long) outcomes.length());
        int previous = outcomes.getAndSet(slot, pairMatched ? MATCHED : MISMATCHED);
        if (previous == EMPTY) {
            pairs.incrementAndGet();
        } else if (previous == MATCHED) {
            matched.decrementAndGet();
        }
        if (pairMatched) {
            matched.incrementAndGet();
        }
    }

    /** The pairs it holds and how many matched. */
    MirrorReport.Agreement figures() {
        int counted = pairs.get();
        return new MirrorReport.Agreement(counted, Math.max(0, Math.min(counted, matched.get())));
    }
}
