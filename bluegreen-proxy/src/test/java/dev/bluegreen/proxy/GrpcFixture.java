package dev.bluegreen.proxy;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.testing.GrpcTestServer;
import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A running proxy on 127.0.0.1 port 0 speaking h2c to two real gRPC servers, {@code blue-1} (v1, live) and
 * {@code green-1} (v2), with a gRPC channel to the proxy. Closing it stops everything.
 */
final class GrpcFixture implements AutoCloseable {

    final GrpcTestServer blue;
    final GrpcTestServer green;
    final BlueGreen admin;
    final BlueGreenProxy proxy;
    final ManagedChannel channel;

    private GrpcFixture(GrpcTestServer blue, GrpcTestServer green, UnaryOperator<BlueGreenProxyBuilder> options) {
        this.blue = blue;
        this.green = green;
        admin = BlueGreen.builder()
                .blue("v1", List.of(Backend.of("127.0.0.1", blue.port())))
                .green("v2", List.of(Backend.of("127.0.0.1", green.port())))
                .build();
        BlueGreenProxyBuilder builder = BlueGreenProxy.builder(admin)
                .listen("127.0.0.1", 0)
                .eventLoopThreads(2)
                .backendProtocol(BackendProtocol.H2C)
                // A cold gRPC server may take a while to send its first SETTINGS on a busy machine: the wait for a
                // connection (and a stream) is the connect timeout.
                .connectTimeout(Duration.ofSeconds(5))
                .responseTimeout(Duration.ofSeconds(10))
                .shutdownGracePeriod(Duration.ofSeconds(2));
        proxy = options.apply(builder).build();
        proxy.start().orTimeout(10, TimeUnit.SECONDS).join();
        channel = GrpcTestServer.channel(proxy.port());
    }

    /** Two cleartext gRPC servers with the health service, and the proxy with {@code options}. */
    static GrpcFixture start(UnaryOperator<BlueGreenProxyBuilder> options) {
        return new GrpcFixture(GrpcTestServer.start("blue-1"), GrpcTestServer.start("green-1"), options);
    }

    /** The servers given (the fixture closes them), and the proxy with {@code options}. */
    static GrpcFixture start(GrpcTestServer blue, GrpcTestServer green, UnaryOperator<BlueGreenProxyBuilder> options) {
        return new GrpcFixture(blue, green, options);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        proxy.stop(Duration.ofSeconds(2)).orTimeout(10, TimeUnit.SECONDS).join();
        admin.close();
        blue.close();
        green.close();
    }
}
