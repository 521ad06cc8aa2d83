package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.internal.ProxyConfig;
import dev.bluegreen.proxy.internal.health.HealthRegistry;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import dev.bluegreen.proxy.internal.routing.Router;
import dev.bluegreen.proxy.internal.upstream.BackendAddresses;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the exchanges of one proxy share, whatever loop they run on. Built once at start, by the listener's wiring;
 * every part is thread-safe.
 *
 * @param config            the proxy's settings
 * @param snapshots         the routing snapshot now (read once per request, when its head arrives)
 * @param router            the colour decision
 * @param health            the backends' health: which to skip, and where outcomes are fed
 * @param addresses         the backends' resolved addresses
 * @param counters          live counts per colour, which drains are judged by
 * @param recorder          where ended exchanges are recorded (read once per exchange: recorders are added at start)
 * @param liveColourChanges how many times the live colour changed since the proxy started
 */
public record ExchangeServices(
        ProxyConfig config,
        Supplier<RoutingSnapshot> snapshots,
        Router router,
        HealthRegistry health,
        BackendAddresses addresses,
        ProxyCounters counters,
        Supplier<ProxyRecorder> recorder,
        LongSupplier liveColourChanges) {
}
