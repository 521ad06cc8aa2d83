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
import java.util.ArrayList;
import java.util.List;
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
    private final List<UpstreamPools> created = new ArrayList<>();
    /** Pools without a rollback window: a colour that stops being live closes its idle connections at once. */
    private final UpstreamPools pools = pools(Duration.ZERO);

    private UpstreamPools pools(Duration rollbackWindow) {
        UpstreamPools made = new UpstreamPools(loop,
                new Bootstrap().channel(NioSocketChannel.class).option(ChannelOption.AUTO_READ, false)
                        .resolver(NoopAddressResolverGroup.INSTANCE),
                null, counters, admin::snapshot, (snapshot, colour) -> false, rollbackWindow);
        created.add(made);
        return made;
    }

    @AfterEach
    void close() {
        onLoop(() -> {
            created.forEach(UpstreamPools::closeAllIdle);
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
        return acquire(pools, colour, backend);
    }

    private Upstream acquire(UpstreamPools from, Colour colour, Backend backend) {
        CompletableFuture<Upstream> acquired = new CompletableFuture<>();
        loop.execute(() -> from.acquire(colour, backend, blueBackend.address().getPort() == backend.port()
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
    void rollbackWindow_keepsTheOldColoursIdleConnection_andTheRollbackReusesIt() {
        UpstreamPools warm = pools(Duration.ofSeconds(30));
        release(acquire(warm, Colour.BLUE, blue), true);
        // The backend counts the connection on its own thread, which may lag the proxy's connect: counted first, so
        // that the count at the end is of the rollback's connections alone.
        await().atMost(Duration.ofSeconds(5)).until(() -> blueBackend.connectionsAccepted() == 1);
        admin.switchTo(Colour.GREEN);
        onLoop(() -> {
            warm.onRoutingChange();
            return null;
        });
        assertThat(counters.idleConnections(Colour.BLUE)).as("kept warm").isOne();
        assertThat(counters.busyConnections(Colour.BLUE)).as("what a drain waits for").isZero();

        admin.rollback();
        Upstream again = acquire(warm, Colour.BLUE, blue);

        assertThat(again.reused()).isTrue();
        assertThat(blueBackend.connectionsAccepted()).as("no new connection").isOne();
    }

    @Test
    void connectionReleasedJustAfterTheSwitch_beforeTheLoopHeardOfIt_staysWarm() {
        UpstreamPools warm = pools(Duration.ofSeconds(30));
        Upstream busy = acquire(warm, Colour.BLUE, blue);
        admin.switchTo(Colour.GREEN);

        release(busy, true);

        assertThat(onLoop(() -> warm.idleCount(Colour.BLUE, blue))).isOne();
    }

    @Test
    void rollbackWindow_end_closesTheIdleConnections() {
        UpstreamPools warm = pools(Duration.ofMillis(200));
        release(acquire(warm, Colour.BLUE, blue), true);
        admin.switchTo(Colour.GREEN);
        onLoop(() -> {
            warm.onRoutingChange();
            return null;
        });
        assertThat(counters.idleConnections(Colour.BLUE)).isOne();

        await().atMost(Duration.ofSeconds(5)).until(() -> counters.openConnections(Colour.BLUE) == 0);
        assertThat(counters.idleConnections(Colour.BLUE)).isZero();
    }

    @Test
    void redeployingTheOldColoursPool_endsItsWindow() {
        UpstreamPools warm = pools(Duration.ofSeconds(30));
        release(acquire(warm, Colour.BLUE, blue), true);
        admin.switchTo(Colour.GREEN);
        onLoop(() -> {
            warm.onRoutingChange();
            return null;
        });
        assertThat(counters.idleConnections(Colour.BLUE)).isOne();

        admin.deploy(Colour.BLUE, "v3", List.of(blue));
        onLoop(() -> {
            warm.onRoutingChange();
            return null;
        });

        await().atMost(Duration.ofSeconds(5)).until(() -> counters.openConnections(Colour.BLUE) == 0);
    }

    @Test
    void drainDeadline_leavesTheWarmConnections() {
        UpstreamPools warm = pools(Duration.ofSeconds(30));
        release(acquire(warm, Colour.BLUE, blue), true);
        admin.switchTo(Colour.GREEN);

        onLoop(() -> {
            warm.closeIdleNotKept(Colour.BLUE);
            return null;
        });

        assertThat(counters.idleConnections(Colour.BLUE)).isOne();
        assertThat(counters.openConnections(Colour.BLUE)).isOne();
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
