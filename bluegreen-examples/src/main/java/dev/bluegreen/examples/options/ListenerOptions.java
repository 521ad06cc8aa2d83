package dev.bluegreen.examples.options;

import dev.bluegreen.examples.Converters;
import dev.bluegreen.examples.Converters.ListenAddress;
import dev.bluegreen.proxy.BlueGreenProxyBuilder;
import dev.bluegreen.proxy.IoTransport;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * Where the proxy listens, how many event-loop threads it runs, on which I/O transport and whether they yield, and
 * how long a client connection may sit idle or take none of a response: {@code --listen}, {@code --threads},
 * {@code --transport}, {@code --yield-after-io}, {@code --idle-timeout}, {@code --send-timeout}.
 */
public final class ListenerOptions implements ProxyOptionGroup {

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080",
            converter = Converters.ListenAddressConverter.class,
            description = "Where the proxy listens; port 0 picks a free one (default: ${DEFAULT-VALUE}).")
    ListenAddress listen;

    @Option(names = "--threads", paramLabel = "N",
            description = "Event-loop threads (default: the number of cores).")
    Integer threads;

    @Option(names = "--transport", paramLabel = "NAME", defaultValue = "auto",
            description = "The I/O transport: auto (io_uring, else epoll, else NIO), io_uring, epoll or nio"
                    + " (default: ${DEFAULT-VALUE}).")
    String transport;

    @Option(names = "--yield-after-io", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Event loops give up their core after every round of I/O that handled something, so that"
                    + " clients, backends or other work sharing the cores get their turn sooner (default: on;"
                    + " --no-yield-after-io for Netty's plain loops).")
    boolean yieldAfterIo;

    // Here rather than with the other durations in PoolOptions: those wait on the backends, these on the clients
    // that connect to the listener.
    @Option(names = "--idle-timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = Converters.DurationConverter.class,
            description = "How long a client keep-alive connection may sit between requests before the proxy closes"
                    + " it; above 0 (default: ${DEFAULT-VALUE}).")
    Duration idleTimeout;

    @Option(names = "--send-timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = Converters.DurationConverter.class,
            description = "How long a client may take none of a response before the proxy cuts it (resets the HTTP/2"
                    + " stream, closes the HTTP/1.1 connection) and releases the backend's side; above 0"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration sendTimeout;

    @Option(names = "--access-log",
            description = "Log one line per request on standard error: client, request line, status, response bytes,"
                    + " time, colour and backend.")
    boolean accessLog;

    /** Creates the group; picocli does this. */
    public ListenerOptions() {
    }

    /** Whether {@code --access-log} was given. */
    public boolean accessLog() {
        return accessLog;
    }

    @Override
    public void configureProxy(BlueGreenProxyBuilder proxy, OptionErrors errors) {
        proxy.listen(listen.host(), listen.port());
        if (threads != null) {
            errors.check("--threads", () -> proxy.eventLoopThreads(threads));
        }
        errors.check("--transport", () -> proxy.transport(IoTransport.named(transport)));
        proxy.yieldAfterIo(yieldAfterIo);
        errors.check("--idle-timeout", () -> proxy.idleTimeout(idleTimeout));
        errors.check("--send-timeout", () -> proxy.sendTimeout(sendTimeout));
    }
}
