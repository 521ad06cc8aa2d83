package dev.bluegreen.proxy;

import java.util.Locale;
import java.util.Set;

/**
 * Checks of {@link BlueGreenProxyBuilder} options that need more than a range, kept here so that the builder stays a
 * short list of settings.
 */
final class BuilderChecks {

    /**
     * Response fields a routing header must not be: the proxy <em>sets</em> it on every response, replacing what the
     * backend sent, so one of these would break the response's framing or connection handling (RFC 9112 §6,
     * RFC 9110 §7.6.1), or drop what the client relies on (lower case).
     */
    private static final Set<String> RESPONSE_FIELDS = Set.of("content-length", "transfer-encoding", "connection",
            "keep-alive", "proxy-connection", "upgrade", "te", "trailer", "via", "content-type", "content-encoding",
            "content-range", "set-cookie", "location", "www-authenticate", "proxy-authenticate", "retry-after");

    private BuilderChecks() {
    }

    /**
     * The routing header's name, checked.
     *
     * @param name a header name
     * @return {@code name}
     * @throws NullPointerException if {@code name} is {@code null}
     * @throws IllegalArgumentException if it is not a token or is a field that frames the response, manages the
     *         connection or that clients rely on
     */
    static String routingHeader(String name) {
        String checked = PreviewRule.token("routingHeader", name);
        if (RESPONSE_FIELDS.contains(checked.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("routingHeader: '" + name + "' (expected: a header of its own, such as"
                    + " X-BlueGreen, not one that frames the response, manages the connection or that clients rely"
                    + " on: the proxy replaces the backend's field of that name on every response)");
        }
        return checked;
    }

    /**
     * Checks a listening port.
     *
     * @param port the port
     * @throws IllegalArgumentException if it is not 0-65535
     */
    static void port(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0-65535)");
        }
    }
}
