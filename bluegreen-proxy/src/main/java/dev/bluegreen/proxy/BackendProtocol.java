package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.util.Locale;

/**
 * The protocol the proxy speaks to the backends of a pool. Whatever it is, clients keep speaking HTTP/1.1 or HTTP/2
 * to the proxy as they choose; each request is one exchange with one backend of its colour.
 *
 * @see BackendProtocols
 */
public enum BackendProtocol {

    /** HTTP/1.1: a pool of keep-alive connections per backend, one request at a time on each; TLS with {@code upstreamTls}. */
    HTTP1("http1"),
    /**
     * Cleartext HTTP/2 with prior knowledge (RFC 9113 §3.3): a few connections per backend, each carrying many
     * requests as streams. What a gRPC server without TLS speaks.
     */
    H2C("h2c"),
    /**
     * HTTP/2 over TLS, agreed through ALPN (RFC 9113 §3.2); the backend's certificate is verified as
     * {@link UpstreamTls} says, which must be set. A backend that does not pick {@code h2} fails like a refused
     * connection.
     */
    H2("h2");

    private final String label;

    BackendProtocol(String label) {
        this.label = label;
    }

    /** The protocol's name as the runner's {@code --backend-protocol} takes it: {@code http1}, {@code h2c}, {@code h2}. */
    public String label() {
        return label;
    }

    /** Whether requests travel as HTTP/2 streams. */
    public boolean http2() {
        return this != HTTP1;
    }

    /**
     * The protocol named {@code label}, ignoring case.
     *
     * @throws IllegalArgumentException naming the label and the protocols known
     */
    public static BackendProtocol parse(String label) {
        requireNonNull(label, "label");
        for (BackendProtocol protocol : values()) {
            if (protocol.label.equals(label.trim().toLowerCase(Locale.ROOT))) {
                return protocol;
            }
        }
        throw new IllegalArgumentException("backendProtocol: " + Texts.quote(label) + " (expected: http1, h2c or h2)");
    }

    @Override
    public String toString() {
        return label;
    }
}
