package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.time.Duration;
import java.util.Objects;

/**
 * HTTP/2 towards clients: whether it is offered, and the limits that keep one connection from costing the proxy
 * more than its share. Each HTTP/2 stream becomes one exchange with a backend (over HTTP/1.1, or HTTP/2 as
 * {@link BackendProtocols} says), routed, pinned and drained like a request on an HTTP/1.1 connection. Immutable;
 * the {@code with...} methods return a copy.
 *
 * <pre>{@code
 * BlueGreenProxy.builder(admin)
 *         .http2(Http2Options.defaults().withMaxConcurrentStreams(50))
 *         .build();
 * }</pre>
 *
 * <p>Defaults: on. With {@link BlueGreenProxyBuilder#tls TLS}, {@code h2} is offered through ALPN; without it,
 * a connection that opens with the HTTP/2 preface is served as HTTP/2 ("prior knowledge", RFC 9113 §3.3) and any
 * other as HTTP/1.1. At most 100 concurrent streams per connection (more are refused with
 * {@code REFUSED_STREAM}), a 16 KiB header list (larger: 431 on the stream; far larger, or spread over too many
 * CONTINUATION frames: the connection is closed), 64 KiB stream windows, and at most 200 streams reset by the client
 * per 30 s (rapid reset, CVE-2023-44487: the connection is closed with {@code ENHANCE_YOUR_CALM}).
 *
 * <p>Two options are equal when every setting is, the limits of disabled ones included.
 */
public final class Http2Options {

    private static final Http2Options DEFAULTS = new Http2Options(true, true, 100, 16 * 1024, 65_535, 200,
            Duration.ofSeconds(30));

    private final boolean enabled;
    private final boolean cleartext;
    private final int maxConcurrentStreams;
    private final int maxHeaderListSize;
    private final int initialWindowSize;
    private final int maxResetStreams;
    private final Duration resetWindow;

    private Http2Options(boolean enabled, boolean cleartext, int maxConcurrentStreams, int maxHeaderListSize,
                         int initialWindowSize, int maxResetStreams, Duration resetWindow) {
        this.enabled = enabled;
        this.cleartext = cleartext;
        this.maxConcurrentStreams = maxConcurrentStreams;
        this.maxHeaderListSize = maxHeaderListSize;
        this.initialWindowSize = initialWindowSize;
        this.maxResetStreams = maxResetStreams;
        this.resetWindow = resetWindow;
    }

    /** HTTP/2 on, with the limits above. */
    public static Http2Options defaults() {
        return DEFAULTS;
    }

    /** HTTP/2 off: clients get HTTP/1.1 only (ALPN offers {@code http/1.1} alone). */
    public static Http2Options disabled() {
        return new Http2Options(false, false, DEFAULTS.maxConcurrentStreams, DEFAULTS.maxHeaderListSize,
                DEFAULTS.initialWindowSize, DEFAULTS.maxResetStreams, DEFAULTS.resetWindow);
    }

    /**
     * Whether a cleartext connection that starts with the HTTP/2 preface is served as HTTP/2 (h2c with prior
     * knowledge). Default true. The HTTP/1.1 {@code Upgrade: h2c} dance is never offered (RFC 9113 §3.1 deprecates
     * it).
     */
    public Http2Options withCleartext(boolean enabled) {
        return new Http2Options(this.enabled, enabled, maxConcurrentStreams, maxHeaderListSize, initialWindowSize,
                maxResetStreams, resetWindow);
    }

    /**
     * How many streams a client may have open at once on one connection (SETTINGS_MAX_CONCURRENT_STREAMS); more are
     * refused with {@code REFUSED_STREAM}, which a client may retry. Default 100.
     *
     * @throws IllegalArgumentException unless 1-1000
     */
    public Http2Options withMaxConcurrentStreams(int streams) {
        if (streams < 1 || streams > 1000) {
            throw new IllegalArgumentException("http2 maxConcurrentStreams: " + streams + " (expected: 1-1000)");
        }
        return new Http2Options(enabled, cleartext, streams, maxHeaderListSize, initialWindowSize, maxResetStreams,
                resetWindow);
    }

    /**
     * The largest header list a request may have, in the bytes RFC 9113 §6.5.2 counts (SETTINGS_MAX_HEADER_LIST_SIZE).
     * A larger one gets 431; one a quarter larger again closes the connection, however many CONTINUATION frames
     * carry it, so a header block is never buffered beyond that. Default 16 KiB.
     *
     * @throws IllegalArgumentException unless 1 KiB - 1 MiB
     */
    public Http2Options withMaxHeaderListSize(int bytes) {
        if (bytes < 1024 || bytes > 1024 * 1024) {
            throw new IllegalArgumentException("http2 maxHeaderListSize: " + bytes + " (expected: 1024-1048576)");
        }
        return new Http2Options(enabled, cleartext, maxConcurrentStreams, bytes, initialWindowSize, maxResetStreams,
                resetWindow);
    }

    /**
     * Each stream's receive window (SETTINGS_INITIAL_WINDOW_SIZE): how much request body a client may send ahead
     * of the backend taking it. Memory per connection is bounded by this times the concurrent streams. Default 65535.
     *
     * @throws IllegalArgumentException unless 16 KiB - 16 MiB
     */
    public Http2Options withInitialWindowSize(int bytes) {
        if (bytes < 16 * 1024 || bytes > 16 * 1024 * 1024) {
            throw new IllegalArgumentException("http2 initialWindowSize: " + bytes + " (expected: 16384-16777216)");
        }
        return new Http2Options(enabled, cleartext, maxConcurrentStreams, maxHeaderListSize, bytes, maxResetStreams,
                resetWindow);
    }

    /**
     * The rapid-reset defence: a connection on which the client resets more than {@code streams} streams within
     * {@code window} is closed with GOAWAY {@code ENHANCE_YOUR_CALM}. Default 200 per 30 s.
     *
     * @throws IllegalArgumentException unless {@code streams} is 1-100000 and {@code window} 1 s - 1 h
     */
    public Http2Options withMaxResetStreams(int streams, Duration window) {
        requireNonNull(window, "window");
        if (streams < 1 || streams > 100_000) {
            throw new IllegalArgumentException("http2 maxResetStreams: " + streams + " (expected: 1-100000)");
        }
        if (window.getSeconds() < 1 || window.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("http2 reset window: " + Texts.duration(window)
                    + " (expected: 1 s - 1 h)");
        }
        return new Http2Options(enabled, cleartext, maxConcurrentStreams, maxHeaderListSize, initialWindowSize,
                streams, window);
    }

    /** Whether HTTP/2 is offered at all. */
    public boolean enabled() {
        return enabled;
    }

    /** Whether cleartext HTTP/2 with prior knowledge is served (only when {@link #enabled()}). */
    public boolean cleartext() {
        return enabled && cleartext;
    }

    /** The most concurrent streams per connection. */
    public int maxConcurrentStreams() {
        return maxConcurrentStreams;
    }

    /** The largest request header list, in bytes. */
    public int maxHeaderListSize() {
        return maxHeaderListSize;
    }

    /** Each stream's receive window, in bytes. */
    public int initialWindowSize() {
        return initialWindowSize;
    }

    /** How many streams a client may reset within {@link #resetWindow()}. */
    public int maxResetStreams() {
        return maxResetStreams;
    }

    /** The window of the rapid-reset defence. */
    public Duration resetWindow() {
        return resetWindow;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Http2Options that && enabled == that.enabled && cleartext == that.cleartext
                && maxConcurrentStreams == that.maxConcurrentStreams && maxHeaderListSize == that.maxHeaderListSize
                && initialWindowSize == that.initialWindowSize && maxResetStreams == that.maxResetStreams
                && resetWindow.equals(that.resetWindow);
    }

    @Override
    public int hashCode() {
        return Objects.hash(enabled, cleartext, maxConcurrentStreams, maxHeaderListSize, initialWindowSize,
                maxResetStreams, resetWindow);
    }

    @Override
    public String toString() {
        return enabled ? "Http2Options[cleartext " + cleartext + ", " + maxConcurrentStreams + " streams, "
                + maxHeaderListSize + " B headers, " + initialWindowSize + " B window, " + maxResetStreams
                + " resets per " + resetWindow + "]" : "Http2Options[disabled]";
    }
}
