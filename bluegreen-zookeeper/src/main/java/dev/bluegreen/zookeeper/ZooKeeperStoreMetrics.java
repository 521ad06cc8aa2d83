package dev.bluegreen.zookeeper;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Fleet;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Micrometer meters for a {@link ZooKeeperRoutingStore}: whether the instance is connected, the generation it
 * serves, and what its fleet view shows. Every meter is tagged {@value #INSTANCE} with the store's instance id.
 *
 * <ul>
 *   <li>{@value #CONNECTED} (gauge): 1 while connected to ZooKeeper, 0 while degraded (serving the last snapshot,
 *       refusing changes); alert on 0.</li>
 *   <li>{@value #DISCONNECTIONS} (counter): times the connection was suspended or lost.</li>
 *   <li>{@value #GENERATION} (gauge): the routing generation this instance serves.</li>
 *   <li>{@value #FLEET_INSTANCES} (gauge, tag {@value #REACHABLE} {@code true}/{@code false}): instances in the fleet
 *       view.</li>
 *   <li>{@value #FLEET_BEHIND} (gauge): reachable instances serving an older generation than this one.</li>
 * </ul>
 *
 * <p>Micrometer is an optional dependency of this module: only an application that binds these meters needs it on
 * its class path. {@code ZooKeeperStoreMetrics.of(store).bindTo(registry)}, with the store from
 * {@link ZooKeeperRoutingStore.Factory#store()}. Gauges hold the store strongly and read it when scraped; the fleet
 * gauges build a fleet view per scrape.
 */
public final class ZooKeeperStoreMetrics implements MeterBinder {

    /** Gauge: 1 connected, 0 not. */
    public static final String CONNECTED = "bluegreen.store.connected";
    /** Counter: connection suspensions and losses. */
    public static final String DISCONNECTIONS = "bluegreen.store.disconnections";
    /** Gauge: the generation served. */
    public static final String GENERATION = "bluegreen.store.generation";
    /** Gauge: instances in the fleet view. Tag {@link #REACHABLE}. */
    public static final String FLEET_INSTANCES = "bluegreen.fleet.instances";
    /** Gauge: reachable instances behind this one. */
    public static final String FLEET_BEHIND = "bluegreen.fleet.behind";

    /** Tag: the instance id. */
    public static final String INSTANCE = "instance";
    /** Tag: {@code true} or {@code false}. */
    public static final String REACHABLE = "reachable";

    private final ZooKeeperRoutingStore store;

    private ZooKeeperStoreMetrics(ZooKeeperRoutingStore store) {
        this.store = store;
    }

    /**
     * Meters for {@code store}.
     *
     * @param store the store
     * @return the binder
     * @throws NullPointerException if {@code store} is {@code null}
     */
    public static ZooKeeperStoreMetrics of(ZooKeeperRoutingStore store) {
        return new ZooKeeperStoreMetrics(requireNonNull(store, "store"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        requireNonNull(registry, "registry");
        Tags tags = Tags.of(INSTANCE, store.instanceId());
        Fleet fleet = store.fleet().orElseThrow();
        Gauge.builder(CONNECTED, store, s -> s.isConnected() ? 1 : 0)
                .description("1 while connected to ZooKeeper, 0 while serving the last snapshot and refusing changes")
                .tags(tags).strongReference(true).register(registry);
        FunctionCounter.builder(DISCONNECTIONS, store, ZooKeeperRoutingStore::disconnections)
                .description("times the ZooKeeper connection was suspended or lost")
                .tags(tags).register(registry);
        Gauge.builder(GENERATION, store, s -> s.current().generation())
                .description("the routing generation this instance serves")
                .tags(tags).strongReference(true).register(registry);
        Gauge.builder(FLEET_INSTANCES, fleet, f -> f.status().reachable().size())
                .description("instances in the fleet view")
                .tags(tags).tag(REACHABLE, "true").strongReference(true).register(registry);
        Gauge.builder(FLEET_INSTANCES, fleet, f -> f.status().unreachable().size())
                .description("instances in the fleet view")
                .tags(tags).tag(REACHABLE, "false").strongReference(true).register(registry);
        Gauge.builder(FLEET_BEHIND, store, s -> fleet.status().behind(s.current().generation()).size())
                .description("reachable instances serving an older generation than this one")
                .tags(tags).strongReference(true).register(registry);
    }
}
