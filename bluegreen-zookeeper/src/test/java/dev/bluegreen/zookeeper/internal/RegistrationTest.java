package dev.bluegreen.zookeeper.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryNTimes;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An instance's registration against a real ZooKeeper server: when and how often it reports what it serves. */
class RegistrationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String PATH = "/bluegreen/registration-test/instances/a";
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    private final AtomicReference<RoutingSnapshot> serving = new AtomicReference<>(snapshot(0));
    private final RecordingScheduler storeThread = new RecordingScheduler();
    private TestingServer server;
    private CuratorFramework client;

    @BeforeEach
    void start() throws Exception {
        server = new TestingServer(new InstanceSpec(null, -1, -1, -1, true, -1, -1, -1,
                Map.of("clientPortAddress", "127.0.0.1"), "127.0.0.1"), true);
        client = CuratorFrameworkFactory.newClient(server.getConnectString(), 5_000, 2_000, new RetryNTimes(3, 100));
        client.start();
    }

    @AfterEach
    void stop() throws Exception {
        storeThread.shutdownNow();
        client.close();
        server.close();
    }

    @Test
    void aBurstOfAppliedSnapshots_isReportedOnce_afterTheReportDelay_withTheLatestGeneration() throws Exception {
        Registration registration = new Registration(client, PATH, "a", storeThread, serving::get,
                Clock.fixed(T0, ZoneOffset.UTC), serving.get());
        registration.register(WAIT);
        int versionBefore = version();

        // The store's thread is busy while five snapshots are applied: however slow this machine, they make a burst.
        CountDownLatch busy = new CountDownLatch(1);
        storeThread.execute(() -> awaitQuietly(busy));
        for (long generation = 1; generation <= 5; generation++) {
            serving.set(snapshot(generation));
            registration.reportServing();
        }
        busy.countDown();

        await().atMost(WAIT).until(() -> InstanceReport.decode(client.getData().forPath(PATH)).generation() == 5);
        assertThat(storeThread.delays).containsExactly(Registration.REPORT_DELAY.toNanos());
        assertThat(version()).isEqualTo(versionBefore + 1);

        // The next snapshot after the report makes a report of its own.
        serving.set(snapshot(6));
        registration.reportServing();
        await().atMost(WAIT).until(() -> InstanceReport.decode(client.getData().forPath(PATH)).generation() == 6);
        assertThat(storeThread.delays).hasSize(2);
        assertThat(version()).isEqualTo(versionBefore + 2);
    }

    private int version() throws Exception {
        Stat stat = new Stat();
        client.getData().storingStatIn(stat).forPath(PATH);
        return stat.getVersion();
    }

    private static RoutingSnapshot snapshot(long generation) {
        RoutingSnapshot initial = RoutingSnapshot.initial(Colour.BLUE,
                Environment.of(Colour.BLUE, "v1", List.of(Backend.of("127.0.0.1", 8081))),
                Environment.of(Colour.GREEN, "v2", List.of(Backend.of("127.0.0.1", 8082))), T0);
        return new RoutingSnapshot(generation, generation % 2 == 0 ? Colour.BLUE : Colour.GREEN, initial.blue(),
                initial.green(), initial.rollbackTarget(), initial.lastChange(), T0, initial.reason(), initial.actor());
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The store's one thread, remembering the delay of every task scheduled on it for later than at once. */
    private static final class RecordingScheduler extends ScheduledThreadPoolExecutor {
        final List<Long> delays = new CopyOnWriteArrayList<>();

        RecordingScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            if (delay > 0) {
                // execute() comes here too, with no delay.
                delays.add(unit.toNanos(delay));
            }
            return super.schedule(command, delay, unit);
        }
    }
}
