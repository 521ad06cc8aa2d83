package dev.bluegreen.proxy.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Tells the backend who the client is: {@code X-Forwarded-For}, {@code X-Forwarded-Proto} and
 * {@code X-Forwarded-Host}.
 *
 * <p>No peer is trusted yet, so values a client sent are replaced, never appended to: a client must not be able
 * to claim another address. A list of trusted proxies whose values are kept is left to the hardening work.
 */
final class ForwardedHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");

    private ForwardedHeaders() {
    }

    /**
     * Sets the forwarding headers on a request about to go upstream.
     *
     * @param headers      the request's headers, hop-by-hop fields already stripped
     * @param clientIp     the client's address, from {@link #clientIp(SocketAddress)}
     * @param secure       whether the client connected with TLS ({@code X-Forwarded-Proto: https})
     * @param originalHost the {@code Host} the client sent, or {@code null}
     */
    static void set(HttpHeaders headers, String clientIp, boolean secure, String originalHost) {
        headers.set(X_FORWARDED_FOR, clientIp);
        headers.set(X_FORWARDED_PROTO, secure ? HTTPS : HTTP);
        if (originalHost != null) {
            headers.set(X_FORWARDED_HOST, originalHost);
        } else {
            headers.remove(X_FORWARDED_HOST);
        }
    }

    /** The client's IP address as text; computed once per connection, not per request. */
    static String clientIp(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            InetAddress ip = inet.getAddress();
            return ip != null ? ip.getHostAddress() : inet.getHostString();
        }
        return "unknown";
    }

    /** Whether {@code name} is one of the headers this class owns. */
    static boolean isForwardingHeader(CharSequence name) {
        return X_FORWARDED_FOR.contentEqualsIgnoreCase(name)
                || X_FORWARDED_PROTO.contentEqualsIgnoreCase(name)
                || X_FORWARDED_HOST.contentEqualsIgnoreCase(name);
    }
}
