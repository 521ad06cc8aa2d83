package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.internal.health.HealthRegistry;
import dev.bluegreen.proxy.internal.routing.RoundRobin;
import dev.bluegreen.proxy.internal.upstream.BackendAddresses;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * Where mirrored requests go: the idle colour, while its pool has backends, and not to a pool that was drained. A
 * colour that stops being live is drained, and a drain that ended promises that its backends get nothing new until the
 * colour is live again (docs/switching-without-loss.md, "What DRAINED promises"): so the pool a colour had when it
 * stopped being live gets no mirror, until a deployment gives that colour another pool (or it is live again, when it
 * gets none anyway). Within the pool, a backend by round robin among those not known to be unhealthy or ejected.
 * Never the live colour. Thread-safe.
 */
public final class MirrorTargets {

    private final Supplier<RoutingSnapshot> snapshots;
    private final HealthRegistry health;
    private final BackendAddresses addresses;
    /** Per colour: the pool it had when it last stopped being live, or {@code null} since it is live again. */
    private final AtomicReferenceArray<Environment> drainedPools = new AtomicReferenceArray<>(Colour.values().length);

    /**
     * @param snapshots the routing snapshot now
     * @param health    the backends' health, or {@code null} when it is not tracked
     * @param addresses the backends' addresses
     */
    public MirrorTargets(Supplier<RoutingSnapshot> snapshots, HealthRegistry health, BackendAddresses addresses) {
        this.snapshots = snapshots;
        this.health = health;
        this.addresses = addresses;
    }

    /**
     * Follows a routing change, before its drain starts: the colour that stopped being live keeps no mirror from now
     * on (its pool is recorded as drained), the one that became live forgets it was drained.
     */
    void onRoutingChange(Change change) {
        if (change.liveColourChanged()) {
            drainedPools.set(change.from().ordinal(), change.current().environment(change.from()));
            drainedPools.set(change.to().ordinal(), null);
        }
    }

    /** The routing snapshot now. */
    RoutingSnapshot snapshot() {
        return snapshots.get();
    }

    /** The colour mirrored to under {@code snapshot}, or {@code null} while mirroring is paused. Per request. */
    Colour target(RoutingSnapshot snapshot) {
        Colour idle = snapshot.idle();
        Environment pool = snapshot.environment(idle);
        return pool.isEmpty() || pool.equals(drainedPools.get(idle.ordinal())) ? null : idle;
    }

    /** Why mirroring is paused under {@code snapshot}, or {@code null} when it is not. For reports. */
    String pausedBecause(RoutingSnapshot snapshot) {
        Colour idle = snapshot.idle();
        Environment pool = snapshot.environment(idle);
        if (pool.isEmpty()) {
            return "the idle pool (" + idle.label() + ") has no backends";
        }
        return pool.equals(drainedPools.get(idle.ordinal())) ? idle.label() + " was drained when it stopped being"
                + " live; mirroring resumes once a deployment gives it another pool" : null;
    }

    /** Whether the mirror's pools keep idle connections to {@code colour}: while it is the colour mirrored to. */
    public boolean keepsConnections(RoutingSnapshot snapshot, Colour colour) {
        return target(snapshot) == colour;
    }

    /**
     * A backend of {@code pool} for one mirror, or {@code null} when none is usable.
     *
     * @param excluded bit {@code i} set when backend {@code i} must not be picked (the loop saw it refuse)
     */
    Backend pick(Environment pool, int position, long excluded) {
        List<Backend> backends = pool.backends();
        long unusable = excluded | (health == null ? 0 : health.unusableMask(pool.colour(), backends));
        int index = RoundRobin.pick(backends, position, unusable);
        return index < 0 ? null : backends.get(index);
    }

    /** The last known address of {@code backend}, or {@code null} when its name was never resolved yet. */
    InetSocketAddress address(Backend backend) {
        return addresses.cached(backend);
    }

    /** Resolves the name of {@code backend}; the future completes off the event loops. */
    CompletableFuture<InetSocketAddress> resolve(Backend backend) {
        return addresses.resolve(backend);
    }
}
