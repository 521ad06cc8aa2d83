package dev.bluegreen.proxy.internal.routing;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;

/**
 * The {@linkplain Rendezvous#idHashes hashes of the backend ids} of each colour's pool, kept for the pool seen last:
 * made again only when a deploy gives the colour another pool, not for each request. One per event loop, used on it
 * alone.
 */
public final class PoolIdHashes {

    private final Environment[] pools = new Environment[Colour.values().length];
    private final long[][] hashes = new long[Colour.values().length][];

    /** The hashes of the ids of {@code pool}, {@code colour}'s pool, by backend index. */
    public long[] of(Colour colour, Environment pool) {
        int index = colour.ordinal();
        if (pools[index] != pool) {
            hashes[index] = Rendezvous.idHashes(pool.backends());
            pools[index] = pool;
        }
        return hashes[index];
    }
}
