package dev.bluegreen.proxy.internal.routing;

import dev.bluegreen.core.Backend;
import java.util.List;

/**
 * Picks the backend of a pool for one connect attempt: round robin from a per-loop position, skipping the backends
 * this request already tried. Allocation-free; the tried set is a bit mask over the first 64 backends (beyond that,
 * a backend may be tried twice, which only costs an attempt).
 */
public final class RoundRobin {

    private RoundRobin() {
    }

    /**
     * The index of the backend to try, or -1 if every backend has been tried.
     *
     * @param backends the pool
     * @param position the loop's round-robin position (any int; it wraps)
     * @param tried    bit {@code i} set when backend {@code i} was tried already
     */
    public static int pick(List<Backend> backends, int position, long tried) {
        int size = backends.size();
        for (int i = 0; i < size; i++) {
            int index = Math.floorMod(position + i, size);
            if (index >= Long.SIZE || (tried & (1L << index)) == 0) {
                return index;
            }
        }
        return -1;
    }

    /** The tried mask with {@code index} added. */
    public static long markTried(long tried, int index) {
        return index < Long.SIZE ? tried | (1L << index) : tried;
    }
}
