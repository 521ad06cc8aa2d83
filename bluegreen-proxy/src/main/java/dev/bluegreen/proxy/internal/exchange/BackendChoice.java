package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.proxy.internal.exchange.BackendLoads.Permits;
import dev.bluegreen.proxy.internal.routing.AffinityCookie;
import dev.bluegreen.proxy.internal.routing.Rendezvous;
import dev.bluegreen.proxy.internal.routing.RequestHashKey;
import dev.bluegreen.proxy.internal.routing.RoundRobin;
import dev.bluegreen.proxy.internal.routing.Route;
import dev.bluegreen.proxy.internal.routing.ServerIdentity;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Which backend one exchange tries next: round robin over the pool of its colour from the loop's position,
 * {@link LeastRequests}, or {@link Rendezvous} hashing of the request's key, skipping the backends it already tried,
 * those unhealthy or ejected and those at their limit of requests under way ({@link BackendLoads}: the choice holds
 * the permit of the backend it picked, when it is counted, until the next pick or {@link #release}; or one
 * {@linkplain #take granted} from the queue), for at most {@code maxConnectAttempts} tries; and, when none took the
 * request, the safety net's move to the previous live colour (once, right after a switch). Holds the colour the
 * exchange is pinned to: only the safety net may change it, before anything was sent. {@link #reset} readies it for
 * each request its exchange serves.
 */
final class BackendChoice {

    private final LoopContext loop;

    // The request under way's: reset() sets every field below.

    private Route route;
    private Environment environment;
    /** The request's key for a consistent hash, or {@link RequestHashKey#NONE}: round robin (or least requests). */
    private long key;
    /** The token of the backend the request's affinity cookie names, or {@link AffinityCookie#NONE}. */
    private long affinity;
    private int attempts;
    private long tried;
    /** The backends of {@link #tried} that were passed over for being at their limit, not tried. */
    private long full;
    private boolean noHealthyBackend;
    private boolean allAtLimit;
    /** The permit of the backend picked last, when it is counted; {@code null} otherwise. */
    private Permits permit;
    /**
     * What the masks hold for the backends past a pool's 64th; {@code null} until a pool that large is seen, then
     * kept (and cleared) for every request: one field, so that an exchange is no larger for the pools of 64 or less.
     */
    private BeyondTheMask beyond;

    /**
     * {@link #tried} and {@link #full} past the 64th backend, by index, and those of them unhealthy or ejected at the
     * request's last look at its pool: which of those backends are out of the pick.
     */
    private static final class BeyondTheMask implements IntPredicate {

        final BitSet tried = new BitSet();
        final BitSet full = new BitSet();
        final BitSet unusable = new BitSet();

        void clear() {
            tried.clear();
            full.clear();
            unusable.clear();
        }

        /** Notes which backends of {@code backends} past the 64th are unhealthy or ejected now, once per look. */
        void lookAt(ExchangeServices services, Colour colour, List<Backend> backends) {
            unusable.clear();
            if (services.config().health().tracksHealth()) {
                for (int i = Long.SIZE; i < backends.size(); i++) {
                    if (!services.health().usable(colour, backends.get(i))) {
                        unusable.set(i);
                    }
                }
            }
        }

        /** Whether backend {@code index} is out of the pick: tried (or found at its limit), unhealthy or ejected. */
        @Override
        public boolean test(int index) {
            return tried.get(index) || unusable.get(index);
        }
    }

    BackendChoice(LoopContext loop) {
        this.loop = loop;
    }

    /**
     * Starts the choice for a new request, routed by {@code route} to {@code environment}, its colour's pool, with
     * {@code key} ({@link RequestHashKey}) to hash, or {@link RequestHashKey#NONE}, and the token of the backend its
     * {@link AffinityCookie} asks for, or {@link AffinityCookie#NONE}.
     */
    void reset(Route route, Environment environment, long key, long affinity) {
        release();
        this.route = route;
        this.environment = environment;
        this.key = key;
        this.affinity = affinity;
        attempts = 0;
        tried = 0;
        full = 0;
        clearBeyondTheMask();
        noHealthyBackend = false;
        allAtLimit = false;
    }

    private void clearBeyondTheMask() {
        if (beyond != null) {
            beyond.clear();
        }
    }

    /** Gives back the permit of the backend picked last, if it holds one: the exchange ended, or moves on. */
    void release() {
        Permits held = permit;
        if (held != null) {
            permit = null;
            loop.services().loads().release(held);
        }
    }

    /**
     * Makes the backends the last {@link #next()} passed over for being at their limit eligible again, for a look
     * after the request joined the queue.
     */
    void reconsiderFull() {
        tried &= ~full;
        full = 0;
        if (beyond != null) {
            beyond.tried.andNot(beyond.full);
            beyond.full.clear();
        }
    }

    /**
     * Takes the backend of a permit granted from the queue as the next one tried, holding the permit as
     * {@link #next()} holds one it took.
     */
    Backend take(Permits granted) {
        release();
        permit = granted;
        // The permit's record is the pools' now, perhaps of another weight or limit: the pool's is the one tried.
        int index = ServerIdentity.indexIn(environment.backends(), granted.backend());
        if (index >= 0) {
            tried = RoundRobin.markTried(tried, index);
            // Tried now, no longer merely passed over: if it fails, it is not waited for again.
            full &= ~RoundRobin.markTried(0, index);
            if (index >= Long.SIZE && beyond != null) {
                beyond.tried.set(index);
                beyond.full.clear(index);
            }
        }
        attempts++;
        allAtLimit = false;
        return index >= 0 ? environment.backends().get(index) : granted.backend();
    }

    Colour colour() {
        return route.colour();
    }

    Route route() {
        return route;
    }

    Environment environment() {
        return environment;
    }

    /** How many backends were tried on the current colour. */
    int attempts() {
        return attempts;
    }

    /** Whether the last {@link #next()} found no backend because every one of the pool is unhealthy or ejected. */
    boolean noHealthyBackend() {
        return noHealthyBackend;
    }

    /**
     * Whether the last {@link #next()} found no backend because every one left to try is at its limit of requests
     * under way ({@link Backend#maxRequests()}).
     */
    boolean allAtLimit() {
        return allAtLimit;
    }

    /**
     * The next backend to try, its permit taken when it is counted (and the permit of the one before given back), or
     * {@code null} when the attempts are spent or none is left to try.
     */
    Backend next() {
        release();
        noHealthyBackend = false;
        allAtLimit = false;
        List<Backend> backends = environment.backends();
        ExchangeServices services = loop.services();
        if (attempts >= services.config().maxConnectAttempts() || attempts >= backends.size()) {
            return null;
        }
        long unusable = services.config().health().tracksHealth()
                ? services.health().unusableMask(route.colour(), backends) : 0;
        BackendLoads loads = services.loads();
        // A consistent hash keeps its keys by the pool's own weights: no ramp to look up for it.
        int[] weights = services.config().health().slowStarts()
                && (key == RequestHashKey.NONE || loads.countsEveryBackend())
                ? services.health().rampedWeights(route.colour(), backends, loop.rampedWeights(backends.size())) : null;
        int position = loop.nextRoundRobin();
        BeyondTheMask past = backends.size() > Long.SIZE ? beyondTheMask() : null;
        if (past != null) {
            past.lookAt(services, route.colour(), backends);
        }
        // At most one pick per backend, past the masks' 64 too (BeyondTheMask).
        for (int picks = 0; picks < backends.size(); picks++) {
            int index = pick(backends, position, tried | unusable, past, loads, weights);
            if (index < 0) {
                break;
            }
            tried = RoundRobin.markTried(tried, index);
            if (past != null && index >= Long.SIZE) {
                past.tried.set(index);
            }
            Backend backend = backends.get(index);
            if (loads.counts(backend)) {
                permit = loads.tryAcquire(backend);
                if (permit == null) {
                    allAtLimit = true;
                    full = RoundRobin.markTried(full, index);
                    if (past != null && index >= Long.SIZE) {
                        past.full.set(index);
                    }
                    // Each pick looks at every backend left: a walk through a pool all at its limit would cost one
                    // look per backend, n² in all. One pass tells whether any is left with room; if none is, they are
                    // all passed over at once, as the walk would have passed them over one by one.
                    if (picks == 0 && !anyLeftWithRoom(backends, unusable, past, loads)) {
                        passOverAllLeft(backends, unusable, past);
                        break;
                    }
                    continue;
                }
            }
            attempts++;
            allAtLimit = false;
            return backend;
        }
        // Those passed over for being at their limit, in this look or an earlier one, are the ones left to try: a
        // request that found one busy and then had the other refuse it waits for the busy one.
        allAtLimit |= full != 0 || past != null && !past.full.isEmpty();
        noHealthyBackend = attempts == 0 && !allAtLimit;
        return null;
    }

    /**
     * Whether a backend not tried yet, nor unusable (nor {@code past}'s), has room for one more request now: one not
     * counted, or below its limit. A look, not a take: another loop may take the room first, and the walk then goes
     * on as before.
     */
    private boolean anyLeftWithRoom(List<Backend> backends, long unusable, BeyondTheMask past, BackendLoads loads) {
        long excluded = tried | unusable;
        for (int i = 0; i < backends.size(); i++) {
            if (!RoundRobin.isExcluded(excluded, past, i) && loads.hasRoom(backends.get(i))) {
                return true;
            }
        }
        return false;
    }

    /** Marks every backend not tried yet, nor unusable (nor {@code past}'s), as tried and found at its limit. */
    private void passOverAllLeft(List<Backend> backends, long unusable, BeyondTheMask past) {
        int size = backends.size();
        long inPool = size >= Long.SIZE ? -1L : (1L << size) - 1;
        long left = inPool & ~(tried | unusable);
        tried |= left;
        full |= left;
        if (past != null) {
            for (int i = Long.SIZE; i < size; i++) {
                if (!past.test(i)) {
                    past.tried.set(i);
                    past.full.set(i);
                }
            }
        }
    }

    /**
     * One pick among the backends not {@code excluded} (nor {@code past}'s): the one the affinity cookie names if it
     * may be picked, else by the balancing: least requests, the consistent hash of the request's key, or round robin,
     * the first and last by {@code weights} during a slow start ({@code null}: the backends' own). A hash keeps its
     * keys where the pool's own weights put them: ramping them would move keys back and forth.
     */
    private int pick(List<Backend> backends, int position, long excluded, BeyondTheMask past, BackendLoads loads,
                     int[] weights) {
        int asked = affinity != AffinityCookie.NONE ? askedFor(excluded, past) : -1;
        if (asked >= 0) {
            return asked;
        }
        if (loads.countsEveryBackend()) {
            return LeastRequests.pick(backends, position, excluded, past, loads, weights);
        }
        if (key != RequestHashKey.NONE) {
            return Rendezvous.pick(backends, loop.idHashes().of(route.colour(), environment), key, excluded, past);
        }
        return RoundRobin.pick(backends, position, excluded, past, weights);
    }

    /** The index of the backend the affinity cookie names, when it is in the pool and may be picked; else -1. */
    private int askedFor(long excluded, BeyondTheMask past) {
        long[] tokens = loop.idHashes().of(route.colour(), environment);
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == affinity) {
                return RoundRobin.isExcluded(excluded, past, i) ? -1 : i;
            }
        }
        return -1;
    }

    /** The token the request's affinity cookie gave, or {@link AffinityCookie#NONE}. */
    long affinity() {
        return affinity;
    }

    private BeyondTheMask beyondTheMask() {
        if (beyond == null) {
            beyond = new BeyondTheMask();
        }
        return beyond;
    }

    /**
     * The backends of the pool this request tried and left (a connect failed, or a retry moved on), by index in
     * {@link #environment()}'s backends, past the 64th too: not those passed over for being at their limit. A copy,
     * made now: the queue asks it on whichever thread gives a permit back, while this choice, on its own loop, marks
     * and clears its masks for the request's next looks (its {@link BeyondTheMask} sets are no thread's to share).
     */
    IntPredicate failed() {
        long first = tried & ~full;
        if (beyond == null || beyond.tried.isEmpty()) {
            return index -> index < Long.SIZE && (first & 1L << index) != 0;
        }
        BitSet past = (BitSet) beyond.tried.clone();
        past.andNot(beyond.full);
        return index -> index < Long.SIZE ? (first & 1L << index) != 0 : past.get(index);
    }

    /**
     * Whether the route has a colour to fall back to: the previous live one, within the safety net's window, while
     * its drain is open (once a drain has reported its colour empty, nothing new goes there).
     */
    boolean canFallBack() {
        return route.fallback() != null
                && loop.services().router().acceptsNewExchanges(route.fallback().colour());
    }

    /** Moves to the fallback colour, its pool untried. @return the colour given up */
    Colour fallBack() {
        Colour failed = route.colour();
        environment = route.fallback();
        route = route.safetyNet();
        attempts = 0;
        tried = 0;
        full = 0;
        clearBeyondTheMask();
        return failed;
    }
}
