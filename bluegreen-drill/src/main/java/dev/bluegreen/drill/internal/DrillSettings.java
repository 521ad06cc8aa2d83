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
}
