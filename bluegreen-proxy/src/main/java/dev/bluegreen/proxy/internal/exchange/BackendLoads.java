package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.internal.routing.ServerIdentity;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.Stream;

/**
 * The requests under way on each backend that has a limit ({@link Backend#maxRequests()}), or on every backend with
 * least-requests balancing, counted over every event loop of the proxy; and the queue of requests that found every
 * backend of their pool at its limit: an exchange takes a permit when it picks the backend and gives it back when it
 * moves to another backend or ends, and a permit given back goes to the first request in the queue that can use it
 * before anyone else may take it. With round robin, a backend without a limit is never asked about: it costs no map
 * lookup and no shared write.
 *
 * <p>A counter is the server's ({@link ServerIdentity}: the backend's id and address), not the backend record's: a
 * redeploy that changes only a backend's weight or limit keeps its count, and the new limit applies to the requests
 * already under way on it. A permit is the counter itself ({@link Permits}), so that it is given back to the counter it
 * was taken from even after the backend left the pools (and its entry the map). Thread-safe and lock-free: one
 * compare-and-set to take a permit, one decrement and one volatile read to give it back while nobody waits.
 */
public final class BackendLoads {

    /** How many waiting requests of a colour a permit given back is offered to, at most. */
    private static final int LOOK_AHEAD = 16;
    /** How many more withdrawn requests than waiting ones the queues may hold before they are swept. */
    private static final int SWEEP_SLACK = 64;

    /**
     * The count of requests under way on one server; a permit is a reference to it. A counter dropped from the map
     * is retired first ({@link #retire}): a request that looked it up just before then takes no permit of it, and
     * looks again, rather than holding a permit of a counter that the backend, added back, no longer counts with.
     */
    static final class Permits extends AtomicInteger {

        /** The count of a retired counter: so far below 0 that no number of takes brings it back up. */
        private static final int RETIRED = Integer.MIN_VALUE;

        /** The server's record in the pools now ({@link #follow}): its limit is the one that applies. */
        private volatile Backend backend;

        private Permits(Backend backend) {
            this.backend = backend;
        }

        /** The server's backend record as the pools have it now, of the weight and limit a redeploy gave it last. */
        Backend backend() {
            return backend;
        }

        /** The pools now have the server as {@code current}: its limit applies from the next take on. */
        void follow(Backend current) {
            backend = current;
        }

        /**
         * Takes one permit if the backend is below its limit; always, counting it, for a backend without one; never
         * from a {@linkplain #retired retired} counter.
         */
        boolean tryTake() {
            int max = backend.maxRequests();
            if (max == 0) {
                // A retired counter's count stays negative: the take is garbage, as the counter is.
                return getAndIncrement() >= 0;
            }
            for (int now = get(); now >= 0 && now < max; now = get()) {
                if (compareAndSet(now, now + 1)) {
                    return true;
                }
            }
            return false;
        }

        /** Whether a {@link #tryTake} would take a permit now: no limit, or below it, and not retired. */
        boolean hasRoom() {
            int max = backend.maxRequests();
            int now = get();
            return now >= 0 && (max == 0 || now < max);
        }

        /** Retires the counter if no request is under way on it. @return whether it did */
        boolean retire() {
            return compareAndSet(0, RETIRED);
        }

        /** Whether it was {@linkplain #retire retired}: it is out of the map, or about to be. */
        boolean retired() {
            return get() < 0;
        }

        /** The requests under way on it: 0 once retired. */
        int requests() {
            return Math.max(0, get());
        }
    }

    /** Whether the backends without a limit are counted too: least-requests balancing compares every backend. */
    private final boolean countsEveryBackend;
    /** The counters, one per server of the pools (and one per server left with requests still under way). */
    private final ConcurrentHashMap<ServerIdentity, Permits> underWay = new ConcurrentHashMap<>();
    /**
     * Each backend record of the pools as {@link #retainPoolsOf} saw them last, to its server's counter: what the
     * request path looks up, as a record it has in hand needs no key made. A record it misses (routed by a routing
     * state older or newer than that) is looked up by its server.
     */
    private final ConcurrentHashMap<Backend, Permits> byRecord = new ConcurrentHashMap<>();
    /**
     * The requests waiting for a permit, a queue per colour, each first come first served. A request is in its queue
     * from before its last look at its pool until it is granted or withdrawn, so that a permit given back after that
     * look finds it here. Per colour, so that a permit of one pool does not walk past the other's waiting requests.
     */
    private final List<ConcurrentLinkedQueue<QueuedRequest>> queues = Stream.of(Colour.values())
            .map(colour -> new ConcurrentLinkedQueue<QueuedRequest>()).toList();
    /**
     * The requests waiting for each colour's pool: in its queue, and neither granted nor withdrawn. Their sum is
     * {@link #queued()}.
     */
    private final AtomicIntegerArray waitingFor = new AtomicIntegerArray(Colour.values().length);
    /** The most requests that may wait for one colour at once; 0 for no limit. */
    private final int maxQueuedPerColour;
    /**
     * Requests withdrawn since the last sweep, an upper bound of those still linked in the queues: a withdrawn request
     * is unlinked when a scan passes it, or by the sweep, never by a search of its own (removing a request that left
     * from the middle of a long queue, as a client's reset stream does, would walk the queue).
     */
    private final AtomicInteger withdrawnSinceSweep = new AtomicInteger();
    /** The routing state {@link #retainPoolsOf} saw last, for the pool each colour has now; {@code null} before. */
    private volatile RoutingSnapshot pools;

    /**
     * @param countsEveryBackend whether the requests under way on backends without a limit are counted too, for
     *                           least-requests balancing
     * @param maxQueuedPerColour the most requests that may wait in one colour's queue at once, 0 for no limit
     */
    public BackendLoads(boolean countsEveryBackend, int maxQueuedPerColour) {
        this.countsEveryBackend = countsEveryBackend;
        this.maxQueuedPerColour = maxQueuedPerColour;
    }

    /** Whether an exchange takes a permit of {@code backend} when it picks it: it has a limit, or every one counts. */
    boolean counts(Backend backend) {
        return countsEveryBackend || backend.maxRequests() > 0;
    }

    /** Whether every backend is counted: least-requests balancing. */
    boolean countsEveryBackend() {
        return countsEveryBackend;
    }

    /**
     * A permit for one more request on {@code backend}, which {@linkplain #counts counts}.
     *
     * @return the counter to {@linkplain #release give it back to}, or {@code null} when the backend has as many
     *         requests under way as its limit allows
     */
    Permits tryAcquire(Backend backend) {
        while (true) {
            Permits permits = byRecord.get(backend);
            if (permits == null || permits.retired()) {
                permits = underWay.computeIfAbsent(ServerIdentity.of(backend), server -> new Permits(backend));
            }
            if (permits.tryTake()) {
                return permits;
            }
            if (!permits.retired()) {
                return null;
            }
            // Dropped by retainPoolsOf after the lookup: the server's count, if it has one, is the map's now.
            underWay.remove(ServerIdentity.of(backend), permits);
        }
    }

    /**
     * Whether {@link #tryAcquire} would give a permit of {@code backend} now: it is not counted, or its server is below
     * its limit (or has no counter yet, or a retired one: a fresh count then starts). A look, without a take.
     */
    boolean hasRoom(Backend backend) {
        if (!counts(backend)) {
            return true;
        }
        Permits permits = counterOf(backend);
        return permits == null || permits.retired() || permits.hasRoom();
    }

    /** The counter of {@code backend}'s server, or {@code null} when it has none. */
    private Permits counterOf(Backend backend) {
        Permits permits = byRecord.get(backend);
        return permits != null && !permits.retired() ? permits : underWay.get(ServerIdentity.of(backend));
    }

    /**
     * Gives back a permit {@link #tryAcquire} (or a grant) handed out. When requests wait, the permit goes straight to
     * the first one that can use it; else it is given back, and then the queue is looked at once more: a request
     * that joined it between the first look and the decrement may have found the backend full just before.
     */
    void release(Permits permit) {
        if (anyWaiting() && handOver(permit)) {
            return;
        }
        permit.decrementAndGet();
        if (anyWaiting() && permit.tryTake() && !handOver(permit)) {
            permit.decrementAndGet();
        }
    }

    /**
     * Offers the free permits of every backend with a limit to the waiting requests: a backend that became usable
     * again while they waited (its ejection over, a health check passed) gives no permit back to announce it, and
     * they would else wait out their timeout while newcomers took its permits. Every backend of the pools has its
     * counter ({@link #retainPoolsOf}), one that no request picked yet (unhealthy from the start) too, and one without
     * a limit too: its permits never run out, so each waiting request that can use it is sent there. Run now and then
     * on one event loop; nothing to do while nobody waits.
     */
    public void offerFreePermits() {
        if (!anyWaiting()) {
            return;
        }
        for (Permits permits : underWay.values()) {
            while (anyWaiting() && permits.tryTake()) {
                if (!handOver(permits)) {
                    release(permits);
                    break;
                }
            }
        }
    }

    private boolean anyWaiting() {
        for (ConcurrentLinkedQueue<QueuedRequest> queue : queues) {
            if (!queue.isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives the permit {@code permit}, held by the caller, to the first waiting request that can use it: blue's queue
     * first, when a backend is in both pools.
     */
    private boolean handOver(Permits permit) {
        for (ConcurrentLinkedQueue<QueuedRequest> queue : queues) {
            if (handOver(queue, permit)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Looks at the first {@value #LOOK_AHEAD} requests of {@code queue} at most: they wait for the same pool, so one
     * that can't use the backend (unhealthy, or of the other pool) means the ones behind it most likely can't either,
     * and a permit given back must not walk a long queue. A request routed before its colour's pool was redeployed
     * is passed over uncounted when the backend is not of its pool: it says nothing of those of the new pool behind
     * it, which would else wait out their timeout while their backend's permits went to newcomers. Such requests are
     * walked past only until they leave (their queue timeout at most).
     */
    private boolean handOver(ConcurrentLinkedQueue<QueuedRequest> queue, Permits permit) {
        RoutingSnapshot current = pools;
        int looked = 0;
        for (Iterator<QueuedRequest> requests = queue.iterator(); requests.hasNext() && looked < LOOK_AHEAD; ) {
            QueuedRequest request = requests.next();
            if (request.hasLeft()) {
                requests.remove();
                continue;
            }
            if (current != null && !request.waitsFor(permit.backend())
                    && !request.pool().equals(current.environment(request.colour()).backends())) {
                continue;
            }
            looked++;
            if (request.accepts(permit.backend()) && request.claim()) {
                stoppedWaiting(request);
                requests.remove();
                if (request.deliver(permit)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Puts {@code request} at the end of its colour's queue, unless as many requests as the limit allows wait there
     * already. The caller tries its pool once more afterwards (a permit may have come back in between) and
     * {@linkplain #withdraw withdraws} it if that succeeds.
     *
     * @return {@code false} when the queue is full: the request is not in it
     */
    boolean enqueue(QueuedRequest request) {
        int colour = request.colour().ordinal();
        int limit = maxQueuedPerColour == 0 ? Integer.MAX_VALUE : maxQueuedPerColour;
        int now;
        do {
            now = waitingFor.get(colour);
            if (now >= limit) {
                return false;
            }
        } while (!waitingFor.compareAndSet(colour, now, now + 1));
        queues.get(colour).add(request);
        return true;
    }

    private void stoppedWaiting(QueuedRequest request) {
        waitingFor.decrementAndGet(request.colour().ordinal());
    }

    /**
     * Takes {@code request} out of the queue: it timed out, or its exchange ended or found a backend itself.
     *
     * @return {@code false} when a permit was granted to it first: the grant is on its way to its event loop
     */
    boolean withdraw(QueuedRequest request) {
        if (!request.withdraw()) {
            return false;
        }
        stoppedWaiting(request);
        if (withdrawnSinceSweep.incrementAndGet() > queued() + SWEEP_SLACK) {
            // At least half of what the queues hold has left: one walk unlinks it all, paid for by as many leavers.
            withdrawnSinceSweep.set(0);
            for (ConcurrentLinkedQueue<QueuedRequest> queue : queues) {
                queue.removeIf(QueuedRequest::hasLeft);
            }
        }
        return true;
    }

    /** The requests the queues still hold, withdrawn ones not yet unlinked among them (walks the queues). */
    int linked() {
        int linked = 0;
        for (ConcurrentLinkedQueue<QueuedRequest> queue : queues) {
            linked += queue.size();
        }
        return linked;
    }

    /** The requests waiting in the queue, over both pools. */
    public int queued() {
        int waiting = 0;
        for (int colour = 0; colour < waitingFor.length(); colour++) {
            waiting += waitingFor.get(colour);
        }
        return Math.max(0, waiting);
    }

    /** The most requests that may wait in one colour's queue at once; 0 for no limit. */
    int maxQueuedPerColour() {
        return maxQueuedPerColour;
    }

    /**
     * The requests under way on {@code backend}, as far as they are counted: with a limit, or with least-requests
     * balancing (else 0).
     */
    public int underWay(Backend backend) {
        return counts(backend) ? requestsOn(backend) : 0;
    }

    /** The requests under way on {@code backend}'s server that hold a permit of its counter. */
    int requestsOn(Backend backend) {
        Permits count = counterOf(backend);
        return count == null ? 0 : count.requests();
    }

    /**
     * Follows the pools of {@code current}, the routing state now: every server of them gets its counter (so that
     * {@link #offerFreePermits} finds one that no request picked yet), of the limit its record has now, and the
     * counters of the servers {@code current} no longer has are dropped once no request is under way on them: one
     * still under way keeps its server's count, so that the backend, added back by a quick redeploy, does not get more
     * than its limit. Requests waiting for a pool that was replaced wait on for a backend of the pool they were routed
     * to, until their queue timeout.
     */
    public void retainPoolsOf(RoutingSnapshot current) {
        pools = current;
        Map<ServerIdentity, Backend> servers = new HashMap<>();
        Set<Backend> records = new HashSet<>();
        for (Colour colour : Colour.values()) {
            for (Backend backend : current.environment(colour).backends()) {
                records.add(backend);
                servers.merge(ServerIdentity.of(backend), backend, BackendLoads::stricter);
            }
        }
        Map<ServerIdentity, Permits> counters = new HashMap<>();
        servers.forEach((server, backend) -> {
            Permits permits = underWay.computeIfAbsent(server, key -> new Permits(backend));
            permits.follow(backend);
            counters.put(server, permits);
        });
        for (Backend record : records) {
            byRecord.put(record, counters.get(ServerIdentity.of(record)));
        }
        byRecord.keySet().retainAll(records);
        // Retired before it is dropped, so that no request takes a permit of it in between.
        underWay.entrySet().removeIf(entry -> !servers.containsKey(entry.getKey()) && entry.getValue().retire());
    }

    /**
     * Of two records of one server (both pools have it), the one of the lower limit, 0 being none: the server takes no
     * more requests than either pool's settings allow it.
     */
    private static Backend stricter(Backend one, Backend other) {
        int limit = one.maxRequests();
        int otherLimit = other.maxRequests();
        return otherLimit != 0 && (limit == 0 || otherLimit < limit) ? other : one;
    }
}
