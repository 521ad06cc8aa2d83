package dev.bluegreen.proxy.internal.routing;

import dev.bluegreen.core.Backend;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Picks the backend of a pool for one connect attempt: weighted round robin from a per-loop position, among the
 * backends not excluded (tried already by this request, unhealthy or ejected). Allocation-free; the excluded set is a
 * bit mask over the first 64 backends, and a test of its own for those past them.
 *
 * <p>Each backend gets its {@link Backend#weight() weight}'s share of the picks among those eligible: over any
 * {@code W} consecutive positions (the sum of their weights), exactly its weight. When their weights are equal, as by
 * default, the eligible backends take turns in order. When they differ, the positions are spread over the weights by
 * a stride prime to their sum, so that a heavy backend's picks are interleaved with the others' rather than taken in
 * one run. A backend excluded gives its share to all the others in proportion, not to its neighbour alone.
 */
public final class RoundRobin {

    /**
     * A prime: multiplying positions by it permutes them modulo any sum of weights it does not divide, and the smallest
     * it divides is its own value. A slow start's weights, in hundredths, reach it: eleven backends of
     * {@link Backend#MAX_WEIGHT}, ten whole and one ramped to 3, sum to it exactly.
     */
    private static final long STRIDE = 1_000_003;
    /**
     * Another prime, the stride for a sum of weights {@link #STRIDE} divides: without it every position of such a sum
     * is one slot, the first backend's. Both divide only a sum of 10<sup>12</sup> or more, ten million backends of
     * {@code MAX_WEIGHT} in hundredths.
     */
    private static final long OTHER_STRIDE = 999_983;

    private RoundRobin() {
    }

    /**
     * The index of the backend to try, or -1 if every backend is excluded.
     *
     * @param backends the pool
     * @param position the loop's round-robin position (any int; it wraps)
     * @param excluded bit {@code i} set when backend {@code i} may not be picked (tried, unhealthy or ejected)
     */
    public static int pick(List<Backend> backends, int position, long excluded) {
        return pick(backends, position, excluded, null);
    }

    /**
     * As {@link #pick(List, int, long)}, with {@code beyond} saying which backends past the 64th may not be picked
     * ({@code null}: none), for a request that must not get a backend it found at its limit again and again.
     */
    public static int pick(List<Backend> backends, int position, long excluded, IntPredicate beyond) {
        return pick(backends, position, excluded, beyond, null);
    }

    /**
     * As {@link #pick(List, int, long, IntPredicate)}, by {@code weights} (backend {@code i}'s at index {@code i}, in
     * any unit) rather than the backends' own: a slow start's ramped weights. {@code null}: the backends' own.
     */
    public static int pick(List<Backend> backends, int position, long excluded, IntPredicate beyond, int[] weights) {
        int size = backends.size();
        int eligible = 0;
        long totalWeight = 0;
        int firstWeight = 0;
        boolean equalWeights = true;
        for (int i = 0; i < size; i++) {
            if (isExcluded(excluded, beyond, i)) {
                continue;
            }
            int weight = weight(backends, weights, i);
            if (eligible == 0) {
                firstWeight = weight;
            } else if (weight != firstWeight) {
                equalWeights = false;
            }
            eligible++;
            totalWeight += weight;
        }
        if (eligible == 0) {
            return -1;
        }
        if (equalWeights) {
            return nthEligible(backends, excluded, beyond, Math.floorMod(position, eligible));
        }
        long slot = weightedSlot(position, totalWeight);
        for (int i = 0; i < size; i++) {
            if (!isExcluded(excluded, beyond, i)) {
                slot -= weight(backends, weights, i);
                if (slot < 0) {
                    return i;
                }
            }
        }
        throw new IllegalStateException("no backend for slot " + slot + " of weight " + totalWeight);
    }

    /** Backend {@code index}'s weight: from {@code weights} when there are any, else its own. */
    public static int weight(List<Backend> backends, int[] weights, int index) {
        return weights == null ? backends.get(index).weight() : weights[index];
    }

    /**
     * The slot of {@code position} among backends of unequal weights summing to {@code totalWeight}: the pick is the
     * backend whose weights, added up in order, first exceed it. Spread by the stride, as {@link #pick} spreads them.
     */
    public static long weightedSlot(int position, long totalWeight) {
        long stride = totalWeight % STRIDE != 0 ? STRIDE : OTHER_STRIDE;
        return Math.floorMod(position * stride, totalWeight);
    }

    private static int nthEligible(List<Backend> backends, long excluded, IntPredicate beyond, int n) {
        int left = n;
        for (int i = 0; i < backends.size(); i++) {
            if (!isExcluded(excluded, beyond, i) && left-- == 0) {
                return i;
            }
        }
        throw new IllegalStateException("no eligible backend number " + n);
    }

    /**
     * Whether backend {@code index} may not be picked: its bit in {@code excluded} for the first 64, else what
     * {@code beyond} says ({@code null}: it may).
     */
    public static boolean isExcluded(long excluded, IntPredicate beyond, int index) {
        return index < Long.SIZE ? (excluded & (1L << index)) != 0 : beyond != null && beyond.test(index);
    }

    /** The tried mask with {@code index} added. */
    public static long markTried(long tried, int index) {
        return index < Long.SIZE ? tried | (1L << index) : tried;
    }
}
