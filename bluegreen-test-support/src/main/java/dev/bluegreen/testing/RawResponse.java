package dev.bluegreen.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * A response as {@link RawHttpClient} parsed it.
 *
 * @param protocol the protocol of the status line, e.g. {@code HTTP/1.1}
 * @param status the status code
 * @param reason the reason phrase, possibly empty
 * @param headers the header fields, values in arrival order; lookups by name ignore case
 * @param trailers the trailer fields of a chunked body; empty otherwise
 * @param body the body bytes; empty when the body went to a {@link BodySink} or there was none (do not modify)
 * @param bodyLength how many body bytes were read, whether kept in {@code body} or streamed to a sink
 */
public record RawResponse(String protocol, int status, String reason, Map<String, List<String>> headers,
                          Map<String, List<String>> trailers, byte[] body, long bodyLength) {

    /** Copies the header maps into unmodifiable, case-insensitive ones. */
    public RawResponse {
        headers = HeaderMaps.copyOf(headers);
        trailers = HeaderMaps.copyOf(trailers);
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

    /** Returns the first value of trailer {@code name} (any case), or null when absent. */
    public String trailer(String name) {
        List<String> values = trailers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Returns the kept body decoded as UTF-8. */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** Returns true for a 1xx interim response; the final response follows it on the connection. */
    public boolean isInterim() {
        return status >= 100 && status < 200;
    }

    @Override
    public String toString() {
        return "RawResponse[" + protocol + " " + status + " " + reason + ", headers=" + headers
                + (trailers.isEmpty() ? "" : ", trailers=" + trailers) + ", bodyLength=" + bodyLength + "]";
    }
}
