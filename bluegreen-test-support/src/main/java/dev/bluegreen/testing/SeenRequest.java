package dev.bluegreen.testing;

import java.util.List;
import java.util.Map;

/**
 * A request as a {@link TestBackend} saw it.
 *
 * @param method the request method, e.g. {@code GET}
 * @param uri the request target as sent, e.g. {@code /a?b=c}
 * @param protocol the protocol version, e.g. {@code HTTP/1.1}
 * @param headers every header field, values in arrival order; lookups by name ignore case
 * @param bodyBytes how many body bytes arrived (after de-chunking)
 * @param bodyCrc32 the CRC32 of those bytes
 * @param remotePort the client-side port of the connection it came on, which identifies the connection
 */
public record SeenRequest(String method, String uri, String protocol, Map<String, List<String>> headers,
                          long bodyBytes, long bodyCrc32, int remotePort) {

    /** Copies the headers into an unmodifiable, case-insensitive map. */
    public SeenRequest {
        headers = HeaderMaps.copyOf(headers);
    }

    /** Returns the first value of header {@code name} (any case), or null when absent. */
    public String header(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Returns every value of header {@code name} (any case); empty when absent. */
    public List<String> headers(String name) {
        return headers.getOrDefault(name, List.of());
    }
}
