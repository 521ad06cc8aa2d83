package dev.bluegreen.proxy.internal.routing;

import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Where one request goes, and why: the outcome of {@link Router#route}. Immutable; the plain "live colour" routes
 * are shared constants, so the common case allocates nothing.
 *
 * @param colour      the colour the exchange is pinned to
 * @param kind        why it goes there
 * @param setCookie   a {@code Set-Cookie} value for the response (a new sticky session), or {@code null}
 * @param fallback    the pool the safety net may send the request to if no backend of {@code colour} takes it
 *                    before anything was sent, or {@code null}
 */
public record Route(Colour colour, Kind kind, String setCookie, Environment fallback) {

    /** Why a request goes where it goes; named in the routing header unless {@link #LIVE}. */
    public enum Kind {
        /** The live colour. */
        LIVE("live"),
        /** The idle colour, for preview traffic: no fallback, ever. */
        PREVIEW("idle"),
        /** The idle colour, for a gradual shift's share. */
        SHIFT("idle"),
        /** The previous live colour, for a sticky session that started there before the switch. */
        STICKY("idle"),
        /** The previous live colour, because the newly live one could not take the request (safety net). */
        SAFETY_NET("idle");

        private final String pool;

        Kind(String pool) {
            this.pool = pool;
        }

        /** Which pool this is in the words of an error message: live or idle. */
        public String pool() {
            return pool;
        }

        /** The name in the routing header: {@code preview}, {@code shift}, {@code sticky}, {@code safety-net}. */
        String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    /** The plain routes, by kind and colour: shared, so that routing allocates nothing in the common case. */
    private static final Route[][] PLAIN = new Route[Kind.values().length][Colour.values().length];

    static {
        for (Kind kind : Kind.values()) {
            for (Colour colour : Colour.values()) {
                PLAIN[kind.ordinal()][colour.ordinal()] = new Route(colour, kind, null, null);
            }
        }
    }

    /** {@code colour} for {@code kind}, no cookie, no fallback. */
    static Route of(Colour colour, Kind kind) {
        return PLAIN[kind.ordinal()][colour.ordinal()];
    }

    /** The live colour, nothing else. */
    public static Route live(Colour colour) {
        return of(colour, Kind.LIVE);
    }

    /**
     * Adds what the response tells about this route: the routing header ({@code green; generation=7}, with
     * {@code ; via=preview|shift|sticky|safety-net} unless the live colour served it) when one is configured, and
     * the new sticky session's cookie.
     */
    public void decorate(HttpHeaders headers, String routingHeader, long generation) {
        if (routingHeader != null) {
            name(headers, routingHeader, generation);
        }
        if (setCookie != null) {
            headers.add(HttpHeaderNames.SET_COOKIE, setCookie);
        }
    }

    /** Sets {@code routingHeader} to this route: {@code green; generation=7}, and {@code ; via=...} if not live. */
    public void name(HttpHeaders headers, String routingHeader, long generation) {
        String value = colour.label() + "; generation=" + generation;
        headers.set(routingHeader, kind == Kind.LIVE ? value : value + "; via=" + kind.label());
    }

    /** This route, setting {@code cookie} on the response. */
    Route withSetCookie(String cookie) {
        return cookie == null ? this : new Route(colour, kind, cookie, fallback);
    }

    /** The route the safety net takes: the fallback pool's colour, no further fallback. */
    public Route safetyNet() {
        return new Route(fallback.colour(), Kind.SAFETY_NET, setCookie, null);
    }
}
