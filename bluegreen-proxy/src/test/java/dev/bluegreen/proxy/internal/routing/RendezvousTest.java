package dev.bluegreen.proxy.internal.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/** Weighted rendezvous hashing: stable, spread by weight, and moving only the keys of a backend that leaves. */
class RendezvousTest {

    private static final int KEYS = 20_000;

    private static List<Backend> pool(int size, int weight) {
        List<Backend> backends = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            backends.add(new Backend("10.0.0." + (i + 1), 8080, "app-" + i, weight));
        }
        return backends;
    }

    private static long key(int n) {
        String text = "user-" + n;
        return Rendezvous.hash(text, 0, text.length());
    }

    private static int pick(List<Backend> backends, long key, long excluded, IntPredicate beyond) {
        return Rendezvous.pick(backends, Rendezvous.idHashes(backends), key, excluded, beyond);
    }

    private static int[] picks(List<Backend> backends, long excluded) {
        int[] counts = new int[backends.size()];
        for (int n = 0; n < KEYS; n++) {
            counts[pick(backends, key(n), excluded, null)]++;
        }
        return counts;
    }

    @Test
    void theSameKey_alwaysPicksTheSameBackend_whateverTheOrderOfThePool() {
        List<Backend> pool = pool(5, 1);
        List<Backend> reversed = new ArrayList<>(pool);
        java.util.Collections.reverse(reversed);
        for (int n = 0; n < 100; n++) {
            Backend picked = pool.get(pick(pool, key(n), 0, null));
            assertThat(pool.get(pick(pool, key(n), 0, null))).isEqualTo(picked);
            assertThat(reversed.get(pick(reversed, key(n), 0, null))).isEqualTo(picked);
        }
    }

    @Test
    void equalWeights_shareTheKeysEvenly() {
        int[] counts = picks(pool(4, 1), 0);

        for (int count : counts) {
            assertThat(count).isBetween(KEYS / 4 * 90 / 100, KEYS / 4 * 110 / 100);
        }
    }

    @Test
    void weights_shareTheKeysInProportion() {
        List<Backend> pool = new ArrayList<>(pool(2, 1));
        pool.add(new Backend("10.0.0.9", 8080, "big", 3));
        int[] counts = picks(pool, 0);

        // Weights 1, 1, 3: a fifth, a fifth, three fifths.
        assertThat(counts[0]).isBetween(KEYS / 5 * 90 / 100, KEYS / 5 * 110 / 100);
        assertThat(counts[1]).isBetween(KEYS / 5 * 90 / 100, KEYS / 5 * 110 / 100);
        assertThat(counts[2]).isBetween(KEYS * 3 / 5 * 95 / 100, KEYS * 3 / 5 * 105 / 100);
    }

    @Test
    void anExcludedBackend_movesOnlyItsOwnKeys_spreadOverTheOthers() {
        List<Backend> pool = pool(4, 1);
        int[] moved = new int[4];
        for (int n = 0; n < KEYS; n++) {
            int before = pick(pool, key(n), 0, null);
            int after = pick(pool, key(n), RoundRobin.markTried(0, 2), null);
            if (before != 2) {
                assertThat(after).as("key " + n).isEqualTo(before);
            } else {
                assertThat(after).isNotEqualTo(2);
                moved[after]++;
            }
        }
        // The leaver's quarter of the keys goes a third to each of the others.
        for (int i : new int[] {0, 1, 3}) {
            assertThat(moved[i]).isBetween(KEYS / 12 * 80 / 100, KEYS / 12 * 120 / 100);
        }
    }

    @Test
    void aBackendAddedToThePool_takesKeysFromEachOtherOnly_forItself() {
        // Weight 3 too: the pool's weights then differ, and the scores take the logarithm the equal ones skip.
        for (int weight : new int[] {1, 3}) {
            List<Backend> pool = pool(3, 1);
            List<Backend> grown = new ArrayList<>(pool);
            grown.add(new Backend("10.0.0.77", 8080, "new", weight));
            int taken = 0;
            for (int n = 0; n < KEYS; n++) {
                Backend before = pool.get(pick(pool, key(n), 0, null));
                Backend after = grown.get(pick(grown, key(n), 0, null));
                assertThat(after).as("weight " + weight + ", key " + n).isIn(before, grown.get(3));
                taken += after == grown.get(3) ? 1 : 0;
            }
            // Its weight's share: 1 of 4, or 3 of 6.
            double share = weight / (3.0 + weight);
            assertThat(taken).isBetween((int) (KEYS * share * 0.9), (int) (KEYS * share * 1.1));
        }
    }

    @Test
    void everyBackendExcluded_isMinusOne_andPastTheMaskTheTestExcludes() {
        assertThat(pick(pool(3, 1), key(1), 0b111, null)).isEqualTo(-1);

        List<Backend> large = pool(70, 1);
        BitSet outside = new BitSet();
        outside.set(64, 70);
        long allOfTheMask = -1L;
        assertThat(pick(large, key(1), allOfTheMask, outside::get)).isEqualTo(-1);
        outside.clear(67);
        assertThat(pick(large, key(1), allOfTheMask, outside::get)).isEqualTo(67);
    }

    /**
     * The inverse of {@link Rendezvous#mix}: each xor-shift by 33 is its own inverse, and each odd factor has one mod
     * 2^64.
     */
    private static long unmix(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= inverse(0xc4ceb9fe1a85ec53L);
        h ^= h >>> 33;
        h *= inverse(0xff51afd7ed558ccdL);
        h ^= h >>> 33;
        return h;
    }

    private static long inverse(long odd) {
        long x = odd;
        for (int i = 0; i < 5; i++) {
            x *= 2 - odd * x;
        }
        return x;
    }

    @Test
    void theHighestMixOfAKeyAndAnId_scoresHighest_notMinusInfinity() {
        Backend backend = new Backend("10.0.0.99", 8080, "edge", 1);
        long idHash = Rendezvous.idHashes(List.of(backend))[0];
        // The key whose mix with the id's hash is all ones: u as close to 1 as it gets, so the best score there is.
        long key = unmix(-1L) ^ idHash;
        assertThat(Rendezvous.mix(key ^ idHash)).isEqualTo(-1L);

        // The others at weight 2: the weights differ, so the scores take their logarithms.
        List<Backend> pool = new ArrayList<>(pool(5, 2));
        pool.add(0, backend);
        assertThat(pick(pool, key, 0, null)).isZero();
    }

    @Test
    void theHash_dependsOnTheRangeOfCharactersOnly() {
        String text = "xx/path?q";
        assertThat(Rendezvous.hash(text, 2, 7)).isEqualTo(Rendezvous.hash("/path", 0, 5));
        assertThat(Rendezvous.hash("/path", 0, 5)).isNotEqualTo(Rendezvous.hash("/patH", 0, 5));
    }
}
