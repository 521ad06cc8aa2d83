package dev.bluegreen.proxy;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.testing.RawHttpClient;
import dev.bluegreen.testing.RawResponse;
import dev.bluegreen.testing.TestBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A running proxy on 127.0.0.1 port 0 in front of real test backends: {@code blue-1..n} (v1, live) and
 * {@code green-1..n} (v2). Closing it stops everything.
 */
final class ProxyFixture implements AutoCloseable {

    final List<TestBackend> blue = new ArrayList<>();
    final List<TestBackend> green = new ArrayList<>();
    final BlueGreen admin;
    final BlueGreenProxy proxy;

    private ProxyFixture(int bluePoolSize, int greenPoolSize, UnaryOperator<BlueGreenProxyBuilder> options) {
        this(bluePoolSize, greenPoolSize, backends -> { }, options);
    }

    /** @param beforeStart sets the backends up before the proxy (and its first health checks) starts */
    private ProxyFixture(int bluePoolSize, int greenPoolSize, java.util.function.Consumer<ProxyFixture> beforeStart,
                         UnaryOperator<BlueGreenProxyBuilder> options) {
        for (int i = 1; i <= bluePoolSize; i++) {
            blue.add(TestBackend.start("blue-" + i));
        }
        for (int i = 1; i <= greenPoolSize; i++) {
            green.add(TestBackend.start("green-" + i));
        }
        beforeStart.accept(this);
        admin = BlueGreen.builder()
                .blue("v1", backends(blue))
                .green("v2", backends(green))
                .build();
        BlueGreenProxyBuilder builder = BlueGreenProxy.builder(admin)
                .listen("127.0.0.1", 0)
                .eventLoopThreads(2)
                .connectTimeout(Duration.ofSeconds(1))
                .responseTimeout(Duration.ofSeconds(5))
                .shutdownGracePeriod(Duration.ofSeconds(5));
        proxy = options.apply(builder).build();
        proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
    }

    static ProxyFixture start() {
        return new ProxyFixture(1, 1, UnaryOperator.identity());
    }

    static ProxyFixture start(int bluePoolSize, int greenPoolSize) {
        return new ProxyFixture(bluePoolSize, greenPoolSize, UnaryOperator.identity());
    }

    static ProxyFixture start(UnaryOperator<BlueGreenProxyBuilder> options) {
        return new ProxyFixture(1, 1, options);
    }

    static ProxyFixture start(int bluePoolSize, int greenPoolSize, UnaryOperator<BlueGreenProxyBuilder> options) {
        return new ProxyFixture(bluePoolSize, greenPoolSize, options);
    }

    /** As {@link #start(int, int, UnaryOperator)}, with {@code beforeStart} run on the backends first. */
    static ProxyFixture start(int bluePoolSize, int greenPoolSize, java.util.function.Consumer<ProxyFixture> beforeStart,
                              UnaryOperator<BlueGreenProxyBuilder> options) {
        return new ProxyFixture(bluePoolSize, greenPoolSize, beforeStart, options);
    }

    static List<Backend> backends(List<TestBackend> servers) {
        List<Backend> backends = new ArrayList<>();
        for (TestBackend server : servers) {
            backends.add(Backend.of("127.0.0.1", server.port()));
        }
        return backends;
    }

    int port() {
        return proxy.port();
    }

    TestBackend blue() {
        return blue.get(0);
    }

    TestBackend green() {
        return green.get(0);
    }

    /**
     * Makes green live, its pool the first green backend alone, limited to {@code max} requests under way.
     *
     * @return that backend, as the pools hold it
     */
    Backend greenLiveWithLimit(int max) {
        Backend backend = Backend.of("127.0.0.1", green().port()).withMaxRequests(max);
        admin.deploy(Colour.GREEN, "v2", List.of(backend));
        admin.switchTo(Colour.GREEN);
        return backend;
    }

    /** A GET through the proxy on a connection of its own, read on another thread. */
    CompletableFuture<RawResponse> getAsync(String path) {
        return CompletableFuture.supplyAsync(() -> {
            try (RawHttpClient client = RawHttpClient.connect(port())) {
                return client.get(path);
            }
        });
    }

    @Override
    public void close() {
        proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
        admin.close();
        blue.forEach(TestBackend::close);
        green.forEach(TestBackend::close);
    }
}
