package dev.bluegreen.proxy.internal.mirror;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.Drain;
import dev.bluegreen.proxy.internal.health.HealthRegistry;
import dev.bluegreen.proxy.internal.routing.RoundRobin;
import dev.bluegreen.proxy.internal.upstream.BackendAddresses;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where mirrored requests go: the idle colour, while its pool has backends and it is not draining (after a switch the
 * colour that was live gets mirrors only once its drain has ended, so the drain sees nothing but the exchanges that
 * were under way); and there, a backend by round robin among those not known to be unhealthy or ejected. Never the
 * live colour. Thread-safe.
 */
public final class MirrorTargets {

    private final Supplier<RoutingSnapshot> snapshots;
    private final Function<Colour, Drain> drains;
    private final HealthRegistry health;
    private final BackendAddresses addresses;

    /**
     * @param snapshots the routing snapshot now
     * @param drains    the latest drain of a colour, or {@code null} if it never stopped being live
     * @param health    the backends' health, or {@code null} when it is not tracked
     * @param addresses the backends' resolved addresses
     */
    public MirrorTargets(Supplier<RoutingSnapshot> snapshots, Function<Colour, Drain> drains, HealthRegistry health,
                         BackendAddresses addresses) {
        this.snapshots = snapshots;
        this.drains = drains;
        this.health = health;
        this.addresses = addresses;
    }

    /** The routing snapshot now. */
    RoutingSnapshot snapshot() {
        return snapshots.get();
    }

    /** The colour mirrored to under {@code snapshot}, or {@code null} while mirroring is paused. Per request. */
    Colour target(RoutingSnapshot snapshot) {
        Colour idle = snapshot.idle();
        return snapshot.environment(idle).isEmpty() || draining(idle) ? null : idle;
    }

    /** Why mirroring is paused under {@code snapshot}, or {@code null} when it is not. For reports. */
    String pausedBecause(RoutingSnapshot snapshot) {
        Colour idle = snapshot.idle();
        if (snapshot.environment(idle).isEmpty()) {
            return "the idle pool (" + idle.label() + ") has no backends";
        }
        return draining(idle) ? idle.label() + " is draining since it stopped being live" : null;
    }

    private boolean draining(Colour colour) {
        Drain drain = drains.apply(colour);
        return drain != null && !drain.isDone();
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

    /** The resolved address of {@code backend}, or {@code null} when it is not resolved yet. */
    InetSocketAddress address(Backend backend) {
        return addresses.cached(backend);
    }
}
