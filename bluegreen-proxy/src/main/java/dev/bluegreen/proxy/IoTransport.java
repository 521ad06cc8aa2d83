package dev.bluegreen.proxy;

import java.util.Locale;

/**
 * The I/O transport the proxy's event loops use, set with {@link BlueGreenProxyBuilder#transport}. Client and
 * upstream connections always share it, so that an upstream connection lives on its client connection's event loop.
 *
 * <p>{@link #AUTO} (the default) picks the first this JVM can load: io_uring, then epoll (both Linux x86_64, with
 * the native libraries the proxy ships), then NIO, which runs everywhere. Unless the builder names one, the system
 * property {@value #PROPERTY} (one of {@code auto}, {@code io_uring}, {@code epoll}, {@code nio}) overrides the
 * choice, which is how the test suite runs on each transport. A transport that was asked for by name and can't be
 * loaded fails the start with the reason, rather than quietly falling back.
 */
public enum IoTransport {

    /** The best this JVM can load: io_uring, epoll, then NIO. */
    AUTO,
    /** Linux io_uring (kernel 5.14 or later, and not blocked by a seccomp profile). */
    IO_URING,
    /** Linux epoll. */
    EPOLL,
    /** Java NIO: every platform. */
    NIO;

    /** The system property that forces a transport when the builder leaves it at {@link #AUTO}. */
    public static final String PROPERTY = "bluegreen.transport";

    /**
     * The transport named {@code name}, as the runner's {@code --transport} and the system property spell it:
     * {@code auto}, {@code io_uring} (or {@code io-uring}, {@code iouring}), {@code epoll} or {@code nio}, in any case.
     *
     * @throws IllegalArgumentException naming the value and what was expected
     */
    public static IoTransport named(String name) {
        String key = name == null ? "" : name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (key) {
            case "auto" -> AUTO;
            case "io_uring", "iouring" -> IO_URING;
            case "epoll" -> EPOLL;
            case "nio" -> NIO;
            default -> throw new IllegalArgumentException("transport: " + name
                    + " (expected: auto, io_uring, epoll or nio)");
        };
    }

    /** The name {@link #named} reads back: {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
