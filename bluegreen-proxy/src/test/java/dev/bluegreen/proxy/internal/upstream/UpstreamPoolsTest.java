package dev.bluegreen.proxy.internal.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import dev.bluegreen.testing.TestBackend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.resolver.NoopAddressResolverGroup;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link UpstreamPools} of one loop, against real backends on 127.0.0.1: connections are reused while their colour
 * is kept and closed when it is not, and the counts follow.
 */
class UpstreamPoolsTest {

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoop loop = group.next();
    private final TestBackend blueBackend = TestBackend.start("blue");
    private final TestBackend greenBackend = TestBackend.start("green");
    private final Backend blue = Backend.of("127.0.0.1", blueBackend.port());
    private final Backend green = Backend.of("127.0.0.1", greenBackend.port());
    private final BlueGreen admin = BlueGreen.builder().blue("v1", blue).green("v2", green).build();
    private final ProxyCounters counters = new ProxyCounters();
    private final UpstreamPools pools = new UpstreamPools(loop,
            new Bootstrap().channel(NioSocketChannel.class).option(ChannelOption.AUTO_READ, false)
                    .resolver(NoopAddressResolverGroup.INSTANCE),
            null, counters, admin::snapshot, (snapshot, colour) -> false);

    @AfterEach
    void close() {
        onLoop(() -> {
            pools.closeAllIdle();
            return null;
        });
        group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).syncUninterruptibly();
        admin.close();
        blueBackend.close();
        greenBackend.close();
    }

    private <T> T onLoop(Supplier<T> action) {
        return CompletableFuture.supplyAsync(action, loop).orTimeout(5, TimeUnit.SECONDS).join();
    }

    /** A connection to {@code backend} of {@code colour}, acquired on the loop. */
    private Upstream acquire(Colour colour, Backend backend) {
        CompletableFuture<Upstream> acquired = new CompletableFuture<>();
        loop.execute(() -> pools.acquire(colour, backend, blueBackend.address().getPort() == backend.port()
                ? blueBackend.address() : greenBackend.address(), new AcquireCallback() {
                    @Override
                    public void acquired(Upstream upstream) {
                        acquired.complete(upstream);
                    }

                    @Override
                    public void failed(Throwable cause) {
                        acquired.completeExceptionally(cause);
                    }
                }));
        return acquired.orTimeout(5, TimeUnit.SECONDS).join();
    }

    private void release(Upstream upstream, boolean reusable) {
        onLoop(() -> {
            upstream.release(reusable);
            return null;
        });
    }

    @Test
    void releasedConnection_ofTheLiveColour_isReusedByTheNextAcquire() {
        Upstream first = acquire(Colour.BLUE, blue);
        assertThat(first.reused()).isFalse();
        release(first, true);
        assertThat(counters.idleConnections(Colour.BLUE)).isOne();

        Upstream second = acquire(Colour.BLUE, blue);

        assertThat(second).isSameAs(first);
        assertThat(second.reused()).isTrue();
        assertThat(counters.openConnections(Colour.BLUE)).isOne();
        // The backend counts its accept on its own thread, a moment after the proxy's connect completed.
        await().atMost(Duration.ofSeconds(5)).until(() -> blueBackend.connectionsAccepted() == 1);
    }

    @Test
    void connectionLeftOutOfStep_isClosed_notPooled() {
        release(acquire(Colour.BLUE, blue), false);

        await().atMost(Duration.ofSeconds(5)).until(() -> counters.openConnections(Colour.BLUE) == 0);
        assertThat(counters.idleConnections(Colour.BLUE)).isZero();
    }

    @Test
    void idleColour_keepsNoConnection() {
        release(acquire(Colour.GREEN, green), true);

        await().atMost(Duration.ofSeconds(5)).until(() -> counters.openConnections(Colour.GREEN) == 0);
        assertThat(counters.idleConnections(Colour.GREEN)).isZero();
    }

    @Test
    void switch_closesTheIdleConnectionsOfTheColourThatStoppedBeingLive() {
        release(acquire(Colour.BLUE, blue), true);
        admin.switchTo(Colour.GREEN);

        onLoop(() -> {
            pools.onRoutingChange();
            return null;
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> counters.openConnections(Colour.BLUE) == 0);
        assertThat(counters.idleConnections(Colour.BLUE)).isZero();
    }

    @Test
    void warmWindow_keepsConnectionsOfTheColourAboutToGoLive() {
        onLoop(() -> {
            pools.startWarmWindow(Colour.GREEN);
            return null;
        });

        release(acquire(Colour.GREEN, green), true);

        assertThat(counters.idleConnections(Colour.GREEN)).isOne();
        assertThat(onLoop(() -> pools.idleCount(Colour.GREEN, green))).isOne();
    }

    @Test
    void eviction_closesConnectionsIdleForLongerThanTheTimeout() {
        release(acquire(Colour.BLUE, blue), true);

        onLoop(() -> {
            pools.evictIdle(0);
            return null;
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> counters.openConnections(Colour.BLUE) == 0);
    }
}
