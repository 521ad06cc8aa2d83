package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Backend;
import dev.bluegreen.proxy.internal.routing.RoundRobin;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Picks the backend of a pool for one connect attempt by least requests: the one with the fewest requests under way
 * for its {@link Backend#weight() weight} ({@code requests ÷ weight}, as nginx's {@code least_conn}), among the
 * backends not excluded; backends level on that measure take turns by weighted {@link RoundRobin} from the loop's
 * position, so that with one request at a time (every count 0) the weights still share the requests out.
 * Allocation-free; the counts are read without a lock, so two loops picking at once may both take the same backend
 * (a request more there, never a lost one). During a slow start the weights are the ramped ones.
 */
final class LeastRequests {

    private LeastRequests() {
    }

    /**
     * The index of the backend to try, or -1 if every backend is excluded.
     *
     * @param backends the pool
     * @param position the loop's round-robin position, for the turns among backends level on load
     * @param excluded bit {@code i} set when backend {@code i} of the first 64 may not be picked (tried, unhealthy or
     *                 ejected)
     * @param beyond   whether backend {@code i}, past the 64th, may not be picked; {@code null} for a pool of 64 or
     *                 less. Without it a backend would be picked again and again: one that refuses every connection,
     *                 with no request under way, would be each request's every attempt
     * @param loads    the requests under way on each backend
     * @param weights  the weight of each backend, by index, or {@code null} for their own: a slow start's
     */
    static int pick(List<Backend> backends, int position, long excluded, IntPredicate beyond, BackendLoads loads,
                    int[] weights) {
        int size = backends.size();
        int best = -1;
        long bestLoad = 0;
        long bestWeight = 1;
        long level = 0;
        // The backends level with the best so far: how many, their weights' sum, whether those are all equal.
        int levelCount = 0;
        long levelWeight = 0;
        boolean equalWeights = true;
        for (int i = 0; i < size; i++) {
            if (RoundRobin.isExcluded(excluded, beyond, i)) {
                continue;
            }
            Backend backend = backends.get(i);
            long load = loads.requestsOn(backend);
            long weight = RoundRobin.weight(backends, weights, i);
            // load ÷ weight against the best's, cross-multiplied: no division, exact.
            long difference = load * bestWeight - bestLoad * weight;
            if (best < 0 || difference < 0) {
                best = i;
                bestLoad = load;
                bestWeight = weight;
                level = RoundRobin.markTried(0, i);
                levelCount = 1;
                levelWeight = weight;
                equalWeights = true;
            } else if (difference == 0) {
                level = RoundRobin.markTried(level, i);
                levelCount++;
                equalWeights &= weight == bestWeight;
                levelWeight += weight;
            }
        }
        if (levelCount <= 1) {
            return best;
        }
        if (size <= Long.SIZE) {
            return RoundRobin.pick(backends, position, ~level, null, weights);
        }
        long slot = equalWeights ? Math.floorMod(position, levelCount) : RoundRobin.weightedSlot(position, levelWeight);
        return turnBeyondTheMask(backends, excluded, beyond, loads, weights, bestLoad, bestWeight, equalWeights, slot,
                best);
    }

    /**
     * The turn among the backends level on load of a pool too large for a mask of them: walks the pool again for the
     * backends whose {@code load ÷ weight} is {@code bestLoad ÷ bestWeight}, taking the one at {@code slot} as
     * {@link RoundRobin#pick} would among them: the slot-th when their weights are {@code equal}, else the one whose
     * weights, added up in order, first exceed it. A count that changed in between may leave the slot unfound: then
     * {@code best}, level with them on the first walk.
     */
    private static int turnBeyondTheMask(List<Backend> backends, long excluded, IntPredicate beyond,
                                         BackendLoads loads, int[] weights, long bestLoad, long bestWeight,
                                         boolean equal, long slot, int best) {
        long left = slot;
        for (int i = 0; i < backends.size(); i++) {
            if (RoundRobin.isExcluded(excluded, beyond, i)) {
                continue;
            }
            long weight = RoundRobin.weight(backends, weights, i);
            if (loads.requestsOn(backends.get(i)) * bestWeight != bestLoad * weight) {
                continue;
            }
            left -= equal ? 1 : weight;
            if (left < 0) {
                return i;
            }
        }
        return best;
    }
}
