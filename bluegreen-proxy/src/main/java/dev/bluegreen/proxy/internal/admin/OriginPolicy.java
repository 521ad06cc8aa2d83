package dev.bluegreen.proxy.internal.admin;

import dev.bluegreen.proxy.internal.request.Authority;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Refuses a state-changing request that a web page of another origin made a browser send: the admin endpoint's
 * defence against cross-site request forgery, where a hidden form on any page an operator visits posts to
 * {@code /switch}. Browsers say where a request comes from; scripts and curl say nothing, and pass:
 *
 * <ul>
 *   <li>{@code Origin} (RFC 6454 §7, sent by browsers on every POST): it must be the endpoint's own origin, that is
 *       {@code http://} (or {@code https://} over TLS) and the request's {@code Host} (which {@link HostAllowList}
 *       already vouched for), or one the application allows. {@code Origin: null} (a sandboxed frame, a
 *       {@code file:} page, a cross-origin redirect) is refused.</li>
 *   <li>{@code Sec-Fetch-Site} (W3C Fetch Metadata): it must be {@code same-origin} or {@code none} (the operator
 *       typed the address), unless the {@code Origin} is one the application allows. {@code same-site} is
 *       refused too: another service on this machine, on another port, is same-site.</li>
 * </ul>
 *
 * <p>Safe methods (GET, HEAD, OPTIONS, TRACE: RFC 9110 §9.2.1) change nothing here and are not checked: a page of
 * another origin may make the browser fetch {@code /status}, but without CORS headers it can't read the answer.
 * Every other method is checked, whatever the path. Immutable and thread-safe.
 */
public final class OriginPolicy {

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
            HttpMethod.TRACE);
    private static final Set<String> SAME_ORIGIN_SITES = Set.of("same-origin", "none");
    private static final String SEC_FETCH_SITE = "Sec-Fetch-Site";

    private final Set<String> allowedOrigins;
    private final String ownScheme;

    /**
     * @param allowedOrigins origins in {@link #canonicalOrigin} form that may change state besides the own one
     * @param ownScheme      {@code http}, or {@code https} when the endpoint serves TLS: its own origin's scheme
     */
    public OriginPolicy(Set<String> allowedOrigins, String ownScheme) {
        this.allowedOrigins = Set.copyOf(allowedOrigins);
        this.ownScheme = ownScheme;
    }

    /**
     * Decides whether {@code request} may go on.
     *
     * @param host the request's {@code Host}, already allowed; {@code null} for an HTTP/1.0 request without one
     * @return {@code null} when it may; otherwise why not, for the 403 body
     */
    public String refusal(HttpRequest request, Authority host) {
        if (SAFE.contains(request.method())) {
            return null;
        }
        List<String> origins = request.headers().getAll(HttpHeaderNames.ORIGIN);
        List<String> sites = request.headers().getAll(SEC_FETCH_SITE);
        if (origins.size() > 1 || sites.size() > 1) {
            return "cross-origin request refused: " + origins.size() + " Origin and " + sites.size() + " "
                    + SEC_FETCH_SITE + " fields (expected: at most one of each)";
        }
        boolean allowedOrigin = false;
        if (!origins.isEmpty()) {
            String origin = origins.get(0).trim();
            if ("null".equals(origin)) {
                return "cross-origin request refused: Origin 'null' (an opaque origin: a sandboxed frame, a file or "
                        + "a redirect) may not change anything here";
            }
            String canonical;
            try {
                canonical = canonicalOrigin(origin);
            } catch (IllegalArgumentException e) {
                return "cross-origin request refused: Origin " + e.getMessage();
            }
            allowedOrigin = allowedOrigins.contains(canonical);
            String own = host == null ? null : canonicalOrigin(ownScheme + "://" + host);
            if (!allowedOrigin && !canonical.equals(own)) {
                return "cross-origin request refused: Origin '" + Authority.printable(origin) + "' is not this "
                        + "endpoint's (expected: " + (own != null ? own : "no Origin") + " or an origin the "
                        + "application allows)";
            }
        }
        if (!sites.isEmpty()) {
            String site = sites.get(0).trim().toLowerCase(Locale.ROOT);
            if (!SAME_ORIGIN_SITES.contains(site) && !allowedOrigin) {
                return "cross-site request refused: " + SEC_FETCH_SITE + " '" + Authority.printable(site)
                        + "' (expected: same-origin or none; a page of another origin may not change anything here)";
            }
        }
        return null;
    }

    /**
     * An origin as browsers serialise it in {@code Origin} (RFC 6454 §6.1): {@code scheme://host[:port]}, scheme
     * {@code http} or {@code https}, no path; returned in lower case, IPv6 compressed, the scheme's default port
     * left out.
     *
     * @throws IllegalArgumentException naming the text and the form expected
     */
    public static String canonicalOrigin(String origin) {
        int separator = origin.indexOf("://");
        String scheme = separator < 0 ? "" : origin.substring(0, separator).toLowerCase(Locale.ROOT);
        int defaultPort = "http".equals(scheme) ? 80 : "https".equals(scheme) ? 443 : 0;
        if (defaultPort == 0) {
            throw notAnOrigin(origin);
        }
        Authority authority;
        try {
            authority = Authority.parse(origin.substring(separator + 3));
        } catch (IllegalArgumentException e) {
            throw notAnOrigin(origin);
        }
        return scheme + "://" + (authority.port() == defaultPort ? authority.host() : authority.toString());
    }

    private static IllegalArgumentException notAnOrigin(String origin) {
        return new IllegalArgumentException("'" + Authority.printable(origin) + "' (expected: scheme://host[:port],"
                + " scheme http or https, without path, as in https://admin.example.com)");
    }
}
