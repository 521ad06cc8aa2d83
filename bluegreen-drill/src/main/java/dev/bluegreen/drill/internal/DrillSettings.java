package dev.bluegreen.drill.internal;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.drill.DrillRequest;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.IntPredicate;
import java.util.function.Supplier;

/**
 * What every connection of a drill needs to know. Immutable.
 *
 * @param proxy the drill's proxy
 * @param hostHeader the {@code Host} header to send
 * @param requests the requests to send, in turn; not empty
 * @param requestTimeout how long a response may take before the request counts as failed
 * @param accepted which final statuses count as success
 * @param routingHeader the response header in which the proxy names the colour that served
 * @param routing the routing state now, for the colour of a failure whose response doesn't name it
 * @param startNanos when the drill started, in {@link System#nanoTime()} terms, for the examples' times
 */
public record DrillSettings(InetSocketAddress proxy, String hostHeader, List<DrillRequest> requests,
                            Duration requestTimeout, IntPredicate accepted, String routingHeader,
                            Supplier<RoutingSnapshot> routing, long startNanos) {

    /**
     * Validates the parts.
     *
     * @throws NullPointerException if a part is {@code null}
     * @throws IllegalArgumentException if there are no requests
     */
    public DrillSettings {
        requireNonNull(proxy, "proxy");
        requireNonNull(hostHeader, "hostHeader");
        requests = List.copyOf(requests);
        requireNonNull(requestTimeout, "requestTimeout");
        requireNonNull(accepted, "accepted");
        requireNonNull(routingHeader, "routingHeader");
        requireNonNull(routing, "routing");
        if (requests.isEmpty()) {
            throw new IllegalArgumentException("requests: none (expected: at least one)");
        }
    }

    /**
     * How long a connection waits for a response before it gives up on the request itself: the request timeout,
     * which is also the proxy's response timeout (a silent backend gets its 504, naming the colour), plus the time
     * the proxy may take to notice (its timers run every quarter of the timeout, at most every second) and a second
     * more. Only a request the proxy did not answer at all (or a response that trickles on) lasts that long.
     *
     * @return the request timeout and that slack
     */
    public Duration responseDeadline() {
        return requestTimeout.plusMillis(Math.min(requestTimeout.toMillis() / 4, 1_000) + 1_000);
    }
}
