package dev.bluegreen.proxy.internal.health;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.BackendProtocols;
import dev.bluegreen.proxy.HealthCheckSettings;
import dev.bluegreen.proxy.HealthState;
import dev.bluegreen.testing.Gate;
import dev.bluegreen.testing.TestBackend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * On-demand checks (the switch guard's) on real sockets: one that is recent or under way answers for the next, one
 * older than {@link ActiveHealthChecks#ON_DEMAND_REUSE} does not. Time is the registry's ticker, moved by hand.
 */
class ActiveHealthChecksTest {

    private static final long REUSE_NANOS = ActiveHealthChecks.ON_DEMAND_REUSE.toNanos();

    private final AtomicLong nanos = new AtomicLong();
    private final TestBackend green = TestBackend.start("green-1");
    private final TestBackend blue = TestBackend.start("blue-1");
    private final Backend greenBackend = Backend.of("127.0.0.1", green.port());
    private final Backend blueBackend = Backend.of("127.0.0.1", blue.port());
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final HealthRegistry registry = new HealthRegistry(
            new HealthSettings(HealthCheckSettings.defaults(), null, 1, 0, 0, Duration.ZERO), nanos::get,
            Clock.systemUTC(),
            (task, delay) -> { });
    private final ActiveHealthChecks checks;

    ActiveHealthChecksTest() {
        try (BlueGreen admin = BlueGreen.builder().blue("v1", blueBackend).green("v2", greenBackend).build()) {
            registry.sync(admin.snapshot());
        }
        Bootstrap bootstrap = new Bootstrap().channel(NioSocketChannel.class).option(ChannelOption.SO_LINGER, 0);
        checks = new ActiveHealthChecks(registry, loops, new HealthProbes(bootstrap, HealthCheckSettings.defaults(),
                BackendProtocols.defaults(), null, null,
                new DefaultChannelGroup("health-checks", ImmediateEventExecutor.INSTANCE)),
                backend -> CompletableFuture.completedFuture(new InetSocketAddress(backend.host(), backend.port())));
    }

    @AfterEach
    void stop() {
        checks.stop();
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        green.close();
        blue.close();
    }

    private ActiveHealthChecks.Outcome checkGreen() {
        List<ActiveHealthChecks.Outcome> outcomes = checks.checkNow(Colour.GREEN, List.of(greenBackend))
                .orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(outcomes).hasSize(1);
        return outcomes.get(0);
    }

    @Test
    void aCheckWithinTheReuseWindow_answersForTheNext_andOneAfterIt_checksAgain() {
        assertThat(checkGreen().healthy()).isTrue();
        assertThat(green.requestCount()).isEqualTo(1);

        nanos.addAndGet(REUSE_NANOS - 1);
        assertThat(checkGreen().healthy()).isTrue();
        assertThat(green.requestCount()).as("answered by the check before").isEqualTo(1);
        assertThat(registry.tracker(Colour.GREEN, greenBackend).status().passes()).as("recorded once").isEqualTo(1);

        nanos.addAndGet(1);
        green.status(503, "down");
        ActiveHealthChecks.Outcome afterWindow = checkGreen();
        assertThat(green.requestCount()).as("checked again").isEqualTo(2);
        assertThat(afterWindow.healthy()).isFalse();
        assertThat(afterWindow.reason()).contains("503");
        assertThat(registry.tracker(Colour.GREEN, greenBackend).status().failures()).isEqualTo(1);
        assertThat(registry.health(Colour.GREEN, greenBackend).state()).as("one failure is not a fall of three")
                .isEqualTo(HealthState.HEALTHY);
    }

    @Test
    void aCheckUnderWay_isShared_howeverLongItTakes() {
        Gate gate = green.hold();
        CompletableFuture<List<ActiveHealthChecks.Outcome>> first = checks.checkNow(Colour.GREEN,
                List.of(greenBackend));
        gate.awaitArrived(1, Duration.ofSeconds(10));
        nanos.addAndGet(10 * REUSE_NANOS);
        CompletableFuture<List<ActiveHealthChecks.Outcome>> second = checks.checkNow(Colour.GREEN,
                List.of(greenBackend));
        gate.release();

        assertThat(first.orTimeout(10, TimeUnit.SECONDS).join()).isEqualTo(second.orTimeout(10, TimeUnit.SECONDS)
                .join());
        assertThat(green.requestCount()).isEqualTo(1);
        assertThat(registry.tracker(Colour.GREEN, greenBackend).status().passes()).as("recorded once").isEqualTo(1);
    }

    @Test
    void aCheckOfOneBackend_doesNotAnswerForAnother() {
        checkGreen();
        List<ActiveHealthChecks.Outcome> outcomes = checks.checkNow(Colour.BLUE, List.of(blueBackend))
                .orTimeout(10, TimeUnit.SECONDS).join();
        assertThat(outcomes).singleElement().satisfies(outcome -> {
            assertThat(outcome.backend()).isEqualTo(blueBackend);
            assertThat(outcome.healthy()).isTrue();
        });
        assertThat(blue.requestCount()).isEqualTo(1);
        assertThat(green.requestCount()).isEqualTo(1);
    }
}
