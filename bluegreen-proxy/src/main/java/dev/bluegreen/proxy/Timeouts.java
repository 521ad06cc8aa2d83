package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.time.Duration;

/**
 * How long the proxy waits, for each thing it waits on; each at most 365 days. Set through
 * {@link BlueGreenProxyBuilder}, one at a time or all at once from {@link #defaults()} and the {@code with} methods,
 * such as {@code Timeouts.defaults().withDrain(Duration.ofMinutes(2))}.
 *
 * @param connect             how long one upstream connect may take before the next backend is tried
 * @param response            how long the backend may stay silent, once the request is on its way, before the
 *                            client gets 504 (or, if the response has started, its connection is closed)
 * @param clientIdle          how long a client keep-alive connection may sit between requests before it is closed
 * @param upstreamIdle        how long a pooled upstream connection may sit unused before it is closed
 * @param shutdownGracePeriod how long {@link BlueGreenProxy#stop()} lets exchanges under way finish (may be 0)
 * @param drain               how long a colour that stopped being live may keep exchanges and busy connections
 *                            open; at the deadline what is left is closed as gracefully as its protocol allows
 * @param rollbackWindow      how long a colour that stopped being live keeps its idle upstream connections warm,
 *                            so that a rollback within it opens no connection (0: closed at once). They are closed
 *                            when the window ends, when the colour's pool is redeployed, or when they have been
 *                            idle for {@code upstreamIdle}; a drain never waits for them
 * @param send                how long the client may take none of a response the proxy has for it (an HTTP/2 client
 *                            that keeps its flow-control window shut, an HTTP/1.1 client that stops reading) before
 *                            the response is cut: the stream reset ({@code CANCEL}), or the HTTP/1.1 connection
 *                            closed, and the backend's side released. As nginx's {@code send_timeout}. A tunnel
 *                            (an upgraded connection) whose client or backend takes none of its bytes that long is
 *                            cut too
 * @param queue               how long a request that finds every backend of its pool at its limit of requests under
 *                            way ({@link dev.bluegreen.core.Backend#maxRequests()}) waits for one of them to take it,
 *                            in a queue shared by the event loops, first come first served, before it gets 503 (0: no
 *                            queue, 503 at once). As HAProxy's {@code timeout queue}; nothing of the request is read
 *                            beyond its head while it waits
 */
public record Timeouts(
        Duration connect,
        Duration response,
        Duration clientIdle,
        Duration upstreamIdle,
        Duration shutdownGracePeriod,
        Duration drain,
        Duration rollbackWindow,
        Duration send,
        Duration queue) {

    private static final Duration DEFAULT_ROLLBACK_WINDOW = Duration.ofSeconds(30);
    private static final Duration DEFAULT_SEND = Duration.ofSeconds(60);
    /** A timer's delay is scheduled in milliseconds as an {@code int} in places: 24 days is far beyond any use. */
    private static final Duration MAX_QUEUE = Duration.ofDays(24);

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public Timeouts {
        Texts.requirePositive("connectTimeout", connect);
        if (connect.toMillis() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("connectTimeout: " + Texts.duration(connect)
                    + " (expected: at most 24 days)");
        }
        Texts.requirePositive("responseTimeout", response);
        Texts.requirePositive("idleTimeout", clientIdle);
        Texts.requirePositive("upstreamIdleTimeout", upstreamIdle);
        requireNonNull(shutdownGracePeriod, "shutdownGracePeriod");
        if (shutdownGracePeriod.isNegative()) {
            throw new IllegalArgumentException("shutdownGracePeriod: " + Texts.duration(shutdownGracePeriod)
                    + " (expected: >= 0)");
        }
        Texts.requireAtMostAYear("shutdownGracePeriod", shutdownGracePeriod);
        Texts.requirePositive("drainTimeout", drain);
        requireNonNull(rollbackWindow, "rollbackWindow");
        if (rollbackWindow.isNegative()) {
            throw new IllegalArgumentException("rollbackWindow: " + Texts.duration(rollbackWindow)
                    + " (expected: >= 0)");
        }
        Texts.requireAtMostAYear("rollbackWindow", rollbackWindow);
        Texts.requirePositive("sendTimeout", send);
        requireNonNull(queue, "queueTimeout");
        if (queue.isNegative() || queue.compareTo(MAX_QUEUE) > 0) {
            throw new IllegalArgumentException("queueTimeout: " + Texts.duration(queue)
                    + " (expected: between 0 and 24 days)");
        }
    }

    /** These timeouts with the default rollback window (30 s); the form before the window existed. */
    public Timeouts(Duration connect, Duration response, Duration clientIdle, Duration upstreamIdle,
                    Duration shutdownGracePeriod, Duration drain) {
        this(connect, response, clientIdle, upstreamIdle, shutdownGracePeriod, drain, DEFAULT_ROLLBACK_WINDOW);
    }

    /** These timeouts with the default send timeout (60 s); the form before the send timeout existed. */
    public Timeouts(Duration connect, Duration response, Duration clientIdle, Duration upstreamIdle,
                    Duration shutdownGracePeriod, Duration drain, Duration rollbackWindow) {
        this(connect, response, clientIdle, upstreamIdle, shutdownGracePeriod, drain, rollbackWindow, DEFAULT_SEND);
    }

    /** These timeouts without a queue (503 at once when every backend is at its limit); the form before the queue. */
    public Timeouts(Duration connect, Duration response, Duration clientIdle, Duration upstreamIdle,
                    Duration shutdownGracePeriod, Duration drain, Duration rollbackWindow, Duration send) {
        this(connect, response, clientIdle, upstreamIdle, shutdownGracePeriod, drain, rollbackWindow, send,
                Duration.ZERO);
    }

    /**
     * The defaults: connect 2 s, response 30 s, client idle 60 s, upstream idle 30 s, shutdown 30 s, drain 30 s,
     * rollback window 30 s, send 60 s, queue 0 (no queue).
     */
    public static Timeouts defaults() {
        return new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(30), Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30), DEFAULT_ROLLBACK_WINDOW,
                DEFAULT_SEND, Duration.ZERO);
    }

    /** These timeouts with another {@code connect}, checked as the constructor checks it. */
    public Timeouts withConnect(Duration connect) {
        return new Timeouts(connect, response, clientIdle, upstreamIdle, shutdownGracePeriod, drain, rollbackWindow,
                send, queue);
    }

    /** These timeouts with another {@code response}, checked as the constructor checks it. */
    public Timeouts withResponse(Duration response) {
        return new Timeouts(connect, response, clientIdle, upstreamIdle, shutdownGracePeriod, drain, rollbackWindow,
                send, queue);
    }

    /** These timeouts with another {@code clientIdle}, checked as the constructor checks it. */
    public Timeouts withClientIdle(Duration clientIdle) {
        return new Timeouts(connect, response, clientIdle, upstreamIdle, shutdownGracePeriod, drain, rollbackWindow,
                send, queue);
    }

    /** These timeouts with another {@code upstreamIdle}, checked as the constructor checks it. */
    public Timeouts withUpstreamIdle(Duration upstreamIdle) {
        return new Timeouts(connect, response, clientIdle, upstreamIdle, shutdownGracePeriod, drain, rollbackWindow,
                send, queue);
    }

    /** These timeouts with another {@code shutdownGracePeriod}, checked as the constructor checks it. */
    public Timeouts withShutdownGracePeriod(Duration shutdownGracePeriod) {
        return new Timeouts(connect, response, clientIdle, upstreamIdle, shutdownGracePeriod, drain, rollbackWindow,
                send, queue);
    }

    /** These timeouts with another {@code drain}, checked as the constructor checks it. */
    public Timeouts withDrain(Duration drain) {
        return new Timeouts(connect, response, clientIdle, upstreamIdle, shutdownGracePeriod, drain, rollbackWindow,
                send, queue);
    }

    /** These timeouts with another {@code rollbackWindow}, checked as the constructor checks it. */
    public Timeouts withRollbackWindow(Duration rollbackWindow) {
        return new Timeouts(connect, response, clientIdle, upstreamIdle, shutdownGracePeriod, drain, rollbackWindow,
                send, queue);
    }

    /** These timeouts with another {@code send}, checked as the constructor checks it. */
    public Timeouts withSend(Duration send) {
        return new Timeouts(connect, response, clientIdle, upstreamIdle, shutdownGracePeriod, drain, rollbackWindow,
                send, queue);
    }

    /** These timeouts with another {@code queue}, checked as the constructor checks it. */
    public Timeouts withQueue(Duration queue) {
        return new Timeouts(connect, response, clientIdle, upstreamIdle, shutdownGracePeriod, drain, rollbackWindow,
                send, queue);
    }
}
