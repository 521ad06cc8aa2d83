package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.proxy.internal.ListenAddresses;
import dev.bluegreen.proxy.internal.ProtocolConfig;
import dev.bluegreen.proxy.internal.ServerTls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks of {@link BlueGreenProxyBuilder} options that need more than a range, and the protocol settings made from
 * several of them (where TLS contexts are made, and may fail), kept here so that the builder stays a short list of
 * settings.
 */
final class BuilderChecks {

    /**
     * Response fields a routing header must not be: the proxy <em>sets</em> it on every response, replacing what the
     * backend sent, so one of these would break the response's framing or connection handling (RFC 9112 §6,
     * RFC 9110 §7.6.1), or drop what the client relies on (lower case).
     */
    private static final Set<String> RESPONSE_FIELDS = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "upgrade", "te", "trailer", "via", "content-type", "content-encoding",
            "content-range", "set-cookie", "location", "www-authenticate", "proxy-authenticate", "retry-after");

    private BuilderChecks() {
    }

    /**
     * The routing header's name, checked.
     *
     * @param name a header name
     * @return {@code name}
     * @throws NullPointerException if {@code name} is {@code null}
     * @throws IllegalArgumentException if it is not a token or is a field that frames the response, manages the
     *         connection or that clients rely on
     */
    static String routingHeader(String name) {
        String checked = PreviewRule.token("routingHeader", name);
        if (RESPONSE_FIELDS.contains(checked.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("routingHeader: '" + name + "' (expected: a header of its own, such as"
                    + " X-BlueGreen, not one that frames the response, manages the connection or that clients rely"
                    + " on: the proxy replaces the backend's field of that name on every response)");
        }
        return checked;
    }

    /**
     * Checks that the preview listener does not take the main listener's port: both would be bound at start, and the
     * second bind fail with a bare "Address already in use" that names neither setting.
     *
     * @param listen the main listener's address
     * @param preview the preview listener's address, or {@code null} for none
     * @throws IllegalArgumentException if both name the same non-zero port on the same address, or one of them
     *         listens on every address
     */
    static void distinctListeners(InetSocketAddress listen, InetSocketAddress preview) {
        if (preview == null || preview.getPort() == 0 || preview.getPort() != listen.getPort()) {
            return;
        }
        boolean overlap = preview.isUnresolved() || listen.isUnresolved()
                ? preview.getHostString().equalsIgnoreCase(listen.getHostString())
                : preview.getAddress().equals(listen.getAddress()) || preview.getAddress().isAnyLocalAddress()
                        || listen.getAddress().isAnyLocalAddress();
        if (overlap) {
            throw new IllegalArgumentException("previewListen: " + ListenAddresses.hostAndPort(preview)
                    + " (expected: a port other than listen's " + ListenAddresses.hostAndPort(listen) + ")");
        }
    }

    /**
     * Checks a whole-number setting against its range.
     *
     * @param name the setting, as the exception names it
     * @return {@code value}
     * @throws IllegalArgumentException naming the setting, the value and the range if it is outside {@code min-max}
     */
    static int range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: " + min + "-" + max + ")");
        }
        return value;
    }

    /**
     * Checks a share of a pool.
     *
     * @return {@code share}
     * @throws IllegalArgumentException naming the setting and the value if it is not above 0 and at most 1
     */
    static double share(String name, double share) {
        if (!(share > 0 && share <= 1)) {
            throw new IllegalArgumentException(name + ": " + share + " (expected: > 0 and <= 1)");
        }
        return share;
    }

    /**
     * Checks the safety net's window of {@link BlueGreenProxyBuilder#safetyNet}.
     *
     * @return {@code window}
     * @throws IllegalArgumentException if it is not above 0, or longer than an hour
     */
    static Duration safetyNet(Duration window) {
        return positiveUpToAnHour("safetyNet", window);
    }

    /**
     * Checks a duration that must be above 0 and at most an hour.
     *
     * @return {@code value}
     * @throws NullPointerException naming the setting if {@code value} is {@code null}
     * @throws IllegalArgumentException naming the setting and the value if it is not above 0, or longer than an hour
     */
    static Duration positiveUpToAnHour(String name, Duration value) {
        return atMostAnHour(name, Texts.requirePositive(name, value));
    }

    /**
     * Checks the window of {@link BlueGreenProxyBuilder#slowStart}.
     *
     * @return {@code window}
     * @throws IllegalArgumentException if it is negative, or longer than an hour
     */
    static Duration slowStart(Duration window) {
        requireNonNull(window, "slowStart");
        if (window.isNegative()) {
            throw new IllegalArgumentException("slowStart: " + Texts.duration(window) + " (expected: >= 0)");
        }
        return atMostAnHour("slowStart", window);
    }

    /**
     * Checks that a slow start comes with what starts it: a backend comes back only from failed checks or ejection.
     *
     * @throws IllegalArgumentException if {@code slowStart} is above 0 and both {@code checks} and {@code ejection} are
     *                                  {@code null}
     */
    static void slowStart(Duration slowStart, HealthCheckSettings checks, OutlierEjection ejection) {
        if (!slowStart.isZero() && checks == null && ejection == null) {
            throw new IllegalArgumentException("slowStart: " + Texts.duration(slowStart) + " without health checks or"
                    + " outlier ejection (expected: either on, as a slow start begins when a backend comes back from"
                    + " them; or slowStart 0)");
        }
    }

    private static Duration atMostAnHour(String name, Duration value) {
        if (value.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException(name + ": " + Texts.duration(value) + " (expected: at most 1 hour)");
        }
        return value;
    }

    /**
     * Checks the DNS servers of {@link BlueGreenProxyBuilder#nameServers}.
     *
     * @return an immutable copy
     * @throws IllegalArgumentException naming an entry that is not an IP address with a port
     */
    static List<InetSocketAddress> nameServers(List<InetSocketAddress> servers) {
        requireNonNull(servers, "nameServers");
        for (InetSocketAddress server : servers) {
            if (server == null || server.isUnresolved() || server.getPort() == 0) {
                throw new IllegalArgumentException("nameServers: " + server + " (expected: an IP address and port)");
            }
        }
        return List.copyOf(servers);
    }

    /**
     * Checks that a queue length comes with a queue: a limit on a queue that is off would be ignored.
     *
     * @throws IllegalArgumentException if {@code maxQueuedRequests} is above 0 and the queue timeout is 0
     */
    static void queue(Timeouts timeouts, int maxQueuedRequests) {
        if (maxQueuedRequests > 0 && timeouts.queue().isZero()) {
            throw new IllegalArgumentException("maxQueuedRequests: " + maxQueuedRequests
                    + " without a queueTimeout (expected: a queueTimeout above 0, or maxQueuedRequests 0)");
        }
    }

    /**
     * Checks a listening port.
     *
     * @param port the port
     * @return {@code port}
     * @throws IllegalArgumentException if it is not 0-65535
     */
    static int port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
        return port;
    }

    /**
     * The protocols of both sides, with their TLS contexts made.
     *
     * @param tls         the listener's TLS, or {@code null} for cleartext
     * @param upstreamTls TLS to the backends, or {@code null} for cleartext
     * @param healthChecks the health checks, or {@code null} for none, which the backend protocols must fit
     * @throws IllegalArgumentException if a TLS context can't be made, or the backend protocols don't fit TLS or the
     *         health checks
     */
    static ProtocolConfig protocols(TlsSettings tls, Http2Options http2, UpstreamTls upstreamTls,
                                    BackendProtocols backends, HealthCheckSettings healthChecks) {
        backends.checkFits(upstreamTls != null, healthChecks);
        return new ProtocolConfig(
                tls == null ? null : new ServerTls(tls, settings -> settings.newServerContexts(http2.enabled())),
                upstreamTls == null ? null : upstreamTls.newClientContext(),
                http2,
                backends,
                upstreamTls != null && backends.uses(BackendProtocol.H2) ? upstreamTls.newClientContext(true) : null);
    }
}
