package dev.bluegreen.drill;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One request the drill sends, again and again: a method, an origin-form path, optional headers and an optional
 * body. Immutable.
 *
 * <pre>{@code
 * DrillRequest.get("/orders/42");
 * DrillRequest.of("POST", "/orders").withBody("application/json", "{\"item\":\"tea\"}");
 * }</pre>
 *
 * @param method the method, an upper-case token such as {@code GET}
 * @param path the origin-form target, starting with {@code /}, query included
 * @param headers extra request headers, in order; the drill sets {@code Content-Length} itself, and {@code Host}
 *                (the drill's proxy) unless given here
 * @param body the body, sent as UTF-8, or empty for none
 */
public record DrillRequest(String method, String path, Map<String, String> headers, String body) {

    /** The longest path accepted, as a bound on what the drill keeps per request. */
    public static final int MAX_PATH_LENGTH = 8192;

    /**
     * Validates the parts.
     *
     * @throws NullPointerException if any part is {@code null}
     * @throws IllegalArgumentException if the method is not an HTTP token, the path is not origin-form, or a header
     *         name or value is invalid; the message quotes the value
     */
    public DrillRequest {
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        requireNonNull(headers, "headers");
        requireNonNull(body, "body");
        if (method.isEmpty() || !method.chars().allMatch(DrillRequest::isTokenChar)) {
            throw new IllegalArgumentException("method: '" + method + "' (expected: a token such as GET or POST)");
        }
        if (!path.startsWith("/") || path.length() > MAX_PATH_LENGTH
                || !path.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("path: '" + path + "' (expected: an origin-form path such as"
                    + " /orders?id=1, starting with /, printable ASCII without spaces)");
        }
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (name.isEmpty() || !name.chars().allMatch(DrillRequest::isTokenChar)) {
                throw new IllegalArgumentException("header name: '" + name + "' (expected: a token)");
            }
            if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
                throw new IllegalArgumentException("header " + name + ": a value with CR, LF or NUL (expected:"
                        + " one line)");
            }
            copy.put(name, value);
        });
        headers = Collections.unmodifiableMap(copy);
    }

    /**
     * A {@code GET} of {@code path}.
     *
     * @param path the origin-form path, starting with {@code /}
     * @return the request
     * @throws IllegalArgumentException if the path is not origin-form
     */
    public static DrillRequest get(String path) {
        return of("GET", path);
    }

    /**
     * A request without headers or body.
     *
     * @param method the method, such as {@code POST}; upper-cased
     * @param path the origin-form path, starting with {@code /}
     * @return the request
     * @throws IllegalArgumentException if the method is not a token or the path is not origin-form
     */
    public static DrillRequest of(String method, String path) {
        return new DrillRequest(requireNonNull(method, "method").toUpperCase(Locale.ROOT), path, Map.of(), "");
    }

    /**
     * Parses {@code "PATH"} (a GET) or {@code "METHOD PATH"}, as the {@code drill} command's {@code --path} takes.
     *
     * @param text such as {@code /health} or {@code POST /orders}
     * @return the request
     * @throws IllegalArgumentException if the text is neither form
     */
    public static DrillRequest parse(String text) {
        String trimmed = requireNonNull(text, "text").trim();
        int space = trimmed.indexOf(' ');
        // A method never starts with '/': "/a b" is a path with a space in it (refused as a path), not method "/a".
        return space < 0 || trimmed.startsWith("/") ? get(trimmed)
                : of(trimmed.substring(0, space), trimmed.substring(space + 1).trim());
    }

    /**
     * This request with one more header.
     *
     * @param name the header name
     * @param value its value, one line
     * @return a new request
     * @throws IllegalArgumentException if the name or value is invalid
     */
    public DrillRequest withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(requireNonNull(name, "name"), requireNonNull(value, "value"));
        return new DrillRequest(method, path, more, body);
    }

    /**
     * This request with a body and its {@code Content-Type}.
     *
     * @param contentType such as {@code application/json}
     * @param content the body, sent as UTF-8
     * @return a new request
     */
    public DrillRequest withBody(String contentType, String content) {
        return new DrillRequest(method, path, headers, requireNonNull(content, "content"))
                .withHeader("Content-Type", contentType);
    }

    /** {@code METHOD PATH}, as the report names it. */
    @Override
    public String toString() {
        return method + " " + path;
    }

    private static boolean isTokenChar(int c) {
        return c > 0x20 && c < 0x7f && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }
}
