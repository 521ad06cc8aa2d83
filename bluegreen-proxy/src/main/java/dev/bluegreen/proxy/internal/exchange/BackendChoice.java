package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.proxy.internal.routing.RoundRobin;
import dev.bluegreen.proxy.internal.routing.Route;
import java.util.List;

/**
 * Which backend one exchange tries next: round robin over the pool of its colour from the loop's position, skipping
 * the backends it already tried and those unhealthy or ejected, for at most {@code maxConnectAttempts} tries; and,
 * when none took the request, the safety net's move to the previous live colour (once, right after a switch). Holds
 * the colour the exchange is pinned to: only the safety net may change it, before anything was sent. {@link #reset}
 * readies it for each request its exchange serves.
 */
final class BackendChoice {

    private final LoopContext loop;

    // The request under way's: reset() sets every field below.

    private Route route;
    private Environment environment;
    private int attempts;
    private long tried;
    private boolean noHealthyBackend;

    BackendChoice(LoopContext loop) {
        this.loop = loop;
    }

    /** Starts the choice for a new request, routed by {@code route} to {@code environment}, its colour's pool. */
    void reset(Route route, Environment environment) {
        this.route = route;
        this.environment = environment;
        attempts = 0;
        tried = 0;
        noHealthyBackend = false;
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

    /** The next backend to try, or {@code null} when the attempts are spent or none is left to try. */
    Backend next() {
        noHealthyBackend = false;
        List<Backend> backends = environment.backends();
        ExchangeServices services = loop.services();
        if (attempts >= services.config().maxConnectAttempts() || attempts >= backends.size()) {
            return null;
        }
        long unusable = services.config().health().tracksHealth()
                ? services.health().unusableMask(route.colour(), backends) : 0;
        int index = RoundRobin.pick(backends, loop.nextRoundRobin(), tried | unusable);
        if (index < 0) {
            noHealthyBackend = attempts == 0;
            return null;
        }
        tried = RoundRobin.markTried(tried, index);
        attempts++;
        return backends.get(index);
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
        return failed;
    }
}
