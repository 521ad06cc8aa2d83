package dev.bluegreen.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.Colour;
import dev.bluegreen.proxy.AdminEndpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The fleet's audit trail: every change any instance makes, recorded in ZooKeeper, shown by every instance. */
class FleetHistoryTest {

    private static final Duration WAIT = Duration.ofSeconds(15);

    private static TestingServer server;
    private static CuratorFramework raw;

    private final List<AutoCloseable> closing = new ArrayList<>();
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
        path = "/bluegreen/history/" + test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void close() throws Exception {
        for (int i = closing.size() - 1; i >= 0; i--) {
            closing.get(i).close();
        }
    }

    private BlueGreen start(String id) {
        return start(id, 100);
    }

    /** One instance as a process would have it: its own client and session, and a store keeping {@code size}. */
    private BlueGreen start(String id, int historySize) {
        CuratorFramework client = Zk.client(server.getConnectString());
        closing.add(client);
        BlueGreen admin = BlueGreen.builder()
                .blue("v1", Instance.BLUE)
                .green("v2", Instance.GREEN)
                .store(ZooKeeperRoutingStore.builder(client, path).instanceId(id).historySize(historySize)
                        .operationTimeout(Zk.OPERATION_TIMEOUT).build())
                .build();
        closing.add(admin);
        return admin;
    }

    @Test
    void historyOnB_showsAChangeMadeThroughA_withTheInstanceWhoAndWhy() {
        BlueGreen a = start("a");
        BlueGreen b = start("b");

        a.as("alice", "release 2.3").switchTo(Colour.GREEN);

        await().atMost(WAIT).untilAsserted(() -> assertThat(b.history())
                .extracting(Change::generation, Change::instance, Change::actor, Change::reason, Change::to)
                .containsExactly(tuple(1L, "a", "alice", "release 2.3", Colour.GREEN)));
        assertThat(a.history()).singleElement().satisfies(change -> {
            assertThat(change.madeBy()).contains("a");
            assertThat(change.from()).isEqualTo(Colour.BLUE);
        });
    }

    @Test
    void aWritersOwnChange_isInItsHistoryWhenTheVerbReturns() {
        BlueGreen a = start("a");

        a.as("alice", "now").switchTo(Colour.GREEN);

        assertThat(a.history()).extracting(Change::instance, Change::actor).containsExactly(tuple("a", "alice"));
    }

    @Test
    void anInstanceStartedLater_seesTheChangesMadeBeforeIt() {
        BlueGreen a = start("a");
        a.as("alice", "one").switchTo(Colour.GREEN);
        a.as("bob", "two").rollback();

        BlueGreen late = start("late");

        await().atMost(WAIT).untilAsserted(() -> assertThat(late.history())
                .extracting(Change::generation, Change::instance, Change::actor)
                .containsExactly(tuple(1L, "a", "alice"), tuple(2L, "a", "bob")));
    }

    @Test
    void racingInstances_recordEachGenerationOnce_withTheInstanceThatWonIt() throws Exception {
        BlueGreen a = start("a");
        BlueGreen b = start("b");
        BlueGreen watcher = start("c");
        int each = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<List<Long>>> made = new ArrayList<>();
            for (BlueGreen admin : List.of(a, b)) {
                made.add(pool.submit(() -> {
                    go.await();
                    List<Long> generations = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        generations.add(admin.deploy(Colour.GREEN, "v" + i, Instance.GREEN).generation());
                    }
                    return generations;
                }));
            }
            go.countDown();
            List<Long> byA = made.get(0).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            List<Long> byB = made.get(1).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

            await().atMost(WAIT).until(() -> watcher.history().size() == 2 * each);
            Map<Long, String> recorded = watcher.history().stream()
                    .collect(Collectors.toMap(Change::generation, Change::instance));
            assertThat(recorded.keySet()).containsExactlyInAnyOrderElementsOf(
                    LongStream.rangeClosed(1, 2 * each).boxed().toList());
            assertThat(byA).allSatisfy(g -> assertThat(recorded.get(g)).isEqualTo("a"));
            assertThat(byB).allSatisfy(g -> assertThat(recorded.get(g)).isEqualTo("b"));
            assertThat(raw.getChildren().forPath(path + "/history")).hasSize(2 * each);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void retention_keepsTheLastChanges_andDeletesTheOlderEntriesInBatches() throws Exception {
        BlueGreen a = start("a", 10);
        BlueGreen b = start("b", 10);

        for (int i = 0; i < 11; i++) {
            a.deploy(Colour.GREEN, "v" + i, Instance.GREEN);
        }
        // 11 entries: within the slack of a tenth (one), nothing is deleted yet.
        assertThat(raw.getChildren().forPath(path + "/history")).hasSize(11);
        assertThat(a.history()).extracting(Change::generation).startsWith(2L).endsWith(11L).hasSize(10);

        a.deploy(Colour.GREEN, "v11", Instance.GREEN);

        // 12: two beyond the retention, deleted in one transaction, down to the retention.
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(raw.getChildren().forPath(path + "/history")).hasSize(10);
            assertThat(b.history()).extracting(Change::generation).startsWith(3L).endsWith(12L).hasSize(10);
        });
    }

    @Test
    void historyParentDeletedByHand_isCreatedAgain_andTheChangeRecorded() throws Exception {
        BlueGreen a = start("a");
        a.switchTo(Colour.GREEN);
        raw.delete().deletingChildrenIfNeeded().forPath(path + "/history");

        a.as("carol", "after the delete").rollback();

        assertThat(raw.getChildren().forPath(path + "/history")).hasSize(1);
        assertThat(a.history()).extracting(Change::actor).endsWith("carol");
    }

    @Test
    void historySize_outOfRangeOrSetTwice_isRefused() {
        ZooKeeperRoutingStore.Builder builder = ZooKeeperRoutingStore.builder(raw, path);

        assertThatThrownBy(() -> builder.historySize(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("historySize: 0 (expected: 1-10000)");
        builder.historySize(5);
        assertThatThrownBy(() -> builder.historySize(6)).isInstanceOf(IllegalStateException.class)
                .hasMessage("historySize was already set to 5");
    }

    @Test
    void refusals_areTheInstancesOwn() {
        BlueGreen a = start("a");
        BlueGreen b = start("b");

        try {
            a.as("dave", "twice").switchTo(Colour.BLUE);
        } catch (ChangeRefusedException expected) {
            // The refusal is what this test reads.
        }

        assertThat(a.refusals()).extracting(r -> r.actor()).containsExactly("dave");
        assertThat(b.refusals()).isEmpty();
    }

    @Test
    void historyEndpointOnB_showsTheChangeMadeThroughA_withItsInstance() throws Exception {
        BlueGreen a = start("a");
        BlueGreen b = start("b");
        AdminEndpoint endpoint = AdminEndpoint.builder(b).listen("127.0.0.1", 0).build();
        endpoint.start().orTimeout(10, TimeUnit.SECONDS).join();
        try {
            a.as("alice", "release 2.3").switchTo(Colour.GREEN);
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            Function<String, String> history = ignored -> {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + endpoint.port()
                            + "/history")).timeout(Duration.ofSeconds(10)).GET().build(),
                            HttpResponse.BodyHandlers.ofString()).body();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };

            await().atMost(WAIT).untilAsserted(() -> assertThat(history.apply("")).contains(
                    "\"generation\":1", "\"actor\":\"alice\"", "\"reason\":\"release 2.3\"", "\"instance\":\"a\""));
        } finally {
            endpoint.stop().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }
}
