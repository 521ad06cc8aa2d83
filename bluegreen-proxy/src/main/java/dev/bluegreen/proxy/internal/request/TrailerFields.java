package dev.bluegreen.proxy.internal.request;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides which trailer fields pass the proxy, in both directions and for both protocols: a request's trailers on
 * their way to the backend (an HTTP/1.1 chunked body's trailer section, an HTTP/2 request's trailing HEADERS), and a
 * response's on their way to the client (to an HTTP/1.1 client that sent {@code TE: trailers}, or an HTTP/2 one).
 *
 * <p>RFC 9110 §6.5.1: a sender must not put in trailers a field it needs to frame, route or control the message, and a
 * recipient must not merge such a trailer into the header section. A backend or a client library that merges them
 * anyway would take a spoofed client address or {@code Host} from a trailer, or frame a message by a
 * {@code Content-Length} that came after it. So these are dropped:
 * <ul>
 *   <li>framing: {@code Content-Length}, {@code Transfer-Encoding}, {@code Trailer} (RFC 9110 §6.5.1);</li>
 *   <li>connection-specific fields (RFC 9110 §7.6.1): {@code Connection} and every field that the message's
 *       {@code Connection} names, in its head or in the trailers themselves, {@code Keep-Alive},
 *       {@code Proxy-Connection}, {@code Upgrade}, {@code TE}, {@code HTTP2-Settings}, {@code Proxy-Authenticate},
 *       {@code Proxy-Authorization};</li>
 *   <li>routing and forwarding fields, which the proxy sets in the head: {@code Host}, {@code Forwarded},
 *       {@code X-Forwarded-*}, {@code X-Real-IP}, {@code Via}, {@code Max-Forwards};</li>
 *   <li>the request controls and modifiers a recipient acts on before the content (RFC 9110 §6.5.1, §10.1.1, §13,
 *       §14.2, RFC 9111 §5.2): {@code Expect}, {@code Range}, {@code If-Match}, {@code If-None-Match},
 *       {@code If-Modified-Since}, {@code If-Unmodified-Since}, {@code If-Range}, {@code Cache-Control},
 *       {@code Pragma}, {@code Authorization}.</li>
 * </ul>
 * Every other field passes, {@code grpc-status} and {@code grpc-message} among them. A field is dropped, never the
 * message: the stream or connection goes on (resetting the stream instead would fail a gRPC call that carries its
 * status in the same trailers). Each dropped field is logged at DEBUG.
 *
 * <p>The fields the head's {@code Connection} named are known only to the head's strip ({@link HopByHopHeaders#strip},
 * which returns them): whoever forwards the message keeps them until its trailers pass. They are {@code null} for
 * nearly every message, and then cost nothing here.
 *
 * <p>Stateless; called on the event loop of the message's connection.
 */
public final class TrailerFields {

    private static final Logger log = LoggerFactory.getLogger(TrailerFields.class);

    /**
     * The names that never pass as trailers, lower case; {@code X-Forwarded-*} and {@code X-Real-IP} are
     * {@link ForwardedHeaders#isUntrustedClaim}'s.
     */
    @SuppressWarnings("deprecation") // Keep-Alive and Proxy-Connection: deprecated as names to send, not to refuse
    private static final Set<AsciiString> NEVER = Set.of(
            // framing
            HttpHeaderNames.CONTENT_LENGTH, HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderNames.TRAILER,
            // connection-specific
            HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE, HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.UPGRADE, HttpHeaderNames.TE, AsciiString.cached("http2-settings"),
            HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION,
            // routing and forwarding
            HttpHeaderNames.HOST, ForwardedHeaders.FORWARDED, HttpHeaderNames.VIA, HttpHeaderNames.MAX_FORWARDS,
            // request controls and modifiers
            HttpHeaderNames.EXPECT, HttpHeaderNames.RANGE, HttpHeaderNames.IF_MATCH, HttpHeaderNames.IF_NONE_MATCH,
            HttpHeaderNames.IF_MODIFIED_SINCE, HttpHeaderNames.IF_UNMODIFIED_SINCE, HttpHeaderNames.IF_RANGE,
            HttpHeaderNames.CACHE_CONTROL, HttpHeaderNames.PRAGMA, HttpHeaderNames.AUTHORIZATION);

    private TrailerFields() {
    }

    /**
     * Whether a trailer field named {@code name} (any case) may be forwarded. The fields that the message's
     * {@code Connection} names are not known here: {@link #strip} drops those too.
     */
    public static boolean mayPass(CharSequence name) {
        if (name.length() > 0 && name.charAt(0) == ':') {
            // A pseudo-header field is never a trailer (RFC 9113 §8.1); the HTTP/2 codecs refuse one already.
            return false;
        }
        return !ForwardedHeaders.isUntrustedClaim(name) && !NEVER.contains(AsciiString.of(name).toLowerCase());
    }

    /**
     * Removes, in place, every field of {@code trailers} that may not be forwarded, of a message whose head's
     * {@code Connection} named no field; the others stay, in their order.
     *
     * @param trailers a trailer section about to be forwarded; left as it is when empty (it may be immutable then)
     * @param what     what the trailers belong to, for the DEBUG line of a dropped field
     * @return how many fields were removed
     */
    public static int strip(HttpHeaders trailers, Object what) {
        return strip(trailers, null, what);
    }

    /**
     * Removes, in place, every field of {@code trailers} that may not be forwarded, those that the message's head
     * named in its {@code Connection} among them; the others stay, in their order.
     *
     * @param trailers    a trailer section about to be forwarded; left as it is when empty (it may be immutable then)
     * @param namedByHead the head's {@code Connection} value as {@link HopByHopHeaders#strip} returned it: the fields
     *                    it named besides the usual options, or {@code null}
     * @param what        what the trailers belong to, for the DEBUG line of a dropped field
     * @return how many fields were removed
     */
    public static int strip(HttpHeaders trailers, String namedByHead, Object what) {
        if (trailers.isEmpty()) {
            return 0;
        }
        List<String> named = trailers.getAll(HttpHeaderNames.CONNECTION);
        if (namedByHead != null) {
            // Rare (a head that named a field of its own): a list of its own rather than the trailers' one changed.
            named = new ArrayList<>(named);
            named.add(namedByHead);
        }
        List<CharSequence> dropped = null;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> each = trailers.iteratorCharSequence(); each.hasNext(); ) {
            CharSequence name = each.next().getKey();
            if (!mayPass(name) || namedBy(named, name)) {
                if (dropped == null) {
                    dropped = new ArrayList<>(2);
                }
                dropped.add(name);
            }
        }
        if (dropped == null) {
            return 0;
        }
        int before = trailers.size();
        for (CharSequence name : dropped) {
            if (trailers.contains(name)) {
                log.debug("{}: trailer field '{}' dropped (RFC 9110 §6.5.1)", what, name);
                trailers.remove(name);
            }
        }
        return before - trailers.size();
    }

    /**
     * As {@link #strip(HttpHeaders, String, Object)} if the head named fields of its own, else nothing: for a message
     * whose trailers are stripped further on by a side that does not know its head (a response on its way to the
     * client side), so that the common message, whose head named none, is not stripped twice.
     */
    public static void stripIfNamed(HttpHeaders trailers, String namedByHead, Object what) {
        if (namedByHead != null) {
            strip(trailers, namedByHead, what);
        }
    }

    /** Whether one of the {@code Connection} values lists {@code name} as an option (RFC 9110 §7.6.1). */
    private static boolean namedBy(List<String> connections, CharSequence name) {
        for (String connection : connections) {
            for (String option : connection.split(",")) {
                if (AsciiString.contentEqualsIgnoreCase(option.trim(), name)) {
                    return true;
                }
            }
        }
        return false;
    }
}
