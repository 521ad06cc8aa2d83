package dev.bluegreen.proxy.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.internal.exchange.BackendLoads.Permits;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The counter of a backend a deploy removed is dropped only at 0, and never while a request takes a permit of it:
 * else that request holds a permit of a counter no longer in the map, and the backend, added back, gets a fresh count
 * that does not see it (one request more than its limit).
 */
class BackendLoadsRetirementTest {

    private final BackendLoads loads = new BackendLoads(false, 0);
    private final Backend limited = Backend.of("10.0.0.1", 8080).withMaxRequests(1);
    private final Backend other = Backend.of("10.0.0.2", 8080);

    private void greenPoolIs(Backend... backends) {
        loads.retainPoolsOf(RoutingSnapshot.initial(Colour.GREEN, Environment.empty(Colour.BLUE),
                Environment.of(Colour.GREEN, "v", List.of(backends)), Instant.EPOCH));
    }

    @Test
    void aPermitTakenWhileADeployDropsTheCounter_isStillCounted_whenTheBackendComesBack() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        // Requests routed before and after the deploys keep taking the backend (limit 1) and giving it back.
        Runnable requests = () -> {
            while (!stop.get()) {
                Permits permit = loads.tryAcquire(limited);
                if (permit != null) {
                    mostAtOnce.accumulateAndGet(holding.incrementAndGet(), Math::max);
                    holding.decrementAndGet();
                    loads.release(permit);
                }
            }
        };
        CompletableFuture<Void> first = CompletableFuture.runAsync(requests);
        CompletableFuture<Void> second = CompletableFuture.runAsync(requests);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        try {
            // Quick redeploys: the backend leaves the pools and comes back, over and over.
            while (mostAtOnce.get() <= 1 && System.nanoTime() - deadline < 0) {
                greenPoolIs(other);
                greenPoolIs(limited, other);
            }
        } finally {
            stop.set(true);
            first.get(10, TimeUnit.SECONDS);
            second.get(10, TimeUnit.SECONDS);
        }

        assertThat(mostAtOnce.get()).as("requests on a backend with a limit of 1, at once").isOne();
        assertThat(loads.underWay(limited)).isZero();
    }
}
