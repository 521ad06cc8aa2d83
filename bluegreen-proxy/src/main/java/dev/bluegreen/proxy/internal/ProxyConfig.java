package dev.bluegreen.proxy.internal;

import dev.bluegreen.proxy.internal.routing.SteeringSettings;
import dev.bluegreen.proxy.internal.request.RequestRules;
import dev.bluegreen.proxy.watch.AutoRollback;
import dev.bluegreen.proxy.IoTransport;
import dev.bluegreen.proxy.LoadBalancing;
import dev.bluegreen.proxy.MirrorSettings;
import dev.bluegreen.proxy.Timeouts;
import dev.bluegreen.proxy.internal.health.HealthSettings;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The proxy's settings, validated by {@code BlueGreenProxyBuilder} and immutable afterwards.
 *
 * @param listenAddress       where the proxy accepts client connections (port 0: any free port)
 * @param eventLoopThreads    event-loop threads shared by client and upstream connections
 * @param transport           the I/O transport of those event loops ({@link IoTransport#AUTO}: the best available)
 * @param yieldAfterIo        whether those event loops give up their core after every round of I/O that handled
 *                            something
 * @param timeouts            connect, response, idle, shutdown and drain timeouts
 * @param maxConnectAttempts  how many backends of the pool one request may try to connect to
 * @param loadBalancing       how a request's backend is picked from its pool
 * @param maxQueuedRequests   the most requests waiting at once in each colour's queue for a backend below its limit,
 *                            0 for no limit of its own
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
 * @param nameServers         the DNS servers that resolve backend names, or empty for the system's
 * @param mirror              shadow traffic to the idle colour, or {@code null} when off
 */
public record ProxyConfig(
        InetSocketAddress listenAddress,
        int eventLoopThreads,
        IoTransport transport,
        boolean yieldAfterIo,
        Timeouts timeouts,
        int maxConnectAttempts,
        LoadBalancing loadBalancing,
        int maxQueuedRequests,
        boolean closeClientConnectionsAfterSwitch,
        String routingHeader,
        SteeringSettings steering,
        AutoRollback autoRollback,
        HealthSettings health,
        ProtocolConfig protocols,
        RequestRules requestRules,
        List<InetSocketAddress> nameServers,
        MirrorSettings mirror) {

    /**
     * Checks what one setting's checks cannot see alone.
     *
     * @throws IllegalArgumentException if the affinity cookie is the sticky sessions' or the preview rule's cookie
     */
    public ProxyConfig {
        steering.checkAffinityCookie(loadBalancing);
    }
}
