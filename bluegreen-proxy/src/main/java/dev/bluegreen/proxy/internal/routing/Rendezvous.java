package dev.bluegreen.proxy.internal.routing;

import dev.bluegreen.core.Backend;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Picks the backend of a pool for one connect attempt by a consistent hash of a request's key: weighted rendezvous
 * (highest random weight) hashing. Each backend scores the key, {@code weight ÷ -ln(u)} with {@code u} in (0, 1) a
 * hash of the key and the backend's {@link Backend#id() id}; the highest score among the backends not excluded wins.
 * So a key goes to the same backend for as long as that one is in the pool and eligible; when it is not (gone,
 * unhealthy, ejected, at its limit, or tried already by the request), the key's next-highest score takes it, and the
 * keys of every other backend stay where they were. Over many keys each backend gets its weight's share. No ring and
 * no state: the scores are computed for every request, a mix of two hashes per backend (the ids' hashes made once per
 * pool, {@link #idHashes}), and, when the weights differ, a logarithm for the few backends a cheaper bound cannot rule
 * out. Allocation-free.
 */
public final class Rendezvous {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    /**
     * 2<sup>-52</sup>: a 52-bit draw plus one half times it is a double in (0, 1), exactly (with 53 bits, the largest
     * plus one half would round to 1, whose logarithm 0 would score -∞).
     */
    private static final double UNIT = 0x1.0p-52;

    private Rendezvous() {
    }

    /** The hashes of {@code backends}' ids, by index, for {@link #pick}: made once per pool and kept. */
    public static long[] idHashes(List<Backend> backends) {
        long[] hashes = new long[backends.size()];
        for (int i = 0; i < hashes.length; i++) {
            hashes[i] = idHash(backends.get(i));
        }
        return hashes;
    }

    /** The hash of {@code backend}'s id: what it scores keys with, and its affinity cookie's token. */
    public static long idHash(Backend backend) {
        String id = backend.id();
        return hash(id, 0, id.length());
    }

    /**
     * The index of the backend whose score for {@code key} is the highest among those not excluded, or -1 if every
     * backend is excluded.
     *
     * @param idHashes {@link #idHashes} of {@code backends}
     * @param key      the request's key, {@link #hash}ed
     * @param excluded bit {@code i} set when backend {@code i} of the first 64 may not be picked
     * @param beyond   whether backend {@code i}, past the 64th, may not be picked; {@code null}: all may be
     */
    public static int pick(List<Backend> backends, long[] idHashes, long key, long excluded, IntPredicate beyond) {
        int size = backends.size();
        int firstWeight = 0;
        boolean equalWeights = true;
        for (int i = 0; i < size && equalWeights; i++) {
            if (!RoundRobin.isExcluded(excluded, beyond, i)) {
                int weight = backends.get(i).weight();
                equalWeights = firstWeight == 0 || weight == firstWeight;
                firstWeight = weight;
            }
        }
        int best = -1;
        if (equalWeights) {
            // weight ÷ -ln(u) grows with u when the weights are equal: the largest draw wins, no logarithm needed.
            long bestDraw = -1;
            for (int i = 0; i < size; i++) {
                if (!RoundRobin.isExcluded(excluded, beyond, i)) {
                    long draw = draw(key, idHashes[i]);
                    if (draw > bestDraw) {
                        best = i;
                        bestDraw = draw;
                    }
                }
            }
            return best;
        }
        double bestScore = 0;
        for (int i = 0; i < size; i++) {
            if (RoundRobin.isExcluded(excluded, beyond, i)) {
                continue;
            }
            double uniform = (draw(key, idHashes[i]) + 0.5) * UNIT;
            int weight = backends.get(i).weight();
            // -ln(u) >= 1 - u, so the score is at most weight ÷ (1 - u): most backends lose without a logarithm.
            if (best >= 0 && weight / (1 - uniform) <= bestScore) {
                continue;
            }
            double score = weight / -Math.log(uniform);
            if (best < 0 || score > bestScore) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    /** A 52-bit draw for {@code key} and the backend of {@code idHash}: uniform over keys, for each backend. */
    private static long draw(long key, long idHash) {
        return mix(key ^ idHash) >>> 12;
    }

    /** A 64-bit hash of {@code text}'s characters from {@code start} to {@code end} (FNV-1a, then mixed). */
    public static long hash(CharSequence text, int start, int end) {
        long hash = FNV_OFFSET;
        for (int i = start; i < end; i++) {
            char c = text.charAt(i);
            hash = (hash ^ (c & 0xff)) * FNV_PRIME;
            hash = (hash ^ (c >>> 8)) * FNV_PRIME;
        }
        return mix(hash);
    }

    /** Spreads every bit of {@code value} over all 64 (MurmurHash3's finalizer). */
    static long mix(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
