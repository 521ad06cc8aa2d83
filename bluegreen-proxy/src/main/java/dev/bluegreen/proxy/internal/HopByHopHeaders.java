package dev.bluegreen.proxy.internal;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * Removes the headers that describe one connection rather than the message, before a message is forwarded on
 * the next hop (RFC 9110 §7.6.1): {@code Connection} and every header it names, and the fixed list of
 * hop-by-hop fields. {@code Transfer-Encoding} is removed too (RFC 9112 §6.1: it describes this hop's framing);
 * the proxy re-frames each message for the next hop itself.
 *
 * <p>A client cannot use {@code Connection} to remove the headers the proxy adds: those are set after this runs.
 */
final class HopByHopHeaders {

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

    private HopByHopHeaders() {
    }

    /** Strips the hop-by-hop headers of {@code headers} in place. */
    static void strip(HttpHeaders headers) {
        // Fields named by Connection first, while Connection is still there (RFC 9110 §7.6.1).
        for (String connection : headers.getAll(HttpHeaderNames.CONNECTION)) {
            int start = 0;
            int length = connection.length();
            while (start < length) {
                int comma = connection.indexOf(',', start);
                int end = comma < 0 ? length : comma;
                String token = connection.substring(start, end).trim();
                if (!token.isEmpty()) {
                    headers.remove(token);
                }
                start = end + 1;
            }
        }
        for (int i = 0; i < ALWAYS.size(); i++) {
            headers.remove(ALWAYS.get(i));
        }
    }
}
