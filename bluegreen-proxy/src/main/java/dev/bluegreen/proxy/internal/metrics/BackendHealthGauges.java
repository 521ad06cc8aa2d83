package dev.bluegreen.proxy.internal.metrics;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeListener;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.BackendHealth;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.HealthState;
import dev.bluegreen.proxy.MeterNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@value MeterNames#BACKEND_HEALTH} gauge per backend per colour: 1 healthy, 0 unhealthy or ejected, -1 not
 * checked (or no longer in the pool). Pools change with deployments, so the gauges of new backends are registered
 * as the changes come; each one once (registering a gauge the registry has already makes Micrometer log a warning,
 * and most changes are switches that bring no new backend).
 */
public final class BackendHealthGauges implements ChangeListener {

    private final BlueGreenProxy proxy;
    private final MeterRegistry registry;
    private final Set<String> registered = ConcurrentHashMap.newKeySet();

    /** Registers the gauges of the pools of {@code proxy}'s admin object now; add it as a listener for the rest. */
    public BackendHealthGauges(BlueGreenProxy proxy, MeterRegistry registry) {
        this.proxy = proxy;
        this.registry = registry;
        register(proxy.admin().snapshot());
    }

    @Override
    public void onChange(Change change) {
        register(change.current());
    }

    private void register(RoutingSnapshot snapshot) {
        for (Colour colour : Colour.values()) {
            for (Backend backend : snapshot.environment(colour).backends()) {
                if (!registered.add(colour.label() + ' ' + backend.id())) {
                    continue;
                }
                Gauge.builder(MeterNames.BACKEND_HEALTH, proxy, p -> value(p.health(colour, backend)))
                        .description("Backend health: 1 healthy, 0 unhealthy or ejected, -1 not checked")
                        .tags(MeterNames.COLOUR, colour.label(), MeterNames.BACKEND, backend.id())
                        .register(registry);
            }
        }
    }

    private static double value(BackendHealth health) {
        if (health.ejected() || health.state() == HealthState.UNHEALTHY) {
            return 0;
        }
        return health.state() == HealthState.HEALTHY ? 1 : -1;
    }
}
