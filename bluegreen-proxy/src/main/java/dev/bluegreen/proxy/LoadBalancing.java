package dev.bluegreen.proxy;

import dev.bluegreen.core.Backend;
import java.util.Locale;

/**
 * How the proxy picks the backend of the live pool for each request ({@link BlueGreenProxyBuilder#loadBalancing}).
 * Either way a request skips the backends that are unhealthy or ejected, those it already tried and those at their
 * {@linkplain Backend#maxRequests() limit}. Shadow copies of requests ({@link MirrorSettings}) are spread round robin
 * whatever is set here.
 */
public enum LoadBalancing {

    /**
     * Weighted round robin, the default: each backend gets its {@linkplain Backend#weight() weight}'s share of the
     * requests, whatever they cost. The cheapest choice: nothing is shared between event loops for a backend without
     * a limit.
     */
    ROUND_ROBIN,

    /**
     * The backend with the fewest requests under way through this proxy, relative to its weight (requests ÷ weight;
     * backends level on it take turns by weight), counted over every event loop: a backend slowed down by a long
     * request, a pause of its runtime or a slower machine gets fewer new ones, where round robin would keep handing it
     * its share. As HAProxy's {@code balance leastconn} and nginx's {@code least_conn}, counted in requests rather
     * than connections (one HTTP/2 connection carries many). Costs one shared counter update when a request takes a
     * backend and one when it leaves it.
     */
    LEAST_REQUESTS;

    /**
     * The setting named {@code name}, as the runner's {@code --load-balancing} and the starter's property spell it:
     * {@code round-robin} or {@code least-requests} ({@code _} for {@code -} too), in any case.
     *
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public static LoadBalancing named(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        return switch (key) {
            case "round-robin" -> ROUND_ROBIN;
            case "least-requests" -> LEAST_REQUESTS;
            default -> throw new IllegalArgumentException("loadBalancing: " + name
                    + " (expected: round-robin or least-requests)");
        };
    }

    /** The name {@link #named} reads back: {@code round-robin} or {@code least-requests}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
