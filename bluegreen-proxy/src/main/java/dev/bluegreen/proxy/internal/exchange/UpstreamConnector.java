package dev.bluegreen.proxy.internal.exchange;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.internal.Texts;
import dev.bluegreen.proxy.LoadBalancing;
import dev.bluegreen.proxy.internal.exchange.BackendLoads.Permits;
import dev.bluegreen.proxy.internal.health.BackendHealthTracker;
import dev.bluegreen.proxy.internal.metrics.FailureLog;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder.QueueOutcome;
import dev.bluegreen.proxy.internal.request.ClientAddress;
import dev.bluegreen.proxy.internal.routing.AffinityCookie;
import dev.bluegreen.proxy.internal.routing.RequestHashKey;
import dev.bluegreen.proxy.internal.routing.Route;
import dev.bluegreen.proxy.internal.routing.ServerIdentity;
import dev.bluegreen.proxy.internal.upstream.AcquireCallback;
import dev.bluegreen.proxy.internal.upstream.Upstream;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets one exchange a connection to a backend of its pool: picks the backend ({@link BackendChoice}), resolves its
 * address off the loop when it is not cached, takes an idle connection or opens one, tries the next backend when a
 * connect fails (bounded), moves to the previous live colour within the safety net's window, opens a fresh connection
 * for a replay after a stale pooled one, picks another backend for a retry within the loop's {@link RetryBudget}, and
 * waits in the queue for a backend below its limit when every one is at it (again if the backend it was given fails
 * to connect, within the queue timeout counted from its first wait). It tells its {@link Listener} how that ends.
 * Runs on the exchange's event loop. Made once per exchange object and {@linkplain #reset reset} for each request it
 * serves.
 */
final class UpstreamConnector implements AcquireCallback, ResponseHeadPolicy.Answered {

    private static final Logger log = LoggerFactory.getLogger(UpstreamConnector.class);
    /** How many times a request a backend declined unprocessed is sent to it again (RFC 9113 §8.7). */
    private static final int MAX_REFUSALS = 3;
    /** The most characters of a failed connect's reason a log line shows. */
    private static final int MAX_REASON = 200;

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
    private final BackendChoice choice;
    private final Listener listener;
    /** What the request is, for log lines: its {@code toString()} is made only when a line is logged. */
    private final Object request;

    // The request under way's: reset() clears every field below.

    private Backend backend;
    private BackendHealthTracker health;
    /** A retry on another backend was made (at most one per request). */
    private boolean retried;
    /** The request was sent to a backend before (it is being replayed or retried). */
    private boolean sentBefore;
    /** Whether the connection handed out last was a pooled one that served a request before (it may be stale). */
    private boolean connectionReused;
    /** A replay on a new connection to the same backend was made (at most one per request, refusals aside). */
    private boolean replayed;
    /** How many times a backend declined this request unprocessed; see {@link #mayConnectAgain}. */
    private int refusals;
    /** Whether {@link #connectAgain} is to open a new connection to the same backend (a replay). */
    private boolean newConnection;
    /** The request's place in the queue while it waits for a backend below its limit; {@code null} otherwise. */
    private QueuedRequest queued;
    private ScheduledFuture<?> queueTimer;
    /** It waited in the queue; then {@link #queueDeadline} bounds every wait of the request. */
    private boolean waitedInQueue;
    /** When the request's time in the queue is up ({@link System#nanoTime()}), counted from its first wait. */
    private long queueDeadline;
    /** Whether the request's client connected with TLS: an affinity cookie set for it is {@code Secure}. */
    private boolean clientSecure;
    /** The routing generation the request read. */
    private long generation;
    /**
     * Why the last connect of the request failed ({@link #failed}), with the backend it was to, for the line that
     * tells the 502 or the safety net: refused, timed out, a TLS handshake, not HTTP/2; {@code null} before any.
     */
    private String lastFailure;

    /** @param request what the request under way is, for log lines (its {@code toString()}) */
    UpstreamConnector(LoopContext loop, Listener listener, Object request) {
        this.loop = loop;
        this.choice = new BackendChoice(loop);
        this.listener = listener;
        this.request = request;
    }

    /**
     * Gets ready to connect {@code request}, from {@code client}, routed by {@code route} to {@code environment}, its
     * colour's pool, by routing {@code generation} (the request and client for the key a consistent hash takes:
     * {@link RequestHashKey}). With an affinity cookie, reads the backend it names and takes it out of the request,
     * which goes upstream without it.
     */
    void reset(Route route, Environment environment, long generation, HttpRequest request, ClientAddress client) {
        leaveQueue();
        LoadBalancing balancing = services().config().loadBalancing();
        String cookie = balancing.affinityCookie().orElse(null);
        choice.reset(route, environment, RequestHashKey.of(balancing, request, client),
                cookie == null ? AffinityCookie.NONE : AffinityCookie.take(request.headers(), cookie));
        clientSecure = client.isSecure();
        this.generation = generation;
        backend = null;
        health = null;
        retried = false;
        sentBefore = false;
        connectionReused = false;
        replayed = false;
        refusals = 0;
        newConnection = false;
        waitedInQueue = false;
        queueDeadline = 0;
        lastFailure = null;
    }

    Colour colour() {
        return choice.colour();
    }

    private ExchangeServices services() {
        return loop.services();
    }

    @Override
    public Route route() {
        return choice.route();
    }

    @Override
    public Environment environment() {
        return choice.environment();
    }

    @Override
    public long generation() {
        return generation;
    }

    /** The backend tried last (the one the exchange's connection goes to, once connected). */
    @Override
    public Backend backend() {
        return backend;
    }

    /** The token of the backend the request's affinity cookie asked for, or {@link AffinityCookie#NONE}. */
    @Override
    public long affinity() {
        return choice.affinity();
    }

    /** Whether the request's client connected with TLS. */
    @Override
    public boolean clientSecure() {
        return clientSecure;
    }

    /** The health of {@link #backend()}, or {@code null} when health is not tracked. */
    BackendHealthTracker health() {
        return health;
    }

    /**
     * Gives back the permit of the backend the exchange is on, when that backend is counted (it has a limit of
     * requests under way, or the balancing is by least requests), or its place in the queue: the exchange ended.
     */
    void release() {
        leaveQueue();
        choice.release();
    }

    /** Starts connecting for an exchange whose request head arrived at {@code startNanos}. */
    void start(long startNanos) {
        loop.retryBudget().requestStarted(startNanos);
        connect();
    }

    /** Connects to the next backend to try, or tells the listener there is none. */
    private void connect() {
        Backend next = choice.next();
        if (next == null) {
            giveUp();
            return;
        }
        connectTo(next, false);
    }

    /** Takes an idle connection to {@code next} (or opens one; only a new one when {@code fresh}). */
    private void connectTo(Backend next, boolean fresh) {
        backend = next;
        health = services().config().health().tracksHealth() ? services().health().tracker(colour(), next) : null;
        InetSocketAddress address = services().addresses().cached(next);
        if (address != null) {
            acquire(next, address, fresh);
            return;
        }
        services().addresses().resolve(next).whenComplete((resolved, error) ->
                loop.eventLoop().execute(() -> {
                    if (!listener.wantsConnection()) {
                        return;
                    }
                    if (error != null) {
                        failed(error);
                    } else {
                        acquire(next, resolved, fresh);
                    }
                }));
    }

    private void acquire(Backend next, InetSocketAddress address, boolean fresh) {
        if (fresh) {
            loop.upstreams().connectNew(colour(), next, address, this);
        } else {
            loop.upstreams().acquire(colour(), next, address, this);
        }
    }

    /**
     * Whether a request whose connection failed before any of the response came may be sent again, and where; the
     * caller has made sure it is safe to (RFC 9110 §9.2.2: idempotent, no body, nothing of the response relayed). A
     * request the backend declined unprocessed ({@code refused}: an HTTP/2 stream left out of a GOAWAY) goes to the
     * same backend on a new connection, up to {@value #MAX_REFUSALS} times: the backend is closing a connection, not
     * failing. One that came on a reused connection, which may have gone stale without that saying anything about the
     * backend, goes once more to the same backend on a new connection. Else, when {@code elsewhere}, it may go to
     * another backend of the pool ({@link #mayRetryElsewhere}). {@link #connectAgain} then connects.
     */
    boolean mayConnectAgain(boolean elsewhere, boolean refused) {
        boolean again = refused && refusals < MAX_REFUSALS;
        boolean replay = again || connectionReused && !replayed;
        if (!replay && !(elsewhere && mayRetryElsewhere())) {
            return false;
        }
        if (again) {
            refusals++;
        } else {
            replayed |= replay;
        }
        newConnection = replay;
        return true;
    }

    /**
     * Whether a request whose connection to {@link #backend()} failed before any byte of the response came may be
     * retried on another backend of its pool: once per request, when one is left to try, and within the loop's
     * {@link RetryBudget}, so that an outage can't become a retry storm. Counts the retry (or its refusal) and makes
     * the chosen backend {@link #backend()}.
     */
    private boolean mayRetryElsewhere() {
        if (retried) {
            return false;
        }
        Backend failed = backend;
        Backend next = choice.next();
        if (next == null) {
            return false;
        }
        boolean allowed = loop.retryBudget().tryRetry(System.nanoTime());
        services().recorder().get().upstreamRetried(colour(), allowed);
        if (!allowed) {
            log.debug("not retrying {}: the retry budget of the loop is spent", request);
            return false;
        }
        log.debug("retrying {} on {}: {} closed the connection before responding", request, next, failed);
        retried = true;
        backend = next;
        return true;
    }

    /**
     * Sends the request again, as {@link #mayConnectAgain} decided: on a new connection to the same backend, or to the
     * other backend it chose. A request sent once never falls back to the other colour.
     */
    void connectAgain() {
        sentBefore = true;
        connectTo(backend, newConnection);
    }

    private void giveUp() {
        // A pool at its limit is busy, not failing: a request no backend of it failed waits or gets the 503, and is
        // no error of the colour for the safety net to count (and the automatic rollback to act on).
        if (choice.canFallBack() && !sentBefore && (choice.attempts() > 0 || !choice.allAtLimit())) {
            fallBack();
            return;
        }
        if (choice.allAtLimit()) {
            Duration queueTimeout = services().config().timeouts().queue();
            if (!queueTimeout.isZero()) {
                long now = System.nanoTime();
                if (!waitedInQueue) {
                    waitedInQueue = true;
                    queueDeadline = now + queueTimeout.toNanos();
                }
                // A backend it was given that then failed to connect is not waited for again; the others are, for
                // what is left of its queue timeout.
                if (queueDeadline - now > 0) {
                    waitInQueue(queueDeadline - now);
                    return;
                }
            }
            services().failures().warn(FailureLog.Kind.AT_LIMIT,
                    "503: every backend of the {} pool left to try is at its limit of requests under way, for {}",
                    colour().label(), request);
            listener.unreachable(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "every backend of the " + colour().label() + " pool is at its limit of requests under way");
            return;
        }
        if (choice.noHealthyBackend()) {
            // DESIGN.md, invariant 7: no healthy backend is 503.
            String pool = services().snapshots().get().live() == colour() ? "live" : "idle";
            services().failures().warn(FailureLog.Kind.NO_HEALTHY_BACKEND,
                    "503: no healthy backend in the {} pool ({}) for {}", pool, colour().label(), request);
            listener.unreachable(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "no healthy backend in the " + pool + " pool (" + colour().label() + ")");
            return;
        }
        services().failures().warn(FailureLog.Kind.NO_CONNECTION,
                "502: no backend of the {} pool accepted a connection for {} ({} tried{})",
                colour().label(), request, choice.attempts(), lastFailure());
        listener.unreachable(HttpResponseStatus.BAD_GATEWAY,
                "no backend of the " + colour().label() + " pool accepted a connection");
    }

    /**
     * Every backend of the pool left to try is at its limit: the request waits in the queue for a permit one of them
     * gives back. It joins the queue before it looks at the pool once more, so that a permit given back in between
     * is not missed (see {@link BackendLoads#release}).
     */
    private void waitInQueue(long timeoutNanos) {
        // What the permit test reads is fixed now: it runs on other threads, while this connector may move on.
        List<Backend> pool = environment().backends();
        Colour colour = colour();
        IntPredicate failed = choice.failed();
        QueuedRequest place = new QueuedRequest(colour, pool, backend -> wouldTake(pool, failed, colour, backend),
                loop.eventLoop(), this::granted);
        if (!services().loads().enqueue(place)) {
            int full = services().loads().maxQueuedPerColour();
            services().failures().warn(FailureLog.Kind.AT_LIMIT, "503: every backend of the {} pool left to try is at "
                    + "its limit of requests under way and {} requests wait already, for {}", colour.label(), full,
                    request);
            listener.unreachable(HttpResponseStatus.SERVICE_UNAVAILABLE, "every backend of the " + colour.label()
                    + " pool is at its limit of requests under way, and its queue is full (" + full + " waiting)");
            return;
        }
        queued = place;
        choice.reconsiderFull();
        Backend next = choice.next();
        if (next != null || !choice.allAtLimit()) {
            if (services().loads().withdraw(place)) {
                stopWaiting(place, QueueOutcome.SERVED);
                if (next == null) {
                    giveUp();
                } else {
                    connectTo(next, false);
                }
            } else {
                // A permit was granted in the meantime and is on its way to this loop: it is the one used.
                choice.release();
            }
            return;
        }
        log.debug("{} waits in the queue: every backend of the {} pool left to try is at its limit", request,
                colour().label());
        queueTimer = loop.eventLoop().schedule(() -> queueTimedOut(place), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Whether a permit of {@code backend} would do for a request of {@code colour}'s {@code pool} waiting in the
     * queue: a backend of the pool, not one the request tried and left ({@code failed}, by index in the pool), not
     * unhealthy or ejected. Asked on the thread that gives a permit back, so it reads only what is shared between the
     * loops.
     */
    private boolean wouldTake(List<Backend> pool, IntPredicate failed, Colour colour, Backend backend) {
        int index = ServerIdentity.indexIn(pool, backend);
        return index >= 0 && !failed.test(index)
                && (!services().config().health().tracksHealth() || services().health().usable(colour, backend));
    }

    /** A backend of the pool gave back a permit, and the queue gave it to {@code request}; on the exchange's loop. */
    private void granted(QueuedRequest request, Permits permit) {
        if (request != queued) {
            // The exchange ended (or moved on) while the grant was on its way.
            services().loads().release(permit);
            return;
        }
        stopWaiting(request, QueueOutcome.SERVED);
        if (!listener.wantsConnection()) {
            services().loads().release(permit);
            return;
        }
        connectTo(choice.take(permit), false);
    }

    private void queueTimedOut(QueuedRequest request) {
        if (request != queued || !services().loads().withdraw(request)) {
            return; // granted first: the grant is on its way
        }
        stopWaiting(request, QueueOutcome.TIMED_OUT);
        long millis = services().config().timeouts().queue().toMillis();
        services().failures().warn(FailureLog.Kind.AT_LIMIT, "503: every backend of the {} pool stayed at its limit of "
                + "requests under way for the queue timeout ({} ms), for {}", colour().label(), millis, this.request);
        listener.unreachable(HttpResponseStatus.SERVICE_UNAVAILABLE, "every backend of the " + colour().label()
                + " pool stayed at its limit of requests under way for " + millis + " ms");
    }

    /** Leaves the queue, if the request waits in it: its exchange ended, or starts over. */
    private void leaveQueue() {
        QueuedRequest request = queued;
        if (request != null) {
            stopWaiting(request, QueueOutcome.ABANDONED);
            // If a grant won, it finds the request gone when it arrives, and gives its permit back.
            services().loads().withdraw(request);
        }
    }

    private void stopWaiting(QueuedRequest request, QueueOutcome outcome) {
        queued = null;
        if (queueTimer != null) {
            queueTimer.cancel(false);
            queueTimer = null;
        }
        services().recorder().get().queueWaitEnded(request.colour(), outcome, System.nanoTime() - request.since());
    }

    /**
     * The safety net: no backend of the newly live colour took the request and nothing of it was sent (nor read
     * beyond its head), within the window after the switch, so it goes to the previous live colour, still warm,
     * instead of answering 502. Only for requests routed to the live colour ({@link Route#fallback()}), once;
     * counted and reported, as it feeds the automatic rollback.
     */
    private void fallBack() {
        String to = choice.route().fallback().colour().label();
        if (choice.noHealthyBackend()) {
            services().failures().warn(FailureLog.Kind.SAFETY_NET,
                    "safety net: no healthy backend in the {} pool for {}; sending it to {}", colour().label(), request,
                    to);
        } else {
            services().failures().warn(FailureLog.Kind.SAFETY_NET,
                    "safety net: no backend of the {} pool accepted a connection for {} ({} tried{}); sending it to {}",
                    colour().label(), request, choice.attempts(), lastFailure(), to);
        }
        Colour failed = choice.fallBack();
        backend = null;
        listener.colourMoved(failed, colour());
        services().recorder().get().safetyNetUsed(failed);
        connect();
    }

    @Override
    public void acquired(Upstream upstream) {
        if (!listener.wantsConnection()) {
            // The client left while we were connecting; the connection is clean and can serve someone else.
            upstream.release(true);
            return;
        }
        connectionReused = upstream.reused();
        listener.connected(upstream);
    }

    @Override
    public void failed(Throwable cause) {
        if (!listener.wantsConnection()) {
            return;
        }
        log.debug("connect to {} of the {} pool failed: {}", backend, colour().label(), cause.toString());
        if (health != null) {
            services().health().requestFailed(health, "connect failed: " + cause.getMessage());
        }
        lastFailure = backend + ": " + reason(cause);
        connect();
    }

    /** The end of a 502's or the safety net's count of backends tried: {@code "; last: <backend>: <why>"}. */
    private String lastFailure() {
        return lastFailure == null ? "" : "; last: " + lastFailure;
    }

    /**
     * What a failed connect says, at most {@value #MAX_REASON} characters: a TLS failure's message can run to
     * hundreds, with a backend's certificate names in it. ({@link FailureLog} escapes what could break its line.)
     */
    private static String reason(Throwable cause) {
        String message = cause.getMessage();
        String reason = message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
        return Texts.abbreviate(reason, MAX_REASON);
    }
}
