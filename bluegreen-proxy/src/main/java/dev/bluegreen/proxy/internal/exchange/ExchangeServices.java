package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.internal.ProxyConfig;
import dev.bluegreen.proxy.internal.health.HealthRegistry;
import dev.bluegreen.proxy.internal.metrics.FailureLog;
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
 * @param failures          where failed requests are logged, a WARN line per kind and period
 * @param liveColourChanges how many times the live colour changed since the proxy started
 * @param accessLog         where ended exchanges are logged, while it is on
 * @param loads             the requests under way on each backend that has a limit
 */
public record ExchangeServices(
        ProxyConfig config,
        Supplier<RoutingSnapshot> snapshots,
        Router router,
        HealthRegistry health,
        BackendAddresses addresses,
        ProxyCounters counters,
        Supplier<ProxyRecorder> recorder,
        FailureLog failures,
        LongSupplier liveColourChanges,
        AccessLog accessLog,
        BackendLoads loads) {

    /**
     * Counts and records an ended exchange, or a request the proxy answered itself before any exchange began.
     *
     * @param status     its final status, 0 if it was cut short
     * @param fromProxy  whether the proxy answered (502, 503, 504) rather than a backend
     * @param startNanos when its request head arrived ({@link System#nanoTime()})
     * @param byClient   whether it was cut short by its client ({@link ProxyRecorder#exchangeAbandoned})
     * @param awaitingBackend whether the client went while the backend had the whole request and had not answered
     */
    void recordEnd(Colour colour, int status, boolean fromProxy, long startNanos, long requestBytes,
                   long responseBytes, boolean byClient, boolean awaitingBackend) {
        counters.exchangeCounted(colour, status, byClient);
        long durationNanos = System.nanoTime() - startNanos;
        if (byClient) {
            recorder.get().exchangeAbandoned(colour, durationNanos, awaitingBackend, requestBytes, responseBytes);
        } else {
            recorder.get().exchangeEnded(colour, status, fromProxy, durationNanos, requestBytes, responseBytes);
        }
    }
}
