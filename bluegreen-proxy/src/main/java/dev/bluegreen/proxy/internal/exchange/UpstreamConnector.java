package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.proxy.internal.health.BackendHealthTracker;
import dev.bluegreen.proxy.internal.routing.Route;
import dev.bluegreen.proxy.internal.upstream.AcquireCallback;
import dev.bluegreen.proxy.internal.upstream.Upstream;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets one exchange a connection to a backend of its pool: picks the backend ({@link BackendChoice}), resolves its
 * address off the loop when it is not cached, takes an idle connection or opens one, tries the next backend when a
 * connect fails (bounded), moves to the previous live colour within the safety net's window, and opens a fresh
 * connection for a replay after a stale pooled one. It tells its {@link Listener} how that ends. Runs on the
 * exchange's event loop.
 */
final class UpstreamConnector implements AcquireCallback {

    private static final Logger log = LoggerFactory.getLogger(UpstreamConnector.class);

    /** What the exchange hears from its connector. */
    interface Listener {

        /** Whether the exchange still wants a connection (it may have ended while a connect was under way). */
        boolean wantsConnection();

        /** A connection is ready for the request. */
        void connected(Upstream upstream);

        /** No backend took the request: the exchange answers {@code status} itself. */
        void unreachable(HttpResponseStatus status, String message);

        /** The safety net moved the exchange from {@code from}, whose pool took no connection, to {@code to}. */
        void colourMoved(Colour from, Colour to);
    }

    private final LoopContext loop;
    private final ExchangeServices services;
    private final BackendChoice choice;
    private final Listener listener;
    /** What the request is, for log lines: its {@code toString()} is made only when a line is logged. */
    private final Object request;
    private Backend backend;
    private BackendHealthTracker health;

    /** @param request what the request is, for log lines (its {@code toString()}) */
    UpstreamConnector(LoopContext loop, Route route, Environment environment, Listener listener, Object request) {
        this.loop = loop;
        this.services = loop.services();
        this.choice = new BackendChoice(loop, route, environment);
        this.listener = listener;
        this.request = request;
    }

    Colour colour() {
        return choice.colour();
    }

    Route route() {
        return choice.route();
    }

    Environment environment() {
        return choice.environment();
    }

    /** The backend tried last (the one the exchange's connection goes to, once connected). */
    Backend backend() {
        return backend;
    }

    /** The health of {@link #backend()}, or {@code null} when health is not tracked. */
    BackendHealthTracker health() {
        return health;
    }

    /** Connects to the next backend to try, or tells the listener there is none. */
    void connect() {
        Backend next = choice.next();
        if (next == null) {
            giveUp();
            return;
        }
        backend = next;
        health = services.config().health().tracksHealth() ? services.health().tracker(colour(), next) : null;
        InetSocketAddress address = services.addresses().cached(next);
        if (address != null) {
            loop.upstreams().acquire(colour(), next, address, this);
            return;
        }
        services.addresses().resolveAsync(next).whenComplete((resolved, error) ->
                loop.eventLoop().execute(() -> {
                    if (!listener.wantsConnection()) {
                        return;
                    }
                    if (error != null) {
                        failed(error);
                    } else {
                        loop.upstreams().acquire(colour(), next, resolved, this);
                    }
                }));
    }

    /**
     * Opens a new connection to the same backend, for a replay of a request whose pooled connection turned out stale.
     *
     * @return whether the connect is under way (not when the backend's address is unknown)
     */
    boolean reconnect() {
        InetSocketAddress address = services.addresses().cached(backend);
        if (address == null) {
            return false;
        }
        loop.upstreams().connectNew(colour(), backend, address, this);
        return true;
    }

    private void giveUp() {
        if (choice.canFallBack()) {
            fallBack();
            return;
        }
        if (choice.noHealthyBackend()) {
            // DESIGN.md, invariant 7: no healthy backend is 503.
            String pool = services.snapshots().get().live() == colour() ? "live" : "idle";
            log.warn("503: no healthy backend in the {} pool ({}) for {}", pool, colour().label(), request);
            listener.unreachable(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "no healthy backend in the " + pool + " pool (" + colour().label() + ")");
            return;
        }
        log.warn("502: no backend of the {} pool accepted a connection for {} ({} tried)",
                colour().label(), request, choice.attempts());
        listener.unreachable(HttpResponseStatus.BAD_GATEWAY,
                "no backend of the " + colour().label() + " pool accepted a connection");
    }

    /**
     * The safety net: no backend of the newly live colour took the request and nothing of it was sent (nor read
     * beyond its head), within the window after the switch, so it goes to the previous live colour, still warm,
     * instead of answering 502. Only for requests routed to the live colour ({@link Route#fallback()}), once;
     * counted and reported, as it feeds the automatic rollback.
     */
    private void fallBack() {
        log.warn("safety net: no backend of the {} pool accepted a connection for {} ({} tried); sending it to {}",
                colour().label(), request, choice.attempts(), choice.route().fallback().colour().label());
        Colour failed = choice.fallBack();
        backend = null;
        listener.colourMoved(failed, colour());
        services.recorder().get().safetyNetUsed(failed);
        connect();
    }

    @Override
    public void acquired(Upstream upstream) {
        if (!listener.wantsConnection()) {
            // The client left while we were connecting; the connection is clean and can serve someone else.
            upstream.release(true);
            return;
        }
        listener.connected(upstream);
    }

    @Override
    public void failed(Throwable cause) {
        if (!listener.wantsConnection()) {
            return;
        }
        log.debug("connect to {} of the {} pool failed: {}", backend, colour().label(), cause.toString());
        if (health != null) {
            services.health().requestFailed(health, "connect failed: " + cause.getMessage());
        }
        connect();
    }
}
