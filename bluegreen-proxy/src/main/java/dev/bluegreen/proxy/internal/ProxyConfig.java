package dev.bluegreen.proxy.internal;

import dev.bluegreen.proxy.internal.routing.SteeringSettings;
import dev.bluegreen.proxy.internal.request.RequestRules;
import dev.bluegreen.proxy.AutoRollback;
import dev.bluegreen.proxy.internal.health.HealthSettings;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The proxy's settings, validated by {@code BlueGreenProxy.Builder} and immutable afterwards.
 *
 * @param listenAddress       where the proxy accepts client connections (port 0: any free port)
 * @param eventLoopThreads    event-loop threads shared by client and upstream connections
 * @param connectTimeout      how long one upstream connect may take before the next backend is tried
 * @param responseTimeout     how long the upstream may stay silent, once the request is sent, before 504
 * @param idleTimeout         how long a client keep-alive connection may sit between requests
 * @param upstreamIdleTimeout how long a pooled upstream connection may sit unused before it is closed
 * @param maxConnectAttempts  how many backends of the pool one request may try to connect to
 * @param shutdownGracePeriod how long {@code stop()} lets in-flight exchanges finish
 * @param drainTimeout        how long a colour that stopped being live may keep exchanges and connections open
 * @param closeClientConnectionsAfterSwitch whether a client connection opened before a switch gets
 *                            {@code Connection: close} on its next response
 * @param routingHeader       the response header naming the colour and generation that served a request, or
 *                            {@code null} for none
 * @param steering            preview traffic, sticky sessions and the safety net (each off unless set)
 * @param autoRollback        the rules of the watch after a switch and of shift plans, or {@code null} when off
 * @param health              active checks, passive ejection, the healthy-target guard and pre-warm
 * @param protocols           TLS on the listener and to the backends, and HTTP/2 towards clients
 * @param requestRules        what the proxy accepts from clients and how it forwards their requests: limits,
 *                            timeouts, the {@code Host} allow-list and the forwarding-header policy
 */
public record ProxyConfig(
        InetSocketAddress listenAddress,
        int eventLoopThreads,
        Duration connectTimeout,
        Duration responseTimeout,
        Duration idleTimeout,
        Duration upstreamIdleTimeout,
        int maxConnectAttempts,
        Duration shutdownGracePeriod,
        Duration drainTimeout,
        boolean closeClientConnectionsAfterSwitch,
        String routingHeader,
        SteeringSettings steering,
        AutoRollback autoRollback,
        HealthSettings health,
        ProtocolConfig protocols,
        RequestRules requestRules) {
}
