package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.internal.Texts;
import java.util.Locale;
import java.util.Optional;

/**
 * How the proxy picks the backend of the live pool for each request ({@link BlueGreenProxyBuilder#loadBalancing}):
 * {@link #ROUND_ROBIN} (the default), {@link #LEAST_REQUESTS}, a consistent hash of a part of the request
 * ({@link #hashOfHeader}, {@link #hashOfCookie}, {@link #hashOfQueryParameter}, {@link #hashOfClientAddress},
 * {@link #hashOfPath}), or round robin with a cookie that keeps a client on its backend ({@link #affinityCookie}).
 * Whichever, a request skips the backends that are unhealthy or ejected, those it already tried and those at their
 * {@linkplain Backend#maxRequests() limit}. Shadow copies of requests ({@link MirrorSettings}) are spread round robin
 * whatever is set here.
 *
 * <p>Immutable and thread-safe; two settings are equal when their {@link #label()}s are.
 */
public final class LoadBalancing {

    /**
     * Weighted round robin, the default: each backend gets its {@linkplain Backend#weight() weight}'s share of the
     * requests, whatever they cost. The cheapest choice: nothing is shared between event loops for a backend without
     * a limit.
     */
    public static final LoadBalancing ROUND_ROBIN = new LoadBalancing("round-robin", false, null, null, null, false);

    /**
     * The backend with the fewest requests under way through this proxy, relative to its weight (requests ÷ weight;
     * backends level on it take turns by weight), counted over every event loop: a backend slowed down by a long
     * request, a pause of its runtime or a slower machine gets fewer new ones, where round robin would keep handing it
     * its share. As HAProxy's {@code balance leastconn} and nginx's {@code least_conn}, counted in requests rather
     * than connections (one HTTP/2 connection carries many). Costs one shared counter update when a request takes a
     * backend and one when it leaves it.
     */
    public static final LoadBalancing LEAST_REQUESTS =
            new LoadBalancing("least-requests", true, null, null, null, false);

    /** What a consistent hash is taken of: see {@link #hashOfHeader} and the other factories. */
    public enum HashedPart {
        /** A request header's value (its first field, when it is repeated). */
        HEADER,
        /** A request cookie's value. */
        COOKIE,
        /** The client's IP address, without the port. */
        CLIENT_ADDRESS,
        /** The request target's path, without the query. */
        PATH,
        /** A query parameter's value. */
        QUERY_PARAMETER
    }

    private static final String EXPECTED = "round-robin, least-requests, hash:header:NAME, hash:cookie:NAME,"
            + " hash:query:NAME, hash:client-address, hash:path or affinity-cookie:NAME, or one of the others followed"
            + " by ,affinity-cookie:NAME; the affinity cookie's name may be followed by :secure";
    private static final String AFFINITY = "affinity-cookie:";
    private static final String SECURE = ":secure";

    private final String label;
    private final boolean leastRequests;
    private final Optional<HashedPart> hashedPart;
    private final Optional<String> hashedName;
    private final Optional<String> affinityCookie;
    private final boolean affinityCookieSecure;

    private LoadBalancing(String label, HashedPart part, String name) {
        this(label, false, part, name, null, false);
    }

    private LoadBalancing(String label, boolean leastRequests, HashedPart part, String name, String affinityCookie,
                          boolean affinityCookieSecure) {
        this.label = label;
        this.leastRequests = leastRequests;
        this.hashedPart = Optional.ofNullable(part);
        this.hashedName = Optional.ofNullable(name);
        this.affinityCookie = Optional.ofNullable(affinityCookie);
        this.affinityCookieSecure = affinityCookieSecure;
    }

    /**
     * Each request goes to the backend a consistent hash of its header {@code name} picks (weighted rendezvous
     * hashing): requests with the same value go to the same backend while it is in the pool and usable, and when a
     * backend leaves the pool, is unhealthy or at its limit, only the values that went to it move, each to its next
     * choice. Backends get shares of the values by their {@linkplain Backend#weight() weights}. A request without the
     * header goes round robin (as HAProxy's {@code balance hdr()} does). For a cache in front of each backend, or
     * state held per user or tenant. nginx's {@code hash $http_name consistent}.
     *
     * @param name the header name (case-insensitive)
     * @throws IllegalArgumentException if {@code name} is not a header name token (RFC 9110 §5.6.2)
     */
    public static LoadBalancing hashOfHeader(String name) {
        String header = PreviewRule.token("header", name).toLowerCase(Locale.ROOT);
        return new LoadBalancing("hash:header:" + header, HashedPart.HEADER, header);
    }

    /**
     * A consistent hash of the request's cookie {@code name}, as {@link #hashOfHeader} does with a header: affinity by
     * a cookie the client has from its first request on (a user or tenant id set at login, say). A request without the
     * cookie goes round robin, so an application's own session cookie, set in its first answer, would move the client
     * to another backend: for that, {@link #affinityCookie}.
     *
     * @param name the cookie name (case-sensitive, RFC 6265 §5.4)
     * @throws IllegalArgumentException if {@code name} is not a cookie name token
     */
    public static LoadBalancing hashOfCookie(String name) {
        String cookie = PreviewRule.token("cookie", name);
        return new LoadBalancing("hash:cookie:" + cookie, HashedPart.COOKIE, cookie);
    }

    /**
     * A consistent hash of the client's IP address, as {@link #hashOfHeader} does with a header (HAProxy's
     * {@code balance source}, nginx's {@code hash $remote_addr consistent}; not nginx's {@code ip_hash}, which takes
     * only the first three octets of an IPv4 address): the whole address the connection came from. Behind a load
     * balancer every request comes from the balancer's few addresses: hash the header it puts the client's address in
     * instead ({@code hashOfHeader("X-Real-IP")}, say, a header the balancer sets rather than appends to).
     */
    public static LoadBalancing hashOfClientAddress() {
        return new LoadBalancing("hash:client-address", HashedPart.CLIENT_ADDRESS, null);
    }

    /**
     * A consistent hash of the request's path (the target without its query), as {@link #hashOfHeader} does with a
     * header (HAProxy's {@code balance uri}): each resource from the same backend, for the backends' caches.
     */
    public static LoadBalancing hashOfPath() {
        return new LoadBalancing("hash:path", HashedPart.PATH, null);
    }

    /**
     * A consistent hash of the request's query parameter {@code name}, as {@link #hashOfHeader} does with a header
     * (HAProxy's {@code balance url_param}): its first value, as sent (not percent-decoded). A request without the
     * parameter, or with an empty value, goes round robin.
     *
     * @param name the parameter's name, as sent (case-sensitive)
     * @throws IllegalArgumentException if {@code name} is empty or holds a character other than a letter, a digit or
     *         one of {@code -._~}
     */
    public static LoadBalancing hashOfQueryParameter(String name) {
        requireNonNull(name, "query parameter");
        if (name.isEmpty() || !name.chars().allMatch(c -> c < 0x80 && (Character.isLetterOrDigit(c)
                || "-._~".indexOf(c) >= 0))) {
            throw new IllegalArgumentException("query parameter: " + Texts.quote(name)
                    + " (expected: letters, digits and -._~)");
        }
        return new LoadBalancing("hash:query:" + name, HashedPart.QUERY_PARAMETER, name);
    }

    /**
     * Round robin, and then each client stays on the backend that answered it, by a cookie the proxy sets (HAProxy's
     * {@code cookie NAME insert indirect}): a response from a backend the request did not name gets
     * {@code Set-Cookie: NAME=<token>; Path=/; HttpOnly; SameSite=Lax} ({@code Secure} too when the client connected
     * with TLS, or on every answer: {@link #withSecureAffinityCookie}), the token an unkeyed hash of the backend's
     * {@linkplain Backend#id() id} (by default its {@code host:port}: not shown, but a guessed address can be checked
     * against it); a request carrying the cookie goes to that backend while it is in the request's pool and usable,
     * else round robin, and its answer sets the cookie anew. The cookie is removed from the request before it goes
     * upstream. For an application that keeps sessions in one backend's memory: unlike {@link #hashOfCookie} of the
     * application's own session cookie, the first request's backend is the one the client stays with.
     *
     * @param name the cookie's name (case-sensitive, RFC 6265 §5.4)
     * @throws IllegalArgumentException if {@code name} is not a cookie name token
     */
    public static LoadBalancing affinityCookie(String name) {
        return ROUND_ROBIN.withAffinityCookie(name);
    }

    /**
     * This balancing for the requests without the cookie {@code name}, and each client then kept on the backend that
     * answered it by that cookie, as {@link #affinityCookie} does over round robin: least requests
     * ({@code LEAST_REQUESTS.withAffinityCookie("SRV")}, labelled {@code least-requests,affinity-cookie:SRV}) or a
     * consistent hash picks a new client's backend, the cookie keeps it there while that backend is usable.
     *
     * @param name the cookie's name (case-sensitive, RFC 6265 §5.4)
     * @throws IllegalArgumentException if {@code name} is not a cookie name token, or this balancing has an affinity
     *         cookie already or hashes the cookie {@code name}
     */
    public LoadBalancing withAffinityCookie(String name) {
        String cookie = PreviewRule.token("cookie", name);
        if (affinityCookie.isPresent()) {
            throw new IllegalArgumentException("affinity cookie: " + Texts.quote(cookie) + " (expected: one affinity"
                    + " cookie; " + label + " has one)");
        }
        if (hashedPart.orElse(null) == HashedPart.COOKIE && hashedName.orElseThrow().equals(cookie)) {
            // The proxy takes its cookie out of each request: hashing it would pick by the proxy's own token.
            throw new IllegalArgumentException("affinity cookie: " + Texts.quote(cookie) + " (expected: another"
                    + " cookie than the one " + label + " hashes)");
        }
        String base = equals(ROUND_ROBIN) ? "" : label + ",";
        return new LoadBalancing(base + AFFINITY + cookie, leastRequests, hashedPart.orElse(null),
                hashedName.orElse(null), cookie, false);
    }

    /**
     * This balancing, its affinity cookie marked {@code Secure} on every answer, not only when the client connected
     * with TLS (labelled {@code affinity-cookie:NAME:secure}): for a proxy behind a balancer or CDN that ends the
     * clients' TLS and speaks plain HTTP to it, whose clients would otherwise get a cookie their browser also sends
     * over plain HTTP. As HAProxy's {@code cookie ... secure} and {@link StickySessions#secureCookie}.
     *
     * @throws IllegalStateException if this balancing has no {@linkplain #affinityCookie() affinity cookie}
     */
    public LoadBalancing withSecureAffinityCookie() {
        String cookie = affinityCookie.orElseThrow(() -> new IllegalStateException(
                "a Secure affinity cookie: " + label + " has no affinity cookie (expected: affinityCookie(NAME) or "
                        + "withAffinityCookie(NAME) first)"));
        return affinityCookieSecure ? this : new LoadBalancing(label + SECURE, leastRequests,
                hashedPart.orElse(null), hashedName.orElse(null), cookie, true);
    }

    /**
     * The setting named {@code name}, as the runner's {@code --load-balancing} and the starter's property spell it:
     * {@code round-robin}, {@code least-requests}, {@code hash:header:NAME}, {@code hash:cookie:NAME},
     * {@code hash:query:NAME}, {@code hash:client-address}, {@code hash:path} or {@code affinity-cookie:NAME}, or one
     * of the others followed by {@code ,affinity-cookie:NAME} ({@link #withAffinityCookie}), the affinity cookie's name
     * followed by {@code :secure} for {@link #withSecureAffinityCookie}; the words in any case ({@code _} for {@code -}
     * too), the header, cookie or parameter name as given.
     *
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public static LoadBalancing named(String name) {
        String given = name == null ? "" : name.strip();
        try {
            int comma = given.lastIndexOf(',');
            if (comma < 0) {
                return single(given);
            }
            String affinity = given.substring(comma + 1).strip();
            if (!words(affinity).startsWith(AFFINITY)) {
                throw new IllegalArgumentException((String) null);
            }
            return withAffinity(single(given.substring(0, comma).strip()), affinity.substring(AFFINITY.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("loadBalancing: " + Texts.quote(name) + " (expected: " + EXPECTED
                    + (e.getMessage() == null ? "" : "; " + e.getMessage()) + ")", e);
        }
    }

    /**
     * One setting without a comma. @throws IllegalArgumentException with the factory's message, or none for a name
     * that is not one of them
     */
    private static LoadBalancing single(String given) {
        int colon = given.indexOf(':', "hash:".length());
        String word = words(colon < 0 ? given : given.substring(0, colon));
        String rest = colon < 0 ? null : given.substring(colon + 1);
        if (rest == null) {
            switch (word) {
                case "round-robin":
                    return ROUND_ROBIN;
                case "least-requests":
                    return LEAST_REQUESTS;
                case "hash:client-address":
                    return hashOfClientAddress();
                case "hash:path":
                    return hashOfPath();
                default:
                    break;
            }
        } else if (word.equals("hash:header")) {
            return hashOfHeader(rest);
        } else if (word.equals("hash:cookie")) {
            return hashOfCookie(rest);
        } else if (word.equals("hash:query")) {
            return hashOfQueryParameter(rest);
        } else if (word.equals("affinity-cookie")) {
            return withAffinity(ROUND_ROBIN, rest);
        }
        throw new IllegalArgumentException((String) null);
    }

    /** {@code base} with the affinity cookie {@code cookie} names: {@code NAME} or {@code NAME:secure}. */
    private static LoadBalancing withAffinity(LoadBalancing base, String cookie) {
        boolean secure = cookie.regionMatches(true, cookie.length() - SECURE.length(), SECURE, 0, SECURE.length());
        LoadBalancing balancing = base.withAffinityCookie(
                secure ? cookie.substring(0, cookie.length() - SECURE.length()) : cookie);
        return secure ? balancing.withSecureAffinityCookie() : balancing;
    }

    private static String words(String text) {
        return text.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The name {@link #named} reads back: {@code round-robin}, {@code least-requests}, {@code hash:} and what is
     * hashed ({@code hash:header:x-tenant}, the header name in lower case), or {@code affinity-cookie:} and the name
     * (and {@code :secure}), after the balancing under it and a comma unless that is round robin.
     */
    public String label() {
        return label;
    }

    /** Whether a request's backend is the one with the fewest requests under way for its weight. */
    public boolean isLeastRequests() {
        return leastRequests;
    }

    /** What a consistent hash is taken of; empty for {@link #ROUND_ROBIN} and {@link #LEAST_REQUESTS}. */
    public Optional<HashedPart> hashedPart() {
        return hashedPart;
    }

    /**
     * The name of the header (lower case), cookie or query parameter a consistent hash is taken of; empty otherwise.
     */
    public Optional<String> hashedName() {
        return hashedName;
    }

    /** The name of the cookie that keeps a client on the backend that answered it ({@link #affinityCookie}). */
    public Optional<String> affinityCookie() {
        return affinityCookie;
    }

    /**
     * Whether the affinity cookie is {@code Secure} on every answer ({@link #withSecureAffinityCookie}), not only on
     * those to clients that connected with TLS.
     */
    public boolean affinityCookieSecure() {
        return affinityCookieSecure;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LoadBalancing balancing && label.equals(balancing.label);
    }

    @Override
    public int hashCode() {
        return label.hashCode();
    }

    /** The {@link #label()}. */
    @Override
    public String toString() {
        return label;
    }
}
