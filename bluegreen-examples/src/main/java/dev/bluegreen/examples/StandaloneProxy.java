package dev.bluegreen.examples;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.BlueGreenProxy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link BlueGreenProxy} and, optionally, an {@link AdminEndpoint} for the same {@link BlueGreen}, started and
 * stopped together: what the {@code proxy} command and the demo run.
 *
 * <p>Thread-safe. {@link #start()} and {@link #stop()} return futures and never block; it starts at most once.
 */
public final class StandaloneProxy {

    private static final Logger log = LoggerFactory.getLogger(StandaloneProxy.class);

    private final BlueGreen admin;
    private final BlueGreenProxy proxy;
    private final AdminEndpoint endpoint;
    private final Duration stopGracePeriod;
    private final AutoCloseable afterAdmin;

    private StandaloneProxy(BlueGreen admin, BlueGreenProxy proxy, AdminEndpoint endpoint, Duration stopGracePeriod,
                            AutoCloseable afterAdmin) {
        this.admin = admin;
        this.proxy = proxy;
        this.endpoint = endpoint;
        this.stopGracePeriod = stopGracePeriod;
        this.afterAdmin = afterAdmin;
    }

    /**
     * A proxy with an admin endpoint, both following {@code admin}; not yet started.
     *
     * @param admin the admin object both follow; closed by {@link #stop()}
     * @param proxy the proxy, built from {@code admin}
     * @param endpoint the admin endpoint, built from {@code admin}, or {@code null} for none
     * @param stopGracePeriod how long {@link #stop()} lets exchanges under way finish
     * @return the pair, not started
     * @throws NullPointerException if {@code admin}, {@code proxy} or {@code stopGracePeriod} is {@code null}
     * @throws IllegalArgumentException if {@code proxy} follows another admin object, or the grace period is
     *         negative
     */
    public static StandaloneProxy of(BlueGreen admin, BlueGreenProxy proxy, AdminEndpoint endpoint,
                                     Duration stopGracePeriod) {
        return of(admin, proxy, endpoint, stopGracePeriod, null);
    }

    /**
     * As {@link #of(BlueGreen, BlueGreenProxy, AdminEndpoint, Duration)}, with something to close once the admin
     * object is closed, such as the ZooKeeper client its store uses.
     *
     * @param admin the admin object both follow; closed by {@link #stop()}
     * @param proxy the proxy, built from {@code admin}
     * @param endpoint the admin endpoint, built from {@code admin}, or {@code null} for none
     * @param stopGracePeriod how long {@link #stop()} lets exchanges under way finish
     * @param afterAdmin closed after the admin object, when stopping or when starting fails; or {@code null}
     * @return the pair, not started
     * @throws NullPointerException if {@code admin}, {@code proxy} or {@code stopGracePeriod} is {@code null}
     * @throws IllegalArgumentException if {@code proxy} follows another admin object, or the grace period is
     *         negative
     */
    public static StandaloneProxy of(BlueGreen admin, BlueGreenProxy proxy, AdminEndpoint endpoint,
                                     Duration stopGracePeriod, AutoCloseable afterAdmin) {
        requireNonNull(admin, "admin");
        requireNonNull(proxy, "proxy");
        requireNonNull(stopGracePeriod, "stopGracePeriod");
        if (proxy.admin() != admin) {
            throw new IllegalArgumentException("proxy: follows another BlueGreen (expected: the same admin)");
        }
        if (stopGracePeriod.isNegative()) {
            throw new IllegalArgumentException("stopGracePeriod: " + Texts.duration(stopGracePeriod)
                    + " (expected: >= 0)");
        }
        return new StandaloneProxy(admin, proxy, endpoint, stopGracePeriod, afterAdmin);
    }

    /**
     * Starts the proxy, then the admin endpoint. If either fails, what did start is stopped again.
     *
     * @return a future that completes with this object once both listen, or exceptionally with the first failure
     * @throws IllegalStateException if it was started before
     */
    public CompletableFuture<StandaloneProxy> start() {
        return proxy.start()
                .thenCompose(started -> endpoint == null ? CompletableFuture.completedFuture(null)
                        : endpoint.start().exceptionallyCompose(failure -> proxy.stop(Duration.ZERO)
                                .handle((stopped, ignored) -> null)
                                .thenCompose(nothing -> CompletableFuture.failedFuture(failure))))
                .handle((ignored, failure) -> {
                    if (failure != null) {
                        throw Futures.asCompletionException(failure);
                    }
                    return this;
                })
                .whenCompleteAsync((started, failure) -> {
                    if (failure != null) {
                        closeAdmin();
                    }
                }, StandaloneProxy::closingThread);
    }

    /**
     * Stops the admin endpoint and the proxy (which lets exchanges under way finish within the grace period), then
     * closes the admin object.
     *
     * @return a future that completes when both have stopped
     */
    public CompletableFuture<Void> stop() {
        CompletableFuture<Void> endpointStopped = endpoint == null ? CompletableFuture.completedFuture(null)
                : endpoint.stop();
        return CompletableFuture.allOf(endpointStopped, proxy.stop(stopGracePeriod))
                .whenCompleteAsync((ignored, failure) -> closeAdmin(), StandaloneProxy::closingThread);
    }

    /**
     * Closing the admin object may wait for its store (a ZooKeeper store removes its registration), so it runs on a
     * thread of its own, never on the event loop that completed the proxy's future.
     */
    private static void closingThread(Runnable task) {
        Thread thread = new Thread(task, "bluegreen-close");
        thread.setDaemon(true);
        thread.start();
    }

    private void closeAdmin() {
        admin.close();
        if (afterAdmin != null) {
            try {
                afterAdmin.close();
            } catch (Exception e) {
                log.warn("closing {} failed: {}", afterAdmin, e.toString());
            }
        }
    }

    /**
     * The admin object: switch, promote, roll back and deploy through it.
     *
     * @return the admin object
     */
    public BlueGreen admin() {
        return admin;
    }

    /**
     * The proxy.
     *
     * @return the proxy
     */
    public BlueGreenProxy proxy() {
        return proxy;
    }

    /**
     * The admin endpoint, if there is one.
     *
     * @return the endpoint, or empty
     */
    public Optional<AdminEndpoint> adminEndpoint() {
        return Optional.ofNullable(endpoint);
    }

    /**
     * The proxy's address as a URL: {@code https://} when its listener serves TLS.
     *
     * @return for example {@code http://127.0.0.1:8080}
     * @throws IllegalStateException if the proxy is not running
     */
    public String proxyUrl() {
        return url(proxy.localAddress(), proxy.servesTls());
    }

    /**
     * The admin endpoint's address as a URL: {@code https://} when it serves TLS.
     *
     * @return for example {@code http://127.0.0.1:8081}, or empty if there is no endpoint
     * @throws IllegalStateException if the endpoint is not listening
     */
    public Optional<String> adminUrl() {
        return endpoint == null ? Optional.empty() : Optional.of(url(endpoint.localAddress(), endpoint.servesTls()));
    }

    /**
     * The URL of a bound address, with an IPv6 host in brackets (RFC 3986 section 3.2.2).
     *
     * @param address a bound address
     * @return {@code http://host:port}
     */
    static String url(InetSocketAddress address) {
        return url(address, false);
    }

    /**
     * As {@link #url(InetSocketAddress)}, with the scheme of a listener that serves TLS if {@code tls}.
     *
     * @param address a bound address
     * @param tls whether the listener serves TLS
     * @return {@code https://host:port} or {@code http://host:port}
     */
    static String url(InetSocketAddress address, boolean tls) {
        String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
        return (tls ? "https://" : "http://") + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":"
                + address.getPort();
    }
}
