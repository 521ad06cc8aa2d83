package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests under way on each backend that has a limit ({@link Backend#maxRequests()}), counted over every event
 * loop of the proxy: an exchange takes a permit when it picks the backend and gives it back when it moves to another
 * backend or ends. A backend without a limit is never asked about: it costs no map lookup and no shared write.
 *
 * <p>A permit is the counter itself, so that it is given back to the counter it was taken from even after the
 * backend left the pools (and its entry the map). Thread-safe and lock-free: one compare-and-set to take a permit,
 * one decrement to give it back.
 */
public final class BackendLoads {

    private final ConcurrentHashMap<Backend, AtomicInteger> underWay = new ConcurrentHashMap<>();

    /**
     * A permit for one more request on {@code backend}, which has a limit.
     *
     * @return the counter to {@linkplain #release give it back to}, or {@code null} when the backend has as many
     *         requests under way as its limit allows
     */
    AtomicInteger tryAcquire(Backend backend) {
        int max = backend.maxRequests();
        AtomicInteger count = underWay.computeIfAbsent(backend, any -> new AtomicInteger());
        for (int now = count.get(); now < max; now = count.get()) {
            if (count.compareAndSet(now, now + 1)) {
                return count;
            }
        }
        return null;
    }

    /** Gives back a permit {@link #tryAcquire} handed out. */
    static void release(AtomicInteger permit) {
        permit.decrementAndGet();
    }

    /** The requests under way on {@code backend}, as far as its limit counts them (0 without a limit). */
    public int underWay(Backend backend) {
        AtomicInteger count = underWay.get(backend);
        return count == null ? 0 : count.get();
    }

    /**
     * Forgets the counts of the backends {@code current} no longer has: a request still under way on one of them
     * gives its permit back to its own counter, which then is garbage.
     */
    public void retainPoolsOf(RoutingSnapshot current) {
        if (underWay.isEmpty()) {
            return;
        }
        Set<Backend> pooled = new HashSet<>();
        for (Colour colour : Colour.values()) {
            pooled.addAll(current.environment(colour).backends());
        }
        underWay.keySet().retainAll(pooled);
    }
}
