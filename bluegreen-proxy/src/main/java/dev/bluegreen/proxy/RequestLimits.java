package dev.bluegreen.proxy;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.time.Duration;

/**
 * How much a client may ask of the proxy: sizes, counts and times, each answered with its own status when exceeded.
 * Set through {@link BlueGreenProxyBuilder}, one limit at a time or all at once from {@link #defaults()} and the
 * {@code with} methods, such as {@code RequestLimits.defaults().withMaxBodySize(10 << 20)}.
 *
 * @param maxRequestLineLength     bytes of the request line ({@code GET /path HTTP/1.1}); longer → 414
 * @param maxHeaderSize            bytes of the header section; larger → 431
 * @param maxHeaderCount           header fields in one request; more → 431
 * @param maxBodySize              bytes of one request body; larger → 413 (0: no limit)
 * @param maxRequestsPerConnection requests served on one HTTP/1.1 client connection, the last answered with
 *                                 {@code Connection: close} (0: no limit); HTTP/2 connections are not limited by
 *                                 count
 * @param maxClientConnections     client connections open at once; a connection above it is answered 503 and
 *                                 closed (0: no limit)
 * @param requestHeaderTimeout     how long a request head may take to arrive, from its first byte (or from the end
 *                                 of the previous exchange, if later) to its last; slower → 408 and close
 * @param requestBodyTimeout       how long the client may leave a read for the request body unanswered; longer →
 *                                 408 (or the connection closed, if the response has started)
 * @param lingeringCloseTime       after the last response on an HTTP/1.1 connection the proxy closes (an error that
 *                                 ends it, {@code Connection: close}), how long it keeps reading and dropping what the
 *                                 client still sends before it closes, so that closing with unread bytes does not reset
 *                                 the connection under the response (RFC 9112 §9.6); 0 closes at once
 * @param lingeringCloseBytes      how many bytes it reads and drops in that time, at most, before it closes anyway
 */
public record RequestLimits(
        int maxRequestLineLength,
        int maxHeaderSize,
        int maxHeaderCount,
        long maxBodySize,
        int maxRequestsPerConnection,
        int maxClientConnections,
        Duration requestHeaderTimeout,
        Duration requestBodyTimeout,
        Duration lingeringCloseTime,
        long lingeringCloseBytes) {

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public RequestLimits {
        atLeast("maxRequestLineLength", maxRequestLineLength, 64);
        atLeast("maxHeaderSize", maxHeaderSize, 256);
        atLeast("maxHeaderCount", maxHeaderCount, 1);
        if (maxBodySize < 0) {
            throw new IllegalArgumentException("maxBodySize: " + maxBodySize + " (expected: >= 0; 0 for no limit)");
        }
        atLeast("maxRequestsPerConnection", maxRequestsPerConnection, 0);
        atLeast("maxClientConnections", maxClientConnections, 0);
        Texts.requirePositive("requestHeaderTimeout", requestHeaderTimeout);
        Texts.requirePositive("requestBodyTimeout", requestBodyTimeout);
        requireNonNull(lingeringCloseTime, "lingeringCloseTime");
        if (lingeringCloseTime.isNegative()) {
            throw new IllegalArgumentException("lingeringCloseTime: " + Texts.duration(lingeringCloseTime)
                    + " (expected: >= 0)");
        }
        atLeast("lingeringCloseBytes", lingeringCloseBytes, 0);
    }

    /**
     * The defaults: request line 8 KiB, header section 16 KiB, 100 header fields, no body limit, 10,000 requests
     * per connection, 10,000 client connections, 10 s for a request head, 30 s for a read of the body; a lingering
     * close of 2 s and 1 MiB at most.
     */
    public static RequestLimits defaults() {
        return new RequestLimits(8 * 1024, 16 * 1024, 100, 0, 10_000, 10_000,
                Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(2), 1024 * 1024);
    }

    /**
     * These limits with another {@code maxRequestLineLength}.
     *
     * @param maxRequestLineLength the new value, checked as the constructor checks it
     * @return a new record
     */
    public RequestLimits withMaxRequestLineLength(int maxRequestLineLength) {
        return new RequestLimits(maxRequestLineLength, maxHeaderSize, maxHeaderCount, maxBodySize,
                maxRequestsPerConnection, maxClientConnections, requestHeaderTimeout, requestBodyTimeout,
                lingeringCloseTime, lingeringCloseBytes);
    }

    /**
     * These limits with another {@code maxHeaderSize}.
     *
     * @param maxHeaderSize the new value, checked as the constructor checks it
     * @return a new record
     */
    public RequestLimits withMaxHeaderSize(int maxHeaderSize) {
        return new RequestLimits(maxRequestLineLength, maxHeaderSize, maxHeaderCount, maxBodySize,
                maxRequestsPerConnection, maxClientConnections, requestHeaderTimeout, requestBodyTimeout,
                lingeringCloseTime, lingeringCloseBytes);
    }

    /**
     * These limits with another {@code maxHeaderCount}.
     *
     * @param maxHeaderCount the new value, checked as the constructor checks it
     * @return a new record
     */
    public RequestLimits withMaxHeaderCount(int maxHeaderCount) {
        return new RequestLimits(maxRequestLineLength, maxHeaderSize, maxHeaderCount, maxBodySize,
                maxRequestsPerConnection, maxClientConnections, requestHeaderTimeout, requestBodyTimeout,
                lingeringCloseTime, lingeringCloseBytes);
    }

    /**
     * These limits with another {@code maxBodySize}.
     *
     * @param maxBodySize the new value, checked as the constructor checks it
     * @return a new record
     */
    public RequestLimits withMaxBodySize(long maxBodySize) {
        return new RequestLimits(maxRequestLineLength, maxHeaderSize, maxHeaderCount, maxBodySize,
                maxRequestsPerConnection, maxClientConnections, requestHeaderTimeout, requestBodyTimeout,
                lingeringCloseTime, lingeringCloseBytes);
    }

    /**
     * These limits with another {@code maxRequestsPerConnection}.
     *
     * @param maxRequestsPerConnection the new value, checked as the constructor checks it
     * @return a new record
     */
    public RequestLimits withMaxRequestsPerConnection(int maxRequestsPerConnection) {
        return new RequestLimits(maxRequestLineLength, maxHeaderSize, maxHeaderCount, maxBodySize,
                maxRequestsPerConnection, maxClientConnections, requestHeaderTimeout, requestBodyTimeout,
                lingeringCloseTime, lingeringCloseBytes);
    }

    /**
     * These limits with another {@code maxClientConnections}.
     *
     * @param maxClientConnections the new value, checked as the constructor checks it
     * @return a new record
     */
    public RequestLimits withMaxClientConnections(int maxClientConnections) {
        return new RequestLimits(maxRequestLineLength, maxHeaderSize, maxHeaderCount, maxBodySize,
                maxRequestsPerConnection, maxClientConnections, requestHeaderTimeout, requestBodyTimeout,
                lingeringCloseTime, lingeringCloseBytes);
    }

    /**
     * These limits with another {@code requestHeaderTimeout}.
     *
     * @param requestHeaderTimeout the new value, checked as the constructor checks it
     * @return a new record
     */
    public RequestLimits withRequestHeaderTimeout(Duration requestHeaderTimeout) {
        return new RequestLimits(maxRequestLineLength, maxHeaderSize, maxHeaderCount, maxBodySize,
                maxRequestsPerConnection, maxClientConnections, requestHeaderTimeout, requestBodyTimeout,
                lingeringCloseTime, lingeringCloseBytes);
    }

    /**
     * These limits with another {@code requestBodyTimeout}.
     *
     * @param requestBodyTimeout the new value, checked as the constructor checks it
     * @return a new record
     */
    public RequestLimits withRequestBodyTimeout(Duration requestBodyTimeout) {
        return new RequestLimits(maxRequestLineLength, maxHeaderSize, maxHeaderCount, maxBodySize,
                maxRequestsPerConnection, maxClientConnections, requestHeaderTimeout, requestBodyTimeout,
                lingeringCloseTime, lingeringCloseBytes);
    }

    /**
     * These limits with another {@code lingeringCloseTime}.
     *
     * @param lingeringCloseTime the new value, checked as the constructor checks it
     * @return a new record
     */
    public RequestLimits withLingeringCloseTime(Duration lingeringCloseTime) {
        return new RequestLimits(maxRequestLineLength, maxHeaderSize, maxHeaderCount, maxBodySize,
                maxRequestsPerConnection, maxClientConnections, requestHeaderTimeout, requestBodyTimeout,
                lingeringCloseTime, lingeringCloseBytes);
    }

    /**
     * These limits with another {@code lingeringCloseBytes}.
     *
     * @param lingeringCloseBytes the new value, checked as the constructor checks it
     * @return a new record
     */
    public RequestLimits withLingeringCloseBytes(long lingeringCloseBytes) {
        return new RequestLimits(maxRequestLineLength, maxHeaderSize, maxHeaderCount, maxBodySize,
                maxRequestsPerConnection, maxClientConnections, requestHeaderTimeout, requestBodyTimeout,
                lingeringCloseTime, lingeringCloseBytes);
    }

    private static void atLeast(String name, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= " + min + ")");
        }
    }
}
