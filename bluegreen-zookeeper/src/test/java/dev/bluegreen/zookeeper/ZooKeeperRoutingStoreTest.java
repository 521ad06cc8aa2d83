package dev.bluegreen.zookeeper;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.ChangeRefusedException.Refusal;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.FleetStatus;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.zookeeper.internal.SnapshotCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The store against one real ZooKeeper server: sharing, following, racing, the fleet view, damaged znodes. */
class ZooKeeperRoutingStoreTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static TestingServer server;
    private static CuratorFramework raw;

    private final List<Instance> instances = new ArrayList<>();
    private String path;

    @BeforeAll
    static void startServer() throws Exception {
        server = Zk.server();
        raw = Zk.client(server.getConnectString());
    }

    @AfterAll
    static void stopServer() throws Exception {
        raw.close();
        server.close();
    }

    @BeforeEach
    void pathPerTest(TestInfo test) {
        path = "/bluegreen/" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void closeInstances() {
        instances.forEach(Instance::close);
    }

    @Test
    void firstInstance_createsTheZnode_andTheNextAdoptsItsState() throws Exception {
        Instance a = start("a");
        Instance b = start("b", builder -> builder.live(Colour.GREEN).historySize(5));

        RoutingSnapshot stored = SnapshotCodec.decode(raw.getData().forPath(path));
        assertThat(stored).isEqualTo(a.snapshot());
        assertThat(stored.generation()).isZero();
        assertThat(stored.live()).isEqualTo(Colour.BLUE);
        assertThat(b.snapshot()).as("b adopts what is stored, not its own initial state").isEqualTo(stored);
        assertThat(raw.getChildren().forPath(path + "/instances")).containsExactlyInAnyOrder("a", "b");
    }

    @Test
    void emptyZnodeMadeByHand_isFilledWithTheFirstInstancesState() throws Exception {
        raw.create().creatingParentsIfNeeded().forPath(path, new byte[0]);

        Instance a = start("a");

        assertThat(SnapshotCodec.decode(raw.getData().forPath(path))).isEqualTo(a.snapshot());
        assertThat(a.admin.switchTo(Colour.GREEN).generation()).isEqualTo(1);
    }

    @Test
    void switchThroughOne_reachesEveryInstance_andEachHearsItOnce() {
        Instance a = start("a");
        Instance b = start("b");
        Instance c = start("c");

        RoutingSnapshot switched = a.admin.switchTo(Colour.GREEN);

        assertThat(switched.generation()).isEqualTo(1);
        awaitAll(1, a, b, c);
        for (Instance instance : List.of(a, b, c)) {
            assertThat(instance.snapshot()).as(instance.id).isEqualTo(switched);
            await().atMost(WAIT).until(() -> instance.heard.size() == 1);
            assertThat(instance.heard.get(0).current()).isEqualTo(switched);
        }

        RoutingSnapshot rolledBack = c.admin.rollback();

        assertThat(rolledBack.generation()).isEqualTo(2);
        assertThat(rolledBack.live()).isEqualTo(Colour.BLUE);
        awaitAll(2, a, b, c);
        assertThat(a.snapshot()).isEqualTo(rolledBack);
        assertThat(b.snapshot()).isEqualTo(rolledBack);
    }

    @Test
    void deployThroughOne_carriesEveryComponent_toTheOthers() {
        Instance a = start("a");
        Instance b = start("b");

        RoutingSnapshot deployed = a.admin.as("alice", "release 2.3 \"quoted\" \\ ünïcödé")
                .deploy(Colour.GREEN, "v3", List.of(new Backend("127.0.0.1", 9301, "g-1", 7),
                        new Backend("::1", 9302, "g-2", 1)));

        awaitAll(1, b);
        assertThat(b.snapshot()).isEqualTo(deployed);
        assertThat(b.snapshot().actor()).isEqualTo("alice");
        assertThat(b.admin.history()).extracting(Change::reason)
                .containsExactly("release 2.3 \"quoted\" \\ ünïcödé");
    }

    @Test
    void twoInstancesSwitchingAtOnce_exactlyOneWins_andTheOtherIsRefusedAsStale() throws Exception {
        Instance a = start("a");
        Instance b = start("b");

        switchBothAtOnce_tenRounds_exactlyOneWinsEach(a, b);
    }

    @Test
    void twoInstancesMakingTheSameChangeAtTheSameInstant_exactlyOneWins() throws Exception {
        // One stopped clock for both: their switches make snapshots equal in every field, so the instance that lost
        // the write can't tell by comparing the stored snapshot with its own whether the write was its.
        Clock stopped = Clock.fixed(Instant.parse("2026-12-04T23:13:36.243213676Z"), ZoneOffset.UTC);
        Instance a = start("a", builder -> builder.clock(stopped));
        Instance b = start("b", builder -> builder.clock(stopped));

        switchBothAtOnce_tenRounds_exactlyOneWinsEach(a, b);
    }

    /**
     * Ten rounds of both instances switching to the idle colour at once, each naming the generation it read: in
     * each, one switch applies, the other is refused as stale, both instances end on the new state, and the trail
     * gains one entry.
     */
    private void switchBothAtOnce_tenRounds_exactlyOneWinsEach(Instance a, Instance b) throws Exception {
        for (int round = 0; round < 10; round++) {
            long generation = a.generation();
            awaitAll(generation, b);
            Colour target = a.snapshot().idle();
            List<Object> outcomes = race(
                    () -> a.admin.switchTo(target, generation),
                    () -> b.admin.switchTo(target, generation));

            assertThat(outcomes).as("round %d", round)
                    .filteredOn(RoutingSnapshot.class::isInstance).hasSize(1);
            assertThat(outcomes).filteredOn(ChangeRefusedException.class::isInstance).singleElement()
                    .extracting(e -> ((ChangeRefusedException) e).refusal()).isEqualTo(Refusal.STALE_GENERATION);
            awaitAll(generation + 1, a, b);
            assertThat(a.snapshot()).isEqualTo(b.snapshot());
            assertThat(a.snapshot().live()).isEqualTo(target);
            int changes = round + 1;
            await().atMost(WAIT).untilAsserted(() -> assertThat(b.admin.history()).hasSize(changes));
        }
    }

    @Test
    void manyChangesFromTwoInstancesAtOnce_allApply_inOneGenerationSequence() throws Exception {
        Instance a = start("a");
        Instance b = start("b");
        int perInstance = 15;
        List<RoutingSnapshot> madeByA = new ArrayList<>();
        List<RoutingSnapshot> madeByB = new ArrayList<>();

        race(() -> deployIdle(a, "a", perInstance, madeByA), () -> deployIdle(b, "b", perInstance, madeByB));

        List<RoutingSnapshot> made = new ArrayList<>(madeByA);
        made.addAll(madeByB);
        assertThat(made).extracting(RoutingSnapshot::generation)
                .as("each change got its own generation, and none is missing")
                .containsExactlyInAnyOrderElementsOf(rangeClosed(1, 2 * perInstance));
        awaitAll(2 * perInstance, a, b);
        for (Instance instance : List.of(a, b)) {
            List<Change> history = instance.admin.history();
            assertThat(history).extracting(Change::generation).as(instance.id).isSorted().doesNotHaveDuplicates();
            for (Change change : history) {
                assertThat(made).as("%s heard generation %d as it was made", instance.id, change.generation())
                        .contains(change.current());
            }
        }
    }

    @Test
    void fleet_showsEveryInstanceOnTheNewGeneration_andAwaitCompletes() {
        Instance a = start("a");
        Instance b = start("b");
        Instance c = start("c");

        long generation = b.admin.switchTo(Colour.GREEN).generation();
        FleetStatus status = a.fleet().awaitGeneration(generation, WAIT).join();

        assertThat(status.allReached(generation)).isTrue();
        assertThat(status.instanceId()).isEqualTo("a");
        assertThat(status.connected()).isTrue();
        assertThat(status.members()).extracting(FleetStatus.Member::id).containsExactly("a", "b", "c");
        assertThat(status.members()).allSatisfy(member -> {
            assertThat(member.generation()).isEqualTo(generation);
            assertThat(member.live()).isEqualTo(Colour.GREEN);
            assertThat(member.reachable()).isTrue();
        });
        assertThat(c.fleet().awaitGeneration(generation, WAIT).join().members()).hasSize(3);
    }

    @Test
    void awaitGeneration_timesOut_namingTheInstanceBehind() throws Exception {
        Instance a = start("a");
        raw.create().withMode(CreateMode.EPHEMERAL).forPath(path + "/instances/laggard",
                "{\"format\":1,\"generation\":0,\"live\":\"blue\",\"reportedAt\":\"2026-01-01T00:00:00Z\"}"
                        .getBytes(UTF_8));
        await().atMost(WAIT).until(() -> a.fleet().status().member("laggard").isPresent());

        long generation = a.admin.switchTo(Colour.GREEN).generation();

        assertThatThrownBy(() -> a.fleet().awaitGeneration(generation, Duration.ofMillis(500)).join())
                .isInstanceOf(CompletionException.class)
                .cause().isInstanceOf(TimeoutException.class)
                .hasMessageContaining("not every instance reached generation 1")
                .hasMessageContaining("laggard at 0")
                .hasMessageNotContaining("a at");
        raw.delete().forPath(path + "/instances/laggard");
        assertThat(a.fleet().awaitGeneration(generation, WAIT).join().members())
                .as("a departed instance stays in the view, unreachable, and holds nothing back")
                .extracting(FleetStatus.Member::id, FleetStatus.Member::reachable)
                .containsExactly(tuple("a", true),
                        tuple("laggard", false));
    }

    @Test
    void stoppedInstance_isShownUnreachable_atItsLastGeneration() {
        Instance a = start("a");
        Instance b = start("b");
        a.admin.switchTo(Colour.GREEN);
        awaitAll(1, b);
        a.fleet().awaitGeneration(1, WAIT).join();

        b.close();
        instances.remove(b);

        await().atMost(WAIT).until(() -> a.fleet().status().member("b")
                .map(member -> !member.reachable()).orElse(false));
        FleetStatus status = a.fleet().status();
        assertThat(status.member("b").orElseThrow().generation()).isEqualTo(1);
        assertThat(status.reachable()).extracting(FleetStatus.Member::id).containsExactly("a");
        assertThat(status.allReached(1)).isTrue();
    }

    @Test
    void malformedZnode_isRefusedAtOpen_sayingWhatAndWhere() throws Exception {
        raw.create().creatingParentsIfNeeded().forPath(path,
                "{\"format\":1,\"generation\":\"seven\"}".getBytes(UTF_8));

        assertThatThrownBy(() -> start("a"))
                .isInstanceOfSatisfying(ChangeRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(Refusal.STORE_REJECTED))
                .hasMessageContaining("can't open the routing store")
                .hasMessageContaining(path)
                .hasMessageContaining("generation: a string (expected: an integer)");
    }

    @Test
    void znodeDamagedWhileRunning_keepsServing_refusesChanges_andANewZnodeHealsIt() throws Exception {
        Instance a = start("a");
        Instance b = start("b");
        RoutingSnapshot before = a.snapshot();

        raw.setData().forPath(path, "not json".getBytes(UTF_8));

        assertThatThrownBy(() -> a.admin.switchTo(Colour.GREEN))
                .isInstanceOfSatisfying(ChangeRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(Refusal.STORE_REJECTED))
                .hasMessageContaining("holds data this version can't read")
                .hasMessageContaining("not valid JSON at offset 0");
        assertThat(a.snapshot()).isEqualTo(before);
        assertThat(b.snapshot()).isEqualTo(before);

        raw.delete().deletingChildrenIfNeeded().forPath(path);
        await().atMost(WAIT).untilAsserted(() -> assertThat(b.admin.switchTo(Colour.GREEN).generation())
                .as("the next change re-creates the znode").isEqualTo(1));
        awaitAll(1, a);
        assertThat(SnapshotCodec.decode(raw.getData().forPath(path))).isEqualTo(b.snapshot());
        await().atMost(WAIT).untilAsserted(() -> assertThat(raw.getChildren().forPath(path + "/instances"))
                .as("both registered again").containsExactlyInAnyOrder("a", "b"));
    }

    @Test
    void olderGenerationWrittenBehindTheFleetsBack_isIgnored_andTheNextChangeMovesOn() throws Exception {
        Instance a = start("a");
        Instance b = start("b");
        RoutingSnapshot old = a.snapshot();
        a.admin.switchTo(Colour.GREEN);
        a.admin.rollback();
        awaitAll(2, a, b);

        raw.setData().forPath(path, SnapshotCodec.encode(old));

        RoutingSnapshot next = b.admin.switchTo(Colour.GREEN);
        assertThat(next.generation()).isEqualTo(3);
        awaitAll(3, a);
        assertThat(a.snapshot()).isEqualTo(next);
        assertThat(a.admin.history()).extracting(Change::generation).containsExactly(1L, 2L, 3L);
    }

    @Test
    void closedStore_refusesChanges_andKeepsItsLastSnapshot() {
        Instance a = start("a");
        ZooKeeperRoutingStore store = a.store();
        RoutingSnapshot last = store.current();

        a.admin.close();

        assertThat(store.current()).isEqualTo(last);
        assertThatThrownBy(() -> store.compareAndSet(last, new RoutingSnapshot(1, Colour.GREEN, last.blue(),
                last.green(), Colour.BLUE, ChangeKind.SWITCH, last.changedAt(), "x", "y")))
                .isInstanceOfSatisfying(ChangeRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(Refusal.STORE_REJECTED))
                .hasMessageContaining("closed");
        assertThatThrownBy(() -> store.fleet().orElseThrow().awaitGeneration(5, WAIT).join())
                .hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void listenerMakingAChange_whenToldOfAnotherInstancesChange_doesNotDeadlockTheStore() {
        Instance a = start("a");
        AtomicInteger reactions = new AtomicInteger();
        AtomicReference<BlueGreen> bAdmin = new AtomicReference<>();
        Instance b = start("b", builder -> builder.listener(change -> {
            // Runs on b's store thread; its own change waits for ZooKeeper from there.
            if (change.kind() == ChangeKind.SWITCH && reactions.getAndIncrement() == 0) {
                bAdmin.get().rollback();
            }
        }));
        bAdmin.set(b.admin);

        a.admin.switchTo(Colour.GREEN);

        awaitAll(2, a, b);
        assertThat(a.snapshot().live()).isEqualTo(Colour.BLUE);
        assertThat(a.snapshot().lastChange()).isEqualTo(ChangeKind.ROLLBACK);
    }

    private Instance start(String id) {
        return start(id, builder -> builder);
    }

    private Instance start(String id, UnaryOperator<BlueGreen.Builder> options) {
        Instance instance = Instance.start(server.getConnectString(), path, id, options);
        instances.add(instance);
        return instance;
    }

    private static void awaitAll(long generation, Instance... instances) {
        for (Instance instance : instances) {
            await().atMost(WAIT).until(() -> instance.generation() >= generation);
        }
    }

    private static List<RoutingSnapshot> deployIdle(Instance instance, String prefix, int count,
                                                    List<RoutingSnapshot> made) {
        for (int i = 0; i < count; i++) {
            made.add(instance.admin.deploy(Colour.GREEN, prefix + "-" + i, Instance.GREEN));
        }
        return made;
    }

    private static List<Long> rangeClosed(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long value = from; value <= to; value++) {
            values.add(value);
        }
        return values;
    }

    /** Runs both at once, released together; returns each one's result or the exception it threw. */
    private static List<Object> race(ThrowingSupplier first, ThrowingSupplier second) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> futures = new ArrayList<>();
            for (ThrowingSupplier task : List.of(first, second)) {
                futures.add(pool.submit(() -> {
                    start.await();
                    try {
                        return task.get();
                    } catch (ChangeRefusedException e) {
                        return e;
                    }
                }));
            }
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> future : futures) {
                outcomes.add(future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface ThrowingSupplier {
        Object get() throws Exception;
    }
}
