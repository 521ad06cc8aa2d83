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
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@value MeterNames#BACKEND_HEALTH} gauge per backend per colour: 1 healthy, 0 unhealthy or ejected, -1 not
 * checked; and for a backend with a limit of requests under way, or every backend with least-requests balancing, a
 * {@value MeterNames#BACKEND_REQUESTS} gauge of them.
 * Pools change with deployments, so the gauges follow the changes: a new backend's is registered once
 * (registering a gauge the registry has already makes Micrometer log a warning, and most changes are switches that
 * bring no new backend), and a backend's that left its colour's pool is removed, so that deployments don't pile up
 * series of backends that are gone. A deployment may keep a backend's id and change the rest (its weight, its limit,
 * or the address behind a name): its gauges are registered again for the new record, which reads the server's health
 * and count: kept for a new weight or limit (the same server), afresh for a new address, whose health the checks track
 * from the start (the old record's gauge would else show -1 for good). A limit set or removed adds or drops its
 * requests gauge.
 */
public final class BackendHealthGauges implements ChangeListener {

    private final BlueGreenProxy proxy;
    private final MeterRegistry registry;
    /** The gauges registered, by colour and backend id, with the backend each reads. */
    private final Map<String, Registered> registered = new ConcurrentHashMap<>();

    /** The gauges of one backend: its health, and its requests under way ({@code null} when they are not counted). */
    private record Registered(Backend backend, Gauge health, Gauge requests) {

        void removeFrom(MeterRegistry registry) {
            registry.remove(health);
            if (requests != null) {
                registry.remove(requests);
            }
        }
    }

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
        Set<String> current = new HashSet<>();
        for (Colour colour : Colour.values()) {
            for (Backend backend : snapshot.environment(colour).backends()) {
                String key = colour.label() + ' ' + backend.id();
                current.add(key);
                registered.compute(key, (k, old) -> {
                    if (old != null && old.backend().equals(backend)) {
                        return old;
                    }
                    if (old != null) {
                        // Same name and tags: the registry would hand back the old gauge unless it is gone first.
                        old.removeFrom(registry);
                    }
                    return new Registered(backend, register(colour, backend),
                            countsRequests(backend) ? registerRequests(colour, backend) : null);
                });
            }
        }
        registered.entrySet().removeIf(entry -> {
            if (current.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().removeFrom(registry);
            return true;
        });
    }

    private Gauge register(Colour colour, Backend backend) {
        return Gauge.builder(MeterNames.BACKEND_HEALTH, proxy, p -> value(p.health(colour, backend)))
                .description("Backend health: 1 healthy, 0 unhealthy or ejected, -1 not checked")
                .tags(MeterNames.COLOUR, colour.label(), MeterNames.BACKEND, backend.id())
                .register(registry);
    }

    private boolean countsRequests(Backend backend) {
        return backend.maxRequests() > 0 || proxy.loadBalancing().isLeastRequests();
    }

    private Gauge registerRequests(Colour colour, Backend backend) {
        return Gauge.builder(MeterNames.BACKEND_REQUESTS, proxy, p -> p.requestsUnderWay(backend))
                .description("Requests under way on a backend, as its limit or least-requests balancing counts them")
                .tags(MeterNames.COLOUR, colour.label(), MeterNames.BACKEND, backend.id())
                .register(registry);
    }

    private static double value(BackendHealth health) {
        if (health.ejected() || health.state() == HealthState.UNHEALTHY) {
            return 0;
        }
        return health.state() == HealthState.HEALTHY ? 1 : -1;
    }
}
