package dev.bluegreen.proxy.internal.routing;

import dev.bluegreen.proxy.internal.request.Cookies;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.proxy.internal.drain.DrainTracker;
import dev.bluegreen.proxy.PreviewRule;
import dev.bluegreen.proxy.StickySessions;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import java.security.MessageDigest;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The routing decision: which colour one request goes to, from its head, the one routing snapshot it read and the
 * listener it came through. In order:
 * <ol>
 *   <li>preview traffic (the preview listener, or a request matching the {@link PreviewRule}) goes to the idle
 *       colour, with no fallback;</li>
 *   <li>a sticky session goes where it is pinned, while that pin is honoured: its colour is live, or idle during the
 *       gradual shift that pinned it there, or was live until the last switch, the pin is older than that switch and
 *       the drain deadline has not passed (and the pool still holds the version it was pinned to); otherwise it is
 *       pinned afresh by the next step;</li>
 *   <li>during a gradual shift, {@code shiftPercent} of new requests (of new sessions, when sticky) go to the idle
 *       colour, drawn with {@link ThreadLocalRandom};</li>
 *   <li>everything else goes to the live colour, with the safety net's fallback to the previous live colour for a
 *       short window after it changed.</li>
 * </ol>
 *
 * <p>The shift is drawn at random rather than by a counter: a counter is exact over 100 requests, but periodic, so
 * a client whose page always loads the same five resources at 20 % would send the same one of them to the idle
 * colour every time. Random draws carry no such pattern, need no state shared between event loops, and are within
 * a few per cent of the share over a few thousand requests (binomial).
 *
 * <p>One per proxy; thread-safe: its state is the session table (Caffeine) and one atomic record of the last
 * change of the live colour, written by the routing listener (or by the first request that sees a change first).
 */
public final class Router {

    private final SteeringSettings settings;
    /** The latest drain of a colour, or {@code null} if it never stopped being live. */
    private final Function<Colour, DrainTracker> drains;
    private final PreviewRule preview;
    private final byte[] previewSecret;
    private final StickySessions sticky;
    private final SessionTable sessions;
    private final long safetyNetWindowNanos;
    private final long drainTimeoutNanos;
    private final AtomicReference<LiveChange> lastLiveChange;

    /**
     * The latest change of the live colour known: to which colour, at which generation, when by the settings'
     * ticker; {@code known} is false before the first one.
     */
    private record LiveChange(Colour live, long generation, long atNanos, boolean known) {
    }

    /**
     * @param settings     preview, sticky sessions and the safety net
     * @param drainTimeout how long a colour that stopped being live keeps sticky sessions
     * @param initial      the routing snapshot when the proxy starts
     * @param drains       the latest drain of a colour, or {@code null} if it never stopped being live
     */
    public Router(SteeringSettings settings, Duration drainTimeout, RoutingSnapshot initial,
                  Function<Colour, DrainTracker> drains) {
        this.settings = settings;
        this.drains = drains;
        this.preview = settings.preview();
        this.previewSecret = preview == null ? null
                : preview.secret().map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).orElse(null);
        this.sticky = settings.stickySessions();
        this.sessions = sticky == null ? null
                : new SessionTable(sticky.maximumSize(), sticky.idleTtl(), settings.ticker());
        this.safetyNetWindowNanos = settings.safetyNetWindow() == null ? 0 : settings.safetyNetWindow().toNanos();
        this.drainTimeoutNanos = drainTimeout.toNanos();
        this.lastLiveChange = new AtomicReference<>(new LiveChange(initial.live(), initial.generation(), 0, false));
    }

    /** Hears every routing change (the proxy's listener): remembers when the live colour last changed. */
    public void onChange(Change change) {
        if (change.liveColourChanged()) {
            LiveChange heard = new LiveChange(change.to(), change.generation(), settings.ticker().read(), true);
            lastLiveChange.accumulateAndGet(heard,
                    (known, next) -> next.generation() > known.generation() ? next : known);
        }
    }

    /**
     * Where {@code request} goes. Removes from its head what must not reach a backend: the preview header or
     * cookie when it carries a secret, and the proxy's own session cookie.
     *
     * @param snapshot        the routing snapshot the request read, once
     * @param previewListener whether the request came through the preview listener
     */
    public Route route(HttpRequest request, RoutingSnapshot snapshot, boolean previewListener) {
        return route(request, snapshot, previewListener, false);
    }

    /**
     * As {@link #route(HttpRequest, RoutingSnapshot, boolean)}, for a request that came over TLS when
     * {@code overTls}: a new session's cookie is then {@code Secure} whatever the settings say (a cookie set over
     * HTTPS must not travel in clear on a later plain request).
     */
    public Route route(HttpRequest request, RoutingSnapshot snapshot, boolean previewListener, boolean overTls) {
        if (preview == null && sticky == null && !previewListener) {
            // The plain case: nothing to read in the head, nothing allocated unless a shift or the safety net acts.
            return routeRequest(snapshot, snapshot.shiftPercent());
        }
        HttpHeaders headers = request.headers();
        boolean isPreview = previewListener || matchesPreview(headers);
        if (preview != null && previewSecret != null) {
            removePreviewMark(headers);
        }
        if (isPreview) {
            if (sticky != null && sticky.source() == StickySessions.Source.PROXY_COOKIE) {
                Cookies.remove(headers, sticky.name());
            }
            return Route.of(snapshot.idle(), Route.Kind.PREVIEW);
        }
        int shift = snapshot.shiftPercent();
        return sticky == null ? routeRequest(snapshot, shift) : routeSession(headers, snapshot, shift, overTls);
    }

    // ---- preview ---------------------------------------------------------------------------------------------

    private boolean matchesPreview(HttpHeaders headers) {
        if (preview == null) {
            return false;
        }
        String value = preview.isCookie() ? Cookies.value(headers, preview.name())
                : headers.get(preview.name());
        if (value == null) {
            return false;
        }
        // Constant time in the value's content: the comparison time tells an attacker nothing about the secret.
        return previewSecret == null
                || MessageDigest.isEqual(value.getBytes(StandardCharsets.ISO_8859_1), previewSecret);
    }

    private void removePreviewMark(HttpHeaders headers) {
        if (preview.isCookie()) {
            Cookies.remove(headers, preview.name());
        } else {
            headers.remove(preview.name());
        }
    }

    // ---- shift and live --------------------------------------------------------------------------------------

    /** A request without a session: the idle colour with the shift's probability, else the live colour. */
    private Route routeRequest(RoutingSnapshot snapshot, int shift) {
        if (shift > 0 && ThreadLocalRandom.current().nextInt(100) < shift && !snapshot.idleEnvironment().isEmpty()) {
            return Route.of(snapshot.idle(), Route.Kind.SHIFT);
        }
        return liveRoute(snapshot);
    }

    /** The live colour, with the safety net's fallback while the live colour changed within its window. */
    private Route liveRoute(RoutingSnapshot snapshot) {
        if (safetyNetWindowNanos > 0 && changedWithin(snapshot, safetyNetWindowNanos)
                && !snapshot.idleEnvironment().isEmpty()) {
            return new Route(snapshot.live(), Route.Kind.LIVE, null, snapshot.idleEnvironment());
        }
        return Route.live(snapshot.live());
    }

    /** Whether the snapshot's live colour became live less than {@code windowNanos} ago. */
    private boolean changedWithin(RoutingSnapshot snapshot, long windowNanos) {
        LiveChange last = lastChange(snapshot);
        return last.live() == snapshot.live() && last.known()
                && settings.ticker().read() - last.atNanos() < windowNanos;
    }

    /**
     * The latest change of the live colour, as far as {@code snapshot} tells too. The listener hears of a change
     * after the snapshot is swapped (and not of one made before the proxy started listening): a newer snapshot with
     * another live colour means a change just now, recorded here so that it is timed from its first request.
     */
    private LiveChange lastChange(RoutingSnapshot snapshot) {
        LiveChange last = lastLiveChange.get();
        if (last.live() == snapshot.live() || snapshot.generation() <= last.generation()) {
            return last;
        }
        LiveChange seen = new LiveChange(snapshot.live(), snapshot.generation(), settings.ticker().read(), true);
        return lastLiveChange.compareAndSet(last, seen) ? seen : lastLiveChange.get();
    }

    // ---- sticky sessions -------------------------------------------------------------------------------------

    private Route routeSession(HttpHeaders headers, RoutingSnapshot snapshot, int shift, boolean overTls) {
        String name;
        String setCookie = null;
        switch (sticky.source()) {
            case PROXY_COOKIE -> {
                name = Cookies.value(headers, sticky.name());
                if (name != null) {
                    Cookies.remove(headers, sticky.name());
                }
                if (!SessionIds.isValid(name)) {
                    name = SessionIds.next();
                    setCookie = sticky.name() + "=" + name + "; Path=/; HttpOnly; SameSite=Lax"
                            + (sticky.secureCookie() || overTls ? "; Secure" : "");
                }
            }
            case COOKIE -> name = Cookies.value(headers, sticky.name());
            default -> name = headers.get(sticky.name());
        }
        if (name == null || name.isEmpty()) {
            return routeRequest(snapshot, shift);
        }
        String key = SessionTable.key(name);
        SessionTable.Pin pin = sessions.pinned(key);
        if (pin == null) {
            Route decided = routeRequest(snapshot, shift);
            SessionTable.Pin prior = sessions.pinIfAbsent(key, pin(snapshot, decided.colour()));
            if (prior == null) {
                return decided.withSetCookie(setCookie);
            }
            // Another request of the same new session was pinned first: follow it, as this one would have.
            pin = prior;
        }
        Route pinned = honoured(pin, snapshot, shift);
        if (pinned != null) {
            return pinned.withSetCookie(setCookie);
        }
        Route decided = routeRequest(snapshot, shift);
        sessions.repin(key, pin(snapshot, decided.colour()));
        return decided.withSetCookie(setCookie);
    }

    /**
     * A pin to {@code colour}'s pool as the snapshot has it, dated by the snapshot's own generation: not by the last
     * change heard, which may already be a switch newer than the snapshot the request was routed on (the pin would
     * then look made after that switch, and the session would move at its next request).
     */
    private static SessionTable.Pin pin(RoutingSnapshot snapshot, Colour colour) {
        return new SessionTable.Pin(snapshot.environment(colour), snapshot.generation());
    }

    /**
     * The route of a session pinned by {@code pin}, or {@code null} if the pin is no longer honoured: it is while
     * its pool (same version) is live, or idle during a shift that pinned it there, or was live until the last
     * switch, made before that switch and within its drain deadline. A pin to the idle colour made by a shift that was
     * rolled back is not; nor is one made while the idle colour was live, once its drain deadline has passed, even if
     * a shift to that colour starts later: the session draws again, as a new one would.
     */
    private Route honoured(SessionTable.Pin pin, RoutingSnapshot snapshot, int shift) {
        Colour colour = pin.pool().colour();
        Environment current = snapshot.environment(colour);
        if (current.isEmpty() || !current.version().equals(pin.pool().version())) {
            return null;
        }
        if (colour == snapshot.live()) {
            return liveRoute(snapshot);
        }
        boolean beforeTheSwitch = pin.epoch() < lastChange(snapshot).generation();
        if (shift > 0 && !beforeTheSwitch) {
            return Route.of(colour, Route.Kind.SHIFT);
        }
        return beforeTheSwitch && oldColourInUse(snapshot, colour) ? Route.of(colour, Route.Kind.STICKY) : null;
    }

    /**
     * Whether sessions pinned to {@code colour}, which the snapshot shows idle, may still use it: it was live until
     * the last switch and that switch's drain deadline has not passed.
     */
    private boolean oldColourInUse(RoutingSnapshot snapshot, Colour colour) {
        LiveChange last = lastChange(snapshot);
        if (last.live() == colour) {
            // A newer change than the snapshot made it live again.
            return true;
        }
        return last.known() && settings.ticker().read() - last.atNanos() < drainTimeoutNanos
                && acceptsNewExchanges(colour);
    }

    /**
     * Whether new exchanges may still go to {@code colour}, which is not live, by the safety net or a sticky session:
     * not once its drain has ended, or is about to (a drain that reported its colour empty means it: see
     * {@code DrainCoordinator}). Asked on the event loop that counts the exchange, in the same task.
     */
    public boolean acceptsNewExchanges(Colour colour) {
        DrainTracker drain = drains.apply(colour);
        return drain == null || !drain.closedToNewWork();
    }

    /**
     * Whether the safety net may still send requests to {@code colour}: it was live until the last change of the live
     * colour, and that change is within the safety net's window. Its drain does not end before.
     */
    public boolean safetyNetReaches(Colour colour) {
        LiveChange last = lastLiveChange.get();
        return safetyNetWindowNanos > 0 && last.known() && last.live() != colour
                && settings.ticker().read() - last.atNanos() < safetyNetWindowNanos;
    }

    /**
     * Learns from a response: when the application's own cookie names sessions and a backend sets it, the session
     * is pinned to that backend's pool, where it now lives, even if the request had no cookie yet and was routed on
     * its own (a shift's draw, the colour live just before a switch).
     *
     * @param generation the routing generation of the snapshot the request was routed on
     */
    public void responded(Route route, Environment pool, long generation, HttpHeaders headers) {
        if (sticky == null || sticky.source() != StickySessions.Source.COOKIE || route.kind() == Route.Kind.PREVIEW) {
            return;
        }
        String name = Cookies.setCookieValue(headers, sticky.name());
        if (name != null && !name.isEmpty()) {
            sessions.repin(SessionTable.key(name), new SessionTable.Pin(pool, generation));
        }
    }

    // ---- upstream pools --------------------------------------------------------------------------------------

    /**
     * Whether upstream connections of {@code colour}, which is not live, are worth keeping for later requests: the
     * idle colour's while preview or a shift sends it requests (once a drain of it has ended), the previous live
     * colour's while sticky sessions may still use it.
     */
    public boolean keepsNonLive(RoutingSnapshot snapshot, Colour colour) {
        if (preview != null || settings.previewListenAddress() != null || snapshot.shiftPercent() > 0) {
            DrainTracker drain = drains.apply(colour);
            if (drain == null || drain.isDone()) {
                return true;
            }
        }
        return sticky != null && oldColourInUse(snapshot, colour);
    }

    /** The session table, or {@code null} without sticky sessions; for tests. */
    SessionTable sessions() {
        return sessions;
    }
}
