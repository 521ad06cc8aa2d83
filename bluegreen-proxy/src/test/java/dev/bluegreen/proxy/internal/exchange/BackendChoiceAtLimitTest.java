package dev.bluegreen.proxy.internal.exchange;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.proxy.IoTransport;
import dev.bluegreen.proxy.LoadBalancing;
import dev.bluegreen.proxy.Timeouts;
import dev.bluegreen.proxy.internal.ProtocolConfig;
import dev.bluegreen.proxy.internal.ProxyConfig;
import dev.bluegreen.proxy.internal.exchange.BackendLoads.Permits;
import dev.bluegreen.proxy.internal.health.HealthRegistry;
import dev.bluegreen.proxy.internal.health.HealthSettings;
import dev.bluegreen.proxy.internal.metrics.FailureLog;
import dev.bluegreen.proxy.internal.metrics.ProxyCounters;
import dev.bluegreen.proxy.internal.metrics.ProxyRecorder;
import dev.bluegreen.proxy.internal.request.RequestRules;
import dev.bluegreen.proxy.internal.routing.AffinityCookie;
import dev.bluegreen.proxy.internal.routing.Rendezvous;
import dev.bluegreen.proxy.internal.routing.RequestHashKey;
import dev.bluegreen.proxy.internal.routing.RoundRobin;
import dev.bluegreen.proxy.internal.routing.Route;
import dev.bluegreen.proxy.internal.routing.Router;
import dev.bluegreen.proxy.internal.routing.SteeringSettings;
import dev.bluegreen.proxy.internal.upstream.BackendAddresses;
import dev.bluegreen.proxy.internal.upstream.UpstreamPools;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BackendChoice#next()} in a pool whose backends are at their limit, past the masks' 64 too: one look finds
 * them all full and passes them all over (not one pick per backend), and a look that finds one with room takes the
 * backend the walk through the pool, one pick after the other, would have taken.
 */
class BackendChoiceAtLimitTest {

    private static final int POOL = 150;

    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final List<Backend> backends = new ArrayList<>();
    private final BackendLoads loads = new BackendLoads(false, 0);
    private final List<Permits> held = new ArrayList<>();
    private BlueGreen admin;
    private LoopContext loop;
    private Environment pool;

    private BackendChoice choice(long key) {
        return choice(key, POOL);
    }

    private BackendChoice choice(long key, int size) {
        for (int i = 0; i < size; i++) {
            backends.add(new Backend("10.0." + i / 250 + "." + (i % 250 + 1), 8080, "b" + i, 1 + i % 3, 1));
        }
        admin = BlueGreen.builder().blue("v1", backends).green("v2", Backend.of("10.1.0.1", 8080)).build();
        pool = admin.snapshot().blue();
        ProxyConfig config = new ProxyConfig(new InetSocketAddress("127.0.0.1", 0), 1, IoTransport.AUTO, false,
                Timeouts.defaults(), 3, LoadBalancing.ROUND_ROBIN, 0, false, null, SteeringSettings.NONE, null,
                HealthSettings.OFF, ProtocolConfig.defaults(), RequestRules.defaults(), List.of(), null);
        BackendAddresses addresses = new BackendAddresses(channel.eventLoop(), List.of());
        Router router = new Router(SteeringSettings.NONE, Duration.ofSeconds(30), admin.snapshot(), colour -> null);
        HealthRegistry health = new HealthRegistry(HealthSettings.OFF, System::nanoTime, Clock.systemUTC(),
                (task, delayNanos) -> channel.eventLoop().execute(task));
        ProxyCounters counters = new ProxyCounters();
        ExchangeServices services = new ExchangeServices(config, admin::snapshot, router, health, addresses,
                counters, () -> ProxyRecorder.NONE, new FailureLog(Duration.ofSeconds(10), System::nanoTime),
                () -> 0, new AccessLog(), loads);
        UpstreamPools pools = new UpstreamPools(channel.eventLoop(), new Bootstrap(), null, counters,
                admin::snapshot, (snapshot, colour) -> false, Duration.ZERO);
        loop = new LoopContext(channel.eventLoop(), services, pools);
        loads.retainPoolsOf(admin.snapshot());
        BackendChoice choice = new BackendChoice(loop);
        choice.reset(new Route(Colour.BLUE, Route.Kind.LIVE, null, null), pool, key, AffinityCookie.NONE);
        return choice;
    }

    /** Takes the one permit of every backend but those of {@code except}. */
    private void fill(int... except) {
        for (int i = 0; i < backends.size(); i++) {
            int index = i;
            if (Arrays.stream(except).noneMatch(e -> e == index)) {
                held.add(loads.tryAcquire(backends.get(i)));
            }
        }
    }

    @AfterEach
    void close() {
        held.forEach(loads::release);
        if (admin != null) {
            admin.close();
        }
        assertThat(channel.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aPoolAllAtItsLimit_isPassedOverInOneLook_andEveryBackendIsWaitedForAfterwards() {
        BackendChoice choice = choice(RequestHashKey.NONE);
        fill();

        assertThat(choice.next()).isNull();
        assertThat(choice.allAtLimit()).isTrue();
        assertThat(choice.noHealthyBackend()).isFalse();
        assertThat(choice.attempts()).isZero();
        assertThat(choice.failed().test(3)).as("passed over, not failed").isFalse();
        assertThat(choice.failed().test(140)).isFalse();

        // The one past the masks' 64 that gives its permit back is found in the next look, after the queue's.
        loads.release(held.remove(140));
        choice.reconsiderFull();
        assertThat(choice.next()).isEqualTo(backends.get(140));
        choice.release();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 63, 64, 149})
    void roundRobin_theOneBackendWithRoom_isTheOneTheWalkTakes(int free) {
        BackendChoice choice = choice(RequestHashKey.NONE);
        fill(free, 77);
        // The walk, one pick after the other, from this loop's first position: the first with room.
        int expected = walk((mask, beyond) -> RoundRobin.pick(backends, 0, mask, beyond));

        assertThat(choice.next()).isEqualTo(backends.get(expected));
        choice.release();
    }

    @Test
    void consistentHashing_theFirstBackendWithRoomInScoreOrder_isTaken() {
        long key = Rendezvous.hash("user-7", 0, 6);
        BackendChoice choice = choice(key);
        fill(5, 70, 120);
        long[] idHashes = Rendezvous.idHashes(backends);
        int expected = walk((mask, beyond) -> Rendezvous.pick(backends, idHashes, key, mask, beyond));

        assertThat(choice.next()).isEqualTo(backends.get(expected));
        choice.release();
    }

    /** The walk of old: picks with those picked so far excluded, until one has room. */
    private int walk(Pick pick) {
        long mask = 0;
        BitSet beyond = new BitSet();
        while (true) {
            int index = pick.pick(mask, beyond::get);
            if (index < 0 || loads.hasRoom(backends.get(index))) {
                return index;
            }
            mask = RoundRobin.markTried(mask, index);
            beyond.set(index);
        }
    }

    /** One pick of a balancing, with a mask of the first 64 excluded and a test for those past them. */
    private interface Pick {
        int pick(long mask, IntPredicate beyond);
    }
}
