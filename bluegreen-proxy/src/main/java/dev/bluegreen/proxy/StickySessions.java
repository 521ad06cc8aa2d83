package dev.bluegreen.proxy;

import dev.bluegreen.core.internal.Texts;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Sticky sessions: a client stays on the colour it started on. After a switch, a session that started on the old
 * colour keeps it until it has been idle for {@link #idleTtl} or the old colour's drain deadline passes
 * ({@link BlueGreenProxyBuilder#drainTimeout}); new sessions go to the new colour. During a gradual shift, each
 * new session (not each request) is sent to the idle colour with the shift's probability and stays there.
 *
 * <p>A session is named by a cookie the proxy sets itself ({@link #proxyCookie}), or by a cookie or header the
 * application already has ({@link #fromCookie}, {@link #fromHeader}). A request without one is routed on its own.
 *
 * <p>The proxy keeps one table entry per session seen within the idle TTL, at most {@link #maximumSize} of them
 * (Caffeine, W-TinyLFU: sessions that keep coming back are kept before one-request visitors). Measured, an entry
 * costs about 180 bytes with the proxy's own cookie and at most about 220 bytes with an application's session id
 * (names longer than 64 characters are kept as a 43-character digest), so the default 100,000 sessions take at most
 * about 22 MB of heap.
 *
 * <pre>{@code
 * BlueGreenProxy.builder(admin)
 *         .stickySessions(StickySessions.proxyCookie("bg-session").idleTtl(Duration.ofMinutes(10)))
 *         .drainTimeout(Duration.ofMinutes(10))     // how long sessions may stay on the old colour after a switch
 *         ...
 * }</pre>
 *
 * <p>Immutable and thread-safe. Two are equal when every setting is: the source, its name (a header's in any case, as
 * headers are matched; a cookie's case-sensitive), the idle TTL, the maximum size and the cookie's {@code Secure}.
 */
public final class StickySessions {

    /** Where a session's name comes from. */
    public enum Source {
        /** A cookie the proxy sets on the first response ({@code HttpOnly; SameSite=Lax; Path=/}). */
        PROXY_COOKIE,
        /** A cookie the application sets, e.g. {@code JSESSIONID}. */
        COOKIE,
        /** A request header, e.g. one a client library sends with a session or user id. */
        HEADER
    }

    /** The default {@link #idleTtl}: 30 minutes. */
    public static final Duration DEFAULT_IDLE_TTL = Duration.ofMinutes(30);

    /** The default {@link #maximumSize}: 100,000 sessions. */
    public static final long DEFAULT_MAXIMUM_SIZE = 100_000;

    private final Source source;
    private final String name;
    private final Duration idleTtl;
    private final long maximumSize;
    private final boolean secureCookie;

    private StickySessions(Source source, String name, Duration idleTtl, long maximumSize, boolean secureCookie) {
        this.source = source;
        this.name = name;
        this.idleTtl = idleTtl;
        this.maximumSize = maximumSize;
        this.secureCookie = secureCookie;
    }

    /**
     * Sessions named by a cookie the proxy sets: a client without it gets a new random id in a
     * {@code Set-Cookie} on its first response. The cookie is removed from requests before they go upstream.
     *
     * @throws IllegalArgumentException if {@code name} is not a cookie name token
     */
    public static StickySessions proxyCookie(String name) {
        return new StickySessions(Source.PROXY_COOKIE, PreviewRule.token("cookie", name), DEFAULT_IDLE_TTL,
                DEFAULT_MAXIMUM_SIZE, false);
    }

    /**
     * Sessions named by the application's own cookie {@code name}, passed on untouched. A request without it is
     * routed on its own; when a backend's response sets the cookie, the session is pinned to that backend's colour,
     * where the application just started it.
     *
     * @throws IllegalArgumentException if {@code name} is not a cookie name token
     */
    public static StickySessions fromCookie(String name) {
        return new StickySessions(Source.COOKIE, PreviewRule.token("cookie", name), DEFAULT_IDLE_TTL,
                DEFAULT_MAXIMUM_SIZE, false);
    }

    /**
     * Sessions named by the request header {@code name}, passed on untouched; a request without it is routed on
     * its own.
     *
     * @throws IllegalArgumentException if {@code name} is not a header name token
     */
    public static StickySessions fromHeader(String name) {
        return new StickySessions(Source.HEADER, PreviewRule.token("header", name), DEFAULT_IDLE_TTL,
                DEFAULT_MAXIMUM_SIZE, false);
    }

    /**
     * How long a session may go without a request before it is forgotten (and its next request is routed as a new
     * session's). Default 30 minutes.
     *
     * @throws IllegalArgumentException if {@code ttl} is not positive
     */
    public StickySessions idleTtl(Duration ttl) {
        Texts.requirePositive("idleTtl", ttl);
        return new StickySessions(source, name, ttl, maximumSize, secureCookie);
    }

    /**
     * The most sessions remembered at once; beyond it the least valuable are forgotten. Default 100,000.
     *
     * @throws IllegalArgumentException if {@code size} is not 1 to 100,000,000
     */
    public StickySessions maximumSize(long size) {
        if (size < 1 || size > 100_000_000) {
            throw new IllegalArgumentException("maximumSize: " + size + " (expected: 1-100000000)");
        }
        return new StickySessions(source, name, idleTtl, size, secureCookie);
    }

    /**
     * Whether the proxy's cookie always carries {@code Secure} (send it over HTTPS only), for {@link #proxyCookie}.
     * A cookie set on a connection that came over the proxy's TLS is {@code Secure} anyway; this is for clients that
     * reach the proxy in clear through a load balancer that speaks HTTPS to them. Default off.
     */
    public StickySessions secureCookie(boolean secure) {
        return new StickySessions(source, name, idleTtl, maximumSize, secure);
    }

    /** Where a session's name comes from. */
    public Source source() {
        return source;
    }

    /** The cookie or header name. */
    public String name() {
        return name;
    }

    /** How long an idle session is remembered. */
    public Duration idleTtl() {
        return idleTtl;
    }

    /** The most sessions remembered at once. */
    public long maximumSize() {
        return maximumSize;
    }

    /** Whether the proxy's own cookie is {@code Secure}. */
    public boolean secureCookie() {
        return secureCookie;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof StickySessions that && source == that.source
                && (source == Source.HEADER ? name.equalsIgnoreCase(that.name) : name.equals(that.name))
                && idleTtl.equals(that.idleTtl) && maximumSize == that.maximumSize
                && secureCookie == that.secureCookie;
    }

    @Override
    public int hashCode() {
        return Objects.hash(source, source == Source.HEADER ? name.toLowerCase(Locale.ROOT) : name, idleTtl,
                maximumSize, secureCookie);
    }

    @Override
    public String toString() {
        return "StickySessions[" + source + " " + name + ", idleTtl " + idleTtl + ", maximumSize " + maximumSize
                + (secureCookie ? ", secure" : "") + "]";
    }
}
