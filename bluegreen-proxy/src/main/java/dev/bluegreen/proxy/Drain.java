package dev.bluegreen.proxy;

import dev.bluegreen.core.Colour;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * The draining of a colour that stopped being live: what it still has under way, and a future that completes when
 * that reaches zero, when the drain deadline closes what is left, or when the colour is made live again.
 *
 * <p>A drain ends {@code DRAINED} when its colour has nothing under way and no busy upstream connection (nor one being
 * opened), as confirmed once every event loop has run a task queued after that was seen, and the router can no
 * longer send it requests (the safety net within its window, sticky sessions still on it). From then on the colour
 * gets no new request and no new connection until a switch makes it live again (the safety net and sticky sessions
 * included; preview traffic and a shift's share, which go to the idle colour by design, and active health checks
 * aside): the application may decommission it.
 *
 * <p>While a colour drains, no new request goes to it; exchanges already pinned to it finish there; its busy
 * upstream connections go idle as their exchange ends. Its idle connections stay warm for the rollback window
 * ({@link BlueGreenProxyBuilder#rollbackWindow}), so that a rollback opens none, and close when it ends (or when the
 * colour's pool is redeployed); the drain never waits for them. At the deadline, what is still under way is closed
 * as gracefully as its protocol allows: a WebSocket gets a close frame (1001, going away) to both peers, any other
 * exchange has its client connection closed.
 *
 * <p>Obtained from {@link BlueGreenProxy#drain(Colour)} after a switch. Thread-safe; the figures are live.
 */
public interface Drain {

    /** The colour being drained. */
    Colour colour();

    /** The routing generation whose change took this colour out of service. */
    long generation();

    /** When the drain began (the proxy saw the change). */
    Instant startedAt();

    /** When whatever is still open will be closed. */
    Instant deadline();

    /** Exchanges (requests and tunnels) still under way on this colour. */
    long activeExchanges();

    /**
     * Upstream connections to this colour's backends still busy with an exchange. Idle ones kept warm for the
     * rollback window ({@link BlueGreenProxyBuilder#rollbackWindow}) are not counted: a drain never waits for them.
     */
    long openConnections();

    /** Exchanges the colour had under way when the drain began. */
    long exchangesAtStart();

    /** Upstream connections the colour had busy when the drain began. */
    long connectionsAtStart();

    /**
     * Exchanges the drain deadline closed so far: 0 before it, and what its report will say once it has ended (a drain
     * can outlive its deadline for a moment, while what was closed lets go of its connections).
     */
    long forcedClosed();

    /** Whether the drain has ended (its {@link #completion()} is complete). */
    boolean isDone();

    /**
     * Completes with the report when the drain ends; never completes exceptionally. It completes on a thread of its
     * own, never an event loop, so a stage chained on it may block (decommission the colour's servers, say). Each
     * call returns a future of its own: completing or cancelling it ends nothing.
     */
    CompletableFuture<DrainReport> completion();
}
