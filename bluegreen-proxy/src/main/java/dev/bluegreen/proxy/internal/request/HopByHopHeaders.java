package dev.bluegreen.proxy.internal.request;

import dev.bluegreen.proxy.internal.codec.ArrayHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Removes the headers that describe one connection rather than the message, before a message is forwarded on
 * the next hop (RFC 9110 §7.6.1): {@code Connection} and every header it names, and the fixed list of
 * hop-by-hop fields. {@code Transfer-Encoding} is removed too (RFC 9112 §6.1: it describes this hop's framing);
 * the proxy re-frames each message for the next hop itself.
 *
 * <p>A peer cannot use {@code Connection} to remove the headers the proxy relies on or adds: {@code Content-Length}
 * (removing it would leave the body unframed on the next hop: request smuggling), {@code Host}, {@code Via},
 * {@code Forwarded} and {@code X-Forwarded-*} are never removed because {@code Connection} names them.
 *
 * <p>The fields a head's {@code Connection} names are hop-by-hop in the whole message, its trailer section too: the
 * strip tells its caller what they were, for {@link TrailerFields#strip(HttpHeaders, String, Object)}.
 */
public final class HopByHopHeaders {

    private static final List<AsciiString> ALWAYS = List.of(
            HttpHeaderNames.CONNECTION,
            HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION,
            HttpHeaderNames.PROXY_AUTHENTICATE,
            HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER,
            HttpHeaderNames.TRANSFER_ENCODING,
            HttpHeaderNames.UPGRADE);

    /** The connection options nearly every {@code Connection} field holds, as field names to remove. */
    private static final List<AsciiString> USUAL_OPTIONS = List.of(
            HttpHeaderValues.CLOSE, HttpHeaderValues.KEEP_ALIVE, HttpHeaderValues.UPGRADE);

    /** Fields a {@code Connection} header may name but never remove. */
    private static final List<AsciiString> PROTECTED = List.of(
            HttpHeaderNames.CONTENT_LENGTH,
            HttpHeaderNames.HOST,
            HttpHeaderNames.VIA,
            ForwardedHeaders.FORWARDED,
            ForwardedHeaders.X_FORWARDED_FOR,
            ForwardedHeaders.X_FORWARDED_PROTO,
            ForwardedHeaders.X_FORWARDED_HOST);

    private HopByHopHeaders() {
    }

    /**
     * Strips the hop-by-hop headers of {@code headers} in place, {@code Proxy-Authorization} among them.
     *
     * @return what {@link #strip(HttpHeaders, boolean)} returns
     */
    public static String strip(HttpHeaders headers) {
        return strip(headers, false);
    }

    /**
     * Strips the hop-by-hop headers of {@code headers} in place.
     *
     * @param keepProxyAuthorization whether {@code Proxy-Authorization} stays (the backend is meant to check it)
     * @return the {@code Connection} value (several joined by commas) that named a field besides the usual options
     *         ({@code close}, {@code keep-alive}, {@code upgrade}), for the message's trailers to lose that field too
     *         (RFC 9110 §7.6.1); {@code null} when it named none, as nearly every message's does
     */
    public static String strip(HttpHeaders headers, boolean keepProxyAuthorization) {
        // Fields named by Connection first, while Connection is still there (RFC 9110 §7.6.1). This runs on every
        // request and response, so the common case allocates nothing: no Connection field, or one (counted and read
        // without a list) that names only the usual options ("close", "keep-alive", "upgrade"), removed by their
        // constant names.
        // The value returned is the field's own String, made by the lookup anyway: nothing is made for it.
        String named = null;
        int connections = ArrayHttpHeaders.count(headers, HttpHeaderNames.CONNECTION);
        if (connections == 1) {
            String connection = headers.get(HttpHeaderNames.CONNECTION);
            if (removeNamedBy(headers, connection)) {
                named = connection;
            }
        } else if (connections > 1) {
            // All of them read before any is acted on: a field may name Connection itself.
            for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
                if (removeNamedBy(headers, connection)) {
                    named = named == null ? connection : named + "," + connection;
                }
            }
        }
        String proxyAuthorization = keepProxyAuthorization ? headers.get(HttpHeaderNames.PROXY_AUTHORIZATION) : null;
        // The decoders' maps (ArrayHttpHeaders) scan their fields only for a name as long as one of theirs: most
        // messages have no field of the length of most of these (a response's Connection leaves two scans of nine).
        for (int i = 0; i < ALWAYS.size(); i++) {
            headers.remove(ALWAYS.get(i));
        }
        if (proxyAuthorization != null) {
            headers.set(HttpHeaderNames.PROXY_AUTHORIZATION, proxyAuthorization);
        }
        return named;
    }

    /**
     * Removes the fields {@code connection}, a {@code Connection} value, names.
     *
     * @return whether it named one besides the usual options
     */
    private static boolean removeNamedBy(HttpHeaders headers, String connection) {
        boolean unusual = false;
        int length = connection.length();
        int start = 0;
        while (start < length) {
            int comma = connection.indexOf(',', start);
            int end = comma < 0 ? length : comma;
            int first = start;
            int last = end;
            while (first < last && isOws(connection.charAt(first))) {
                first++;
            }
            while (last > first && isOws(connection.charAt(last - 1))) {
                last--;
            }
            if (first < last) {
                AsciiString option = usualOption(connection, first, last);
                if (option != null) {
                    headers.remove(option);
                } else {
                    unusual = true;
                    String token = connection.substring(first, last);
                    if (!isProtected(token)) {
                        headers.remove(token);
                    }
                }
            }
            start = end + 1;
        }
        return unusual;
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    /** The usual option that {@code value[from, to)} spells, in any case, or {@code null}. */
    private static AsciiString usualOption(String value, int from, int to) {
        for (int i = 0; i < USUAL_OPTIONS.size(); i++) {
            AsciiString option = USUAL_OPTIONS.get(i);
            if (to - from == option.length() && spells(value, from, option)) {
                return option;
            }
        }
        return null;
    }

    /**
     * Whether {@code value} from {@code from} spells the lower-case ASCII {@code option}, ignoring ASCII case: what
     * {@code String.regionMatches(true, ...)} answers for these options, without its Unicode case mapping per char.
     */
    private static boolean spells(String value, int from, AsciiString option) {
        for (int i = 0; i < option.length(); i++) {
            if (AsciiString.toLowerCase(value.charAt(from + i)) != option.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isProtected(String name) {
        for (int i = 0; i < PROTECTED.size(); i++) {
            if (PROTECTED.get(i).contentEqualsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }
}
