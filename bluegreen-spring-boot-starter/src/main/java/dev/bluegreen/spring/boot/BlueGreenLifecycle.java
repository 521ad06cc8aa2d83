package dev.bluegreen.spring.boot;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.proxy.AdminEndpoint;
import dev.bluegreen.proxy.BlueGreenProxy;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the proxy (and bluegreen's admin endpoint, if configured) once the application context is up, and drains
 * it on shutdown in step with the web server's graceful shutdown.
 *
 * <p><b>The phase</b> is {@link #PHASE}, the one of Spring Boot's {@code WebServerGracefulShutdownLifecycle}
 * ({@code DEFAULT_PHASE - 1024}). Lifecycles start in ascending phase order and stop in descending order, and those
 * of one phase stop together, the context waiting for all of them (at most
 * {@code spring.lifecycle.timeout-per-shutdown-phase}). So:
 * <ul>
 *   <li>at startup the proxy starts after the embedded web server ({@code DEFAULT_PHASE - 2048}), when the
 *       application can already answer, and after the beans a default-phase lifecycle starts;</li>
 *   <li>at shutdown it drains (exchanges under way finish within {@code bluegreen.proxy.shutdown-grace-period})
 *       while the web server finishes its own requests, and before the web server stops: a request proxied to the
 *       application itself still gets its answer.</li>
 * </ul>
 *
 * <p><b>The JVM stays up</b> while the proxy runs, as it does for Boot's own web servers: a non-daemon thread named
 * {@value #KEEP_ALIVE_THREAD} waits from the start until the proxy has stopped or the bean is destroyed. The proxy's
 * own threads are daemons, so an application that is the proxy alone, without a web server, would otherwise exit as
 * soon as its {@code main} returned.
 *
 * <p>Thread-safe. A proxy starts only once: a context that is stopped and started again fails to restart it.
 */
public final class BlueGreenLifecycle implements SmartLifecycle, DisposableBean {

    /** The phase of the web server's graceful shutdown in Spring Boot 4. */
    public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

    /** The name of the non-daemon thread that keeps the JVM up while the proxy runs. */
    public static final String KEEP_ALIVE_THREAD = "bluegreen-keep-alive";

    private static final Logger log = LoggerFactory.getLogger(BlueGreenLifecycle.class);

    private final BlueGreenProxy proxy;
    private final AdminEndpoint endpoint;
    private final Duration gracePeriod;
    private final AtomicBoolean running = new AtomicBoolean();
    /** Counted down once the proxy has stopped, or the bean is destroyed: the keep-alive thread then ends. */
    private final CountDownLatch keepAlive = new CountDownLatch(1);

    /**
     * A lifecycle for a proxy and, optionally, an admin endpoint.
     *
     * @param proxy the proxy, not started
     * @param endpoint bluegreen's admin endpoint, not started, or {@code null}
     * @param gracePeriod how long stopping lets exchanges under way finish
     */
    public BlueGreenLifecycle(BlueGreenProxy proxy, AdminEndpoint endpoint, Duration gracePeriod) {
        this.proxy = requireNonNull(proxy, "proxy");
        this.endpoint = endpoint;
        this.gracePeriod = requireNonNull(gracePeriod, "gracePeriod");
    }

    /**
     * Starts the proxy, then the admin endpoint, and waits until both listen.
     *
     * @throws IllegalStateException if one cannot listen (the context's refresh then fails), with the reason
     */
    @Override
    public void start() {
        await(proxy.start(), "bluegreen.proxy.listen");
        if (endpoint != null) {
            await(endpoint.start(), "bluegreen.admin.listen");
        }
        running.set(true);
        Thread keeper = new Thread(this::keepJvmAlive, KEEP_ALIVE_THREAD);
        keeper.setDaemon(false);
        keeper.start();
        log.info("bluegreen proxy listening on {}", proxy.localAddress());
    }

    private void keepJvmAlive() {
        try {
            keepAlive.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits for a start. A failure to bind (an I/O error under the start's failure) becomes a
     * {@link ListenFailedException} naming {@code listenProperty}, for Boot's failure report; any other stays an
     * {@link IllegalStateException} with the reason.
     */
    private static void await(CompletableFuture<?> start, String listenProperty) {
        try {
            start.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            if (cause.getCause() instanceof IOException) {
                throw new ListenFailedException(listenProperty, cause);
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    /** Use {@link #stop(Runnable)}; this blocks until both are stopped. */
    @Override
    public void stop() {
        stopBoth().join();
    }

    /**
     * Stops the admin endpoint and drains the proxy, without blocking the caller; {@code callback} runs when both
     * have stopped.
     *
     * @param callback Spring's signal that this lifecycle has stopped
     */
    @Override
    public void stop(Runnable callback) {
        stopBoth().whenComplete((ignored, failure) -> {
            if (failure != null) {
                log.warn("bluegreen proxy did not stop cleanly: {}", failure.toString());
            }
            callback.run();
        });
    }

    private CompletableFuture<Void> stopBoth() {
        if (!running.compareAndSet(true, false)) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> endpointStopped = endpoint == null ? CompletableFuture.completedFuture(null)
                : endpoint.stop();
        return CompletableFuture.allOf(endpointStopped, proxy.stop(gracePeriod))
                .whenComplete((ignored, failure) -> keepAlive.countDown());
    }

    /**
     * Lets the JVM exit however the context ends, also should the bean be destroyed without {@link #stop} having run
     * (the proxy bean, closed then too, stops itself).
     */
    @Override
    public void destroy() {
        keepAlive.countDown();
    }

    @Override
    public boolean isRunning() {
        return running.get();
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
