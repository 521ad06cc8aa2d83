package dev.bluegreen.proxy.internal.request;

import dev.bluegreen.proxy.internal.codec.ArrayHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.NetUtil;
import java.util.List;
import java.util.Locale;

/**
 * The one rules step every request passes before it is routed, whatever protocol it came in on: the checks on a
 * request head that the codecs do not make (Netty's HTTP/1.1 decoder already refuses bad line endings, bad header
 * names, CR/LF/NUL in values, a bad or repeated {@code Content-Length}, and {@code Transfer-Encoding} on HTTP/1.0 or
 * without a final {@code chunked}; the HTTP/2 codec refuses upper-case names, connection-specific fields and bad
 * pseudo-header fields), against the proxy's {@link RequestRules}. Stateless.
 *
 * <p>Each refusal says whether the request is malformed (it breaks the protocol: answered 400 on HTTP/1.1, its
 * stream reset with {@code PROTOCOL_ERROR} on HTTP/2, RFC 9113 §8.1.1) or refused by policy (a limit, a host not
 * served, an expectation not met: answered with its status on both).
 */
public final class RequestChecks {

    private RequestChecks() {
    }

    /**
     * Checks a request's trailer section against the field count limit, which binds trailers as it binds the head:
     * they are fields too, and a backend that merges them into the head would otherwise get more than the limit.
     *
     * @return the refusal ({@code 431}), or {@code null} if the trailers may be forwarded
     */
    public static RequestRejectedException checkTrailers(HttpHeaders trailers, RequestRules rules) {
        int limit = rules.limits().maxHeaderCount();
        if (trailers.size() <= limit) {
            return null;
        }
        return reject(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request header fields too large: "
                + trailers.size() + " trailer fields (limit " + limit + ")");
    }

    /**
     * Checks {@code request}, which came in on {@code protocol}, and brings an absolute-form HTTP/1.1 target to origin
     * form.
     *
     * @return why the request is refused, or {@code null} if it may be forwarded
     */
    public static RequestRejectedException check(HttpRequest request, RequestRules rules, ClientProtocol protocol) {
        if (protocol == ClientProtocol.HTTP_1 && request.protocolVersion().majorVersion() != 1) {
            // RFC 9110 §15.6.6: this listener speaks HTTP/1.x only (HTTP/2 comes with its preface, not a version).
            return reject(HttpResponseStatus.HTTP_VERSION_NOT_SUPPORTED,
                    "HTTP version not supported: " + request.protocolVersion());
        }
        HttpHeaders headers = request.headers();
        if (headers.size() > rules.limits().maxHeaderCount()) {
            // RFC 6585 §5: too many fields is as much "too large" as too many bytes.
            return reject(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request header fields too large: "
                    + headers.size() + " fields (limit " + rules.limits().maxHeaderCount() + ")");
        }
        if (HttpMethod.CONNECT.equals(request.method())) {
            // RFC 9110 §9.3.6: a reverse proxy is no tunnel to arbitrary hosts.
            return reject(HttpResponseStatus.NOT_IMPLEMENTED, "not implemented: CONNECT");
        }
        RequestRejectedException host = checkHost(request, protocol);
        if (host != null) {
            return host;
        }
        RequestRejectedException target = checkTarget(request, protocol);
        if (target != null) {
            return target;
        }
        RequestRejectedException allowed = checkAllowed(request, rules);
        if (allowed != null) {
            return allowed;
        }
        RequestRejectedException framing = checkFraming(request, rules);
        if (framing != null) {
            return framing;
        }
        String expect = headers.get(HttpHeaderNames.EXPECT);
        if (expect != null && (!"100-continue".equalsIgnoreCase(expect.trim())
                || headers.getAll(HttpHeaderNames.EXPECT).size() > 1)) {
            // RFC 9110 §10.1.1: the only expectation defined is 100-continue.
            return reject(HttpResponseStatus.EXPECTATION_FAILED, "expectation failed: " + expect);
        }
        return null;
    }

    /**
     * RFC 9112 §3.2: origin-form ({@code /path?query}), absolute-form ({@code http://host/path}, turned into origin
     * form with its authority as {@code Host}, §3.2.2) or asterisk-form for OPTIONS; on HTTP/2, {@code :path} is
     * origin-form or {@code *} for OPTIONS (RFC 9113 §8.3.1), nothing else. Only visible ASCII: nothing that could
     * end or split the request line on the next hop (RFC 3986 §2). No fragment: none of the forms has one (a client
     * strips it, RFC 9110 §4.2.5), and a backend could read the rest of the path differently from the proxy. An
     * OPTIONS in absolute-form with an empty path and no query asks about the server itself: it goes on as
     * {@code OPTIONS *} (§3.2.4).
     */
    private static RequestRejectedException checkTarget(HttpRequest request, ClientProtocol protocol) {
        String uri = request.uri();
        if (uri.isEmpty()) {
            return malformed("bad request: empty request target");
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return malformed("bad request: invalid character 0x" + Integer.toHexString(c)
                        + " in the request target");
            }
            if (c == '#') {
                return malformed("bad request: a fragment ('#') in the request target");
            }
        }
        if (uri.charAt(0) == '/') {
            return null;
        }
        if ("*".equals(uri)) {
            return HttpMethod.OPTIONS.equals(request.method()) ? null
                    : malformed("bad request: '*' is only a target for OPTIONS");
        }
        String lower = uri.toLowerCase(Locale.ROOT);
        int schemeEnd = lower.startsWith("http://") ? 7 : lower.startsWith("https://") ? 8 : -1;
        if (schemeEnd < 0 || protocol == ClientProtocol.HTTP_2) {
            return malformed("bad request: request target '" + printable(uri)
                    + (protocol == ClientProtocol.HTTP_2 ? "' (expected: /path or * for OPTIONS)"
                    : "' (expected: /path or http://host/path)"));
        }
        int pathStart = schemeEnd;
        while (pathStart < uri.length() && "/?".indexOf(uri.charAt(pathStart)) < 0) {
            pathStart++;
        }
        String authority = uri.substring(schemeEnd, pathStart);
        if (authority.indexOf('@') >= 0 || !isValidHost(authority)) {
            return malformed("bad request: invalid authority in '" + printable(uri) + "'");
        }
        String path = pathStart < uri.length() ? uri.substring(pathStart)
                : HttpMethod.OPTIONS.equals(request.method()) ? "*" : "/";
        if (path.charAt(0) == '?') {
            path = "/" + path;
        }
        request.setUri(path);
        // RFC 9112 §3.2.2: the target's authority wins over any Host field.
        request.headers().set(HttpHeaderNames.HOST, authority);
        return null;
    }

    /**
     * RFC 9112 §3.2: exactly one valid {@code Host} on HTTP/1.1 (even with an absolute-form target), at most one on
     * HTTP/1.0. On HTTP/2 {@code :authority} arrives as {@code Host}: optional (RFC 9113 §8.3.1), at most one value,
     * valid when present.
     */
    private static RequestRejectedException checkHost(HttpRequest request, ClientProtocol protocol) {
        HttpHeaders headers = request.headers();
        String host = headers.get(HttpHeaderNames.HOST);
        if (host == null) {
            return protocol == ClientProtocol.HTTP_1 && request.protocolVersion().minorVersion() >= 1
                    ? malformed("bad request: no Host field") : null;
        }
        // Counted without a list of the values: this runs on every request.
        int count = ArrayHttpHeaders.count(headers, HttpHeaderNames.HOST);
        if (count > 1) {
            return malformed("bad request: " + count + " Host fields");
        }
        if (!isValidHost(host)) {
            return malformed("bad request: invalid Host '" + printable(host) + "'");
        }
        return null;
    }

    /** RFC 9110 §15.5.20: a host this proxy is not configured to answer for is misdirected. */
    private static RequestRejectedException checkAllowed(HttpRequest request, RequestRules rules) {
        if (rules.allowedHosts().isEmpty()) {
            return null;
        }
        String host = request.headers().get(HttpHeaderNames.HOST);
        if (host == null) {
            return reject(HttpResponseStatus.MISDIRECTED_REQUEST, "misdirected request: no Host field");
        }
        if (!rules.allowedHosts().contains(hostName(host))) {
            return reject(HttpResponseStatus.MISDIRECTED_REQUEST, "misdirected request: host '" + hostName(host)
                    + "' is not served here");
        }
        return null;
    }

    /**
     * RFC 9112 §6.3: both framings at once is how requests are smuggled, the message can't be trusted. §6.1: a
     * transfer coding other than {@code chunked} is not understood (501); the decoder already refused a
     * {@code chunked} that is not final or is applied twice. RFC 9110 §15.5.14: a declared body above the limit is
     * refused before any of it is read.
     */
    private static RequestRejectedException checkFraming(HttpRequest request, RequestRules rules) {
        List<String> codings = request.headers().contains(HttpHeaderNames.TRANSFER_ENCODING)
                ? request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING) : List.of();
        if (!codings.isEmpty() && request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            return malformed("bad request: both Content-Length and Transfer-Encoding are present");
        }
        // Indexed: an iterator over the (usually empty) list would be made for every request.
        boolean chunked = codings.isEmpty();
        for (int i = 0; i < codings.size(); i++) {
            String value = codings.get(i);
            for (String coding : value.split(",")) {
                // RFC 9110 §5.6.1: empty list elements are ignored (",chunked" is "chunked").
                if (!coding.isBlank() && !"chunked".equalsIgnoreCase(coding.trim())) {
                    return reject(HttpResponseStatus.NOT_IMPLEMENTED,
                            "not implemented: transfer coding '" + printable(coding.trim()) + "'");
                }
                chunked |= !coding.isBlank();
            }
        }
        if (!chunked) {
            return malformed("bad request: Transfer-Encoding names no coding");
        }
        long limit = rules.limits().maxBodySize();
        if (limit > 0 && codings.isEmpty() && HttpUtil.getContentLength(request, 0L) > limit) {
            return reject(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "content too large: "
                    + HttpUtil.getContentLength(request, 0L) + " bytes (limit " + limit + ")");
        }
        return null;
    }

    /**
     * RFC 9112 §3.2 / RFC 3986 §3.2.2: {@code uri-host [ ":" port ]}, where the host is a bracketed IPv6 literal or
     * a reg-name / IPv4 address of unreserved, percent-encoded and sub-delimiter characters.
     */
    static boolean isValidHost(String host) {
        if (host.isEmpty()) {
            return false;
        }
        int portStart;
        if (host.charAt(0) == '[') {
            int close = host.indexOf(']');
            if (close < 3) {
                return false;
            }
            for (int i = 1; i < close; i++) {
                char c = host.charAt(i);
                if (!(isHexDigit(c) || c == ':' || c == '.')) {
                    return false;
                }
            }
            // RFC 3986 §3.2.2: the literal must be an IPv6address ("[:::::]" has only the right characters).
            if (!NetUtil.isValidIpV6Address(host.substring(1, close))) {
                return false;
            }
            portStart = close + 1;
            if (portStart < host.length() && host.charAt(portStart) != ':') {
                return false;
            }
        } else {
            int colon = host.indexOf(':');
            portStart = colon < 0 ? host.length() : colon;
            if (portStart == 0) {
                return false;
            }
            for (int i = 0; i < portStart; i++) {
                char c = host.charAt(i);
                if (c == '%') {
                    // pct-encoded: "%" and two hex digits.
                    if (i + 2 >= portStart || !isHexDigit(host.charAt(i + 1)) || !isHexDigit(host.charAt(i + 2))) {
                        return false;
                    }
                    i += 2;
                } else if (!(Character.isLetterOrDigit(c) && c < 0x80) && "-._~!$&'()*+,;=".indexOf(c) < 0) {
                    return false;
                }
            }
        }
        if (portStart >= host.length()) {
            return true;
        }
        int digits = host.length() - portStart - 1;
        if (digits == 0 || digits > 5) {
            return digits == 0; // RFC 3986 §3.2.3: an empty port is allowed and means the default
        }
        int port = 0;
        for (int i = portStart + 1; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535;
    }

    /**
     * The host part of a valid {@code Host} value, as {@link RequestRules#allowedHosts} keeps the allow-list: lower
     * case, without port or trailing dot, an IPv6 address compressed ({@code [0:0::1]} is {@code [::1]}).
     */
    static String hostName(String host) {
        if (host.charAt(0) == '[') {
            String literal = host.substring(0, host.indexOf(']') + 1);
            try {
                return Authority.parse(literal).host();
            } catch (IllegalArgumentException e) {
                // An IPvFuture literal ([v1.x]): valid in a Host, never in the allow-list; compared as written.
                return literal.toLowerCase(Locale.ROOT);
            }
        }
        int colon = host.indexOf(':');
        return withoutTrailingDot(colon < 0 ? host : host.substring(0, colon)).toLowerCase(Locale.ROOT);
    }

    /** A name without its trailing dot: {@code shop.example.} (the absolute form) names {@code shop.example}. */
    static String withoutTrailingDot(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    /** A value for an error message: at most 64 characters, anything outside visible ASCII as '?'. */
    private static String printable(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), 64));
        for (int i = 0; i < value.length() && i < 64; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    private static RequestRejectedException reject(HttpResponseStatus status, String message) {
        return new RequestRejectedException(status, message);
    }

    private static RequestRejectedException malformed(String message) {
        return new RequestRejectedException(HttpResponseStatus.BAD_REQUEST, message, true);
    }
}
