package dev.bluegreen.proxy.internal.request;

import dev.bluegreen.proxy.internal.codec.ArrayHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * Tells the backend who the client is: {@code X-Forwarded-For}, {@code X-Forwarded-Proto},
 * {@code X-Forwarded-Host} and {@code Forwarded} (RFC 7239), {@code X-Forwarded-Client-Cert} when it presented a
 * certificate ({@link ClientCertificates}), and that the request passed this proxy: {@code Via} (RFC 9110 §7.6.3).
 *
 * <p>Values sent by a peer that is not a {@linkplain TrustedProxies trusted proxy} are replaced, never appended to:
 * a client must not be able to claim another address. The other fields of the same family that such a peer sends
 * ({@code X-Forwarded-Port}, {@code -Prefix}, {@code -Ssl}, {@code -Server}, any {@code X-Forwarded-*}, and
 * {@code X-Real-IP}) are removed: the proxy does not set them, and frameworks behind it (Spring's
 * {@code ForwardedHeaderFilter}, Tomcat's {@code RemoteIpValve}) trust them from the proxy in front, so a client must
 * not be able to claim another port, path prefix or scheme either. A trusted peer's values are kept, all of them,
 * and the peer's address is appended to the chain (RFC 7239 §4; the de-facto {@code X-Forwarded-For} list).
 */
public final class ForwardedHeaders {

    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    /** The prefix of the de-facto forwarding fields; those not set here are removed from an untrusted peer. */
    private static final AsciiString X_FORWARDED_PREFIX = AsciiString.cached("x-forwarded-");
    private static final AsciiString X_REAL_IP = AsciiString.cached("x-real-ip");
    private static final AsciiString HTTP = AsciiString.cached("http");
    private static final AsciiString HTTPS = AsciiString.cached("https");
    /** The name this proxy gives itself in {@code Via} (RFC 9110 §7.6.3 allows a pseudonym for the host). */
    private static final String VIA_NAME = " bluegreen";
    /** The usual {@code Via} values, made once rather than per message. */
    private static final AsciiString VIA_1_1 = AsciiString.cached("1.1" + VIA_NAME);
    private static final AsciiString VIA_1_0 = AsciiString.cached("1.0" + VIA_NAME);

    private ForwardedHeaders() {
    }

    /**
     * Sets the forwarding headers on a request about to go upstream: an untrusted peer's are replaced, a trusted
     * peer's kept and extended.
     *
     * @param headers      the request's headers, hop-by-hop fields already stripped
     * @param client       the client's connection (its address from {@link #clientIp(SocketAddress)})
     * @param originalHost the {@code Host} the client sent, or {@code null}
     * @param trusted      whether the peer is a trusted proxy, whose forwarding headers are appended to
     */
    static void set(HttpHeaders headers, ClientAddress client, String originalHost, boolean trusted) {
        String clientIp = client.ip();
        AsciiString proto = proto(client.isSecure());
        if (trusted) {
            appendTrusted(headers, clientIp, proto, originalHost);
            if (client.certificate() != null) {
                String certificates = joined(headers, ClientCertificates.X_FORWARDED_CLIENT_CERT);
                headers.set(ClientCertificates.X_FORWARDED_CLIENT_CERT, certificates == null ? client.certificate()
                        : certificates + "," + client.certificate());
            }
            return;
        }
        removeUntrustedClaims(headers);
        headers.set(FORWARDED, client.forwardedElement(originalHost));
        headers.set(X_FORWARDED_FOR, clientIp);
        headers.set(X_FORWARDED_PROTO, proto);
        if (originalHost != null) {
            headers.set(X_FORWARDED_HOST, originalHost);
        } else {
            headers.remove(X_FORWARDED_HOST);
        }
        if (client.certificate() != null) {
            headers.set(ClientCertificates.X_FORWARDED_CLIENT_CERT, client.certificate());
        }
    }

    /**
     * Removes every {@code X-Forwarded-*} field and {@code X-Real-IP}; those the proxy sets are set again after. Reads
     * the names by index, without an iterator: this runs on every request of an untrusted client, and most have no
     * such field.
     */
    private static void removeUntrustedClaims(HttpHeaders headers) {
        if (!(headers instanceof ArrayHttpHeaders fields)) {
            for (String name : List.copyOf(headers.names())) {
                if (isUntrustedClaim(name)) {
                    headers.remove(name);
                }
            }
            return;
        }
        int i = 0;
        while (i < fields.size()) {
            CharSequence name = fields.nameAt(i);
            if (isUntrustedClaim(name)) {
                // Every field of the name goes; the ones before i had other names, so i is the next field now.
                fields.remove(name);
            } else {
                i++;
            }
        }
    }

    /**
     * Whether {@code name} (any case) is an {@code X-Forwarded-*} field or {@code X-Real-IP}: what an untrusted peer
     * may not send, and what never passes as a trailer ({@link TrailerFields}).
     */
    static boolean isUntrustedClaim(CharSequence name) {
        return name.length() >= X_REAL_IP.length() && (name.charAt(0) | 0x20) == 'x'
                && (X_REAL_IP.contentEqualsIgnoreCase(name) || name.length() >= X_FORWARDED_PREFIX.length()
                && AsciiString.regionMatches(name, true, 0, X_FORWARDED_PREFIX, 0, X_FORWARDED_PREFIX.length()));
    }

    private static void appendTrusted(HttpHeaders headers, String clientIp, AsciiString proto, String originalHost) {
        String forFields = joined(headers, X_FORWARDED_FOR);
        headers.set(X_FORWARDED_FOR, forFields == null ? clientIp : forFields + ", " + clientIp);
        if (!headers.contains(X_FORWARDED_PROTO)) {
            headers.set(X_FORWARDED_PROTO, proto);
        }
        if (!headers.contains(X_FORWARDED_HOST) && originalHost != null) {
            headers.set(X_FORWARDED_HOST, originalHost);
        }
        String forwarded = joined(headers, FORWARDED);
        String element = forwardedElement(clientIp, proto, originalHost);
        headers.set(FORWARDED, forwarded == null ? element : forwarded + ", " + element);
    }

    /** All values of a field joined as one list (RFC 9110 §5.3), or {@code null} if absent. */
    private static String joined(HttpHeaders headers, AsciiString name) {
        List<String> values = headers.getAll(name);
        return values.isEmpty() ? null : values.size() == 1 ? values.get(0) : String.join(", ", values);
    }

    /** The scheme the client used: {@code X-Forwarded-Proto}'s value and {@code Forwarded}'s {@code proto}. */
    static AsciiString proto(boolean secure) {
        return secure ? HTTPS : HTTP;
    }

    /** RFC 7239 §4: {@code for=...;host=...;proto=...}, an IPv6 node and the host quoted (§6). */
    static String forwardedElement(String clientIp, CharSequence proto, String originalHost) {
        StringBuilder element = new StringBuilder(48).append("for=");
        if (clientIp.indexOf(':') >= 0) {
            element.append("\"[").append(clientIp).append("]\"");
        } else {
            element.append(clientIp);
        }
        if (originalHost != null) {
            // RequestChecks let only URI host characters through: nothing here needs escaping in a quoted string.
            element.append(";host=\"").append(originalHost).append('"');
        }
        return element.append(";proto=").append(proto).toString();
    }

    /** Adds this proxy to {@code Via} (RFC 9110 §7.6.3), after the hops already listed. */
    static void addVia(HttpHeaders headers, HttpVersion received) {
        CharSequence via = received.majorVersion() != 1 ? received.majorVersion() + "." + received.minorVersion()
                + VIA_NAME : received.minorVersion() == 1 ? VIA_1_1 : received.minorVersion() == 0 ? VIA_1_0
                : "1." + received.minorVersion() + VIA_NAME;
        headers.add(HttpHeaderNames.VIA, via);
    }

    /**
     * The client's IP address as text; computed once per connection, not per request. An IPv6 address in the short
     * form of RFC 5952 ({@code 2001:db8::1}, as nginx's and HAProxy's headers and logs have it, not Java's
     * {@code 2001:db8:0:0:0:0:0:1}), without a zone. An IPv4 client of a dual-stack listener comes as its IPv4 address
     * (the JDK and Netty's native transports give it so), as on an IPv4 listener.
     */
    public static String clientIp(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            InetAddress ip = inet.getAddress();
            return ip != null ? NetUtil.toAddressString(ip) : inet.getHostString();
        }
        return "unknown";
    }

    /** Whether {@code name} is one of the headers this class owns. */
    static boolean isForwardingHeader(CharSequence name) {
        return FORWARDED.contentEqualsIgnoreCase(name) || X_FORWARDED_FOR.contentEqualsIgnoreCase(name)
                || X_FORWARDED_PROTO.contentEqualsIgnoreCase(name)
                || X_FORWARDED_HOST.contentEqualsIgnoreCase(name);
    }
}
