package dev.bluegreen.benchmarks;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.proxy.BlueGreenProxy;
import dev.bluegreen.proxy.IoTransport;
import dev.bluegreen.proxy.LoadBalancing;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The proxy the whole-path benchmarks measure, with its {@link StubBackend}: one event loop (so one upstream
 * connection serves every request), health checks off, no request limit per client connection (as the comparison
 * script runs it), on 127.0.0.1 and the given transport.
 */
final class ProxyUnderTest implements AutoCloseable {

    private final StubBackend backend;
    private final BlueGreen admin;
    private final BlueGreenProxy proxy;

    private ProxyUnderTest(String transport, String balancing) {
        backend = StubBackend.start();
        admin = BlueGreen.builder().blue("v1", Backend.of("127.0.0.1", backend.port())).build();
        proxy = BlueGreenProxy.builder(admin)
                .listen("127.0.0.1", 0)
                .eventLoopThreads(1)
                .maxRequestsPerConnection(0)
                .transport(IoTransport.named(transport))
                .loadBalancing(LoadBalancing.named(balancing))
                .build();
    }

    /**
     * Starts a proxy and its backend, balancing by round robin.
     *
     * @param transport {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}
     * @return the started proxy
     */
    static ProxyUnderTest start(String transport) {
        return start(transport, "round-robin");
    }

    /**
     * Starts a proxy and its backend.
     *
     * @param transport {@code auto}, {@code io_uring}, {@code epoll} or {@code nio}
     * @param balancing a load balancing's name ({@code LoadBalancing.named}): {@code round-robin}, {@code hash:path}...
     * @return the started proxy
     */
    static ProxyUnderTest start(String transport, String balancing) {
        ProxyUnderTest started = new ProxyUnderTest(transport, balancing);
        started.proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
        return started;
    }

    /** The port of the proxy's listener on 127.0.0.1. */
    int port() {
        return proxy.port();
    }

    @Override
    public void close() throws IOException {
        proxy.stop(Duration.ofSeconds(1)).orTimeout(10, TimeUnit.SECONDS).join();
        admin.close();
        backend.close();
    }
}
