package dev.bluegreen.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bluegreen.core.Backend;
import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.zookeeper.internal.ConnectionWatch;
import dev.bluegreen.zookeeper.internal.FleetHistory;
import dev.bluegreen.zookeeper.internal.HistoryEntry;
import dev.bluegreen.zookeeper.internal.ServedState;
import dev.bluegreen.zookeeper.internal.SnapshotCodec;
import dev.bluegreen.zookeeper.internal.SnapshotWriter;
import dev.bluegreen.zookeeper.internal.StoredNode;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingServer;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * A versioned write that fails on its version although the change it carries is stored: what the writer concludes.
 * That happens when Curator retries a write whose first attempt was applied but whose answer was lost (the retry
 * fails on the version its own first attempt moved on), and when another instance stored the very same change first.
 * The first is this instance's write; the second is not. Here the change is stored behind the writer's back, with
 * the trail entry the writer's own transaction would have made, naming one instance or the other.
 */
class LostWriteAnswerTest {

    private static final String THIS_INSTANCE = "a";
    private static final String ANOTHER_INSTANCE = "b";
    private static final Instant AT = Instant.parse("2026-12-04T23:13:36.243213676Z");
    private static final RoutingSnapshot GENERATION_0 = RoutingSnapshot.initial(Colour.BLUE,
            Environment.of(Colour.BLUE, "v1", List.of(Backend.of("127.0.0.1", 9101))),
            Environment.of(Colour.GREEN, "v2", List.of(Backend.of("127.0.0.1", 9201))), AT);
    /** The switch both instances make, equal in every field whoever makes it. */
    private static final RoutingSnapshot SWITCHED = new RoutingSnapshot(1, Colour.GREEN, GENERATION_0.blue(),
            GENERATION_0.green(), Colour.BLUE, ChangeKind.SWITCH, AT, "switch BLUE -> GREEN", "app");

    private static TestingServer server;
    private static CuratorFramework client;

    private String path;
    private String historyPath;
    private ServedState served;
    private ConnectionWatch connection;

    @BeforeAll
    static void startServer() throws Exception {
        server = Zk.server();
        client = Zk.client(server.getConnectString());
        assertThat(client.blockUntilConnected(10, TimeUnit.SECONDS)).as("connected").isTrue();
    }

    @AfterAll
    static void stopServer() throws Exception {
        client.close();
        server.close();
    }

    @BeforeEach
    void storeGenerationZero(TestInfo test) throws Exception {
        path = "/lost-answer/" + test.getTestMethod().orElseThrow().getName();
        historyPath = ZKPaths.makePath(path, ZooKeeperRoutingStore.HISTORY);
        client.create().creatingParentsIfNeeded().forPath(path, SnapshotCodec.encode(GENERATION_0));
        client.create().forPath(historyPath);
        Stat stat = new Stat();
        byte[] data = client.getData().storingStatIn(stat).forPath(path);
        served = new ServedState(path, StoredNode.read(stat, data), Runnable::run, () -> { });
        connection = new ConnectionWatch(path, THIS_INSTANCE, Clock.systemUTC(), Runnable::run, served::current,
                () -> { }, () -> { });
        connection.start(client);
    }

    @AfterEach
    void stopWatching() {
        connection.close(client);
    }

    @Test
    void theChangeStoredWithThisInstancesEntry_isThisInstancesWrite() throws Exception {
        storeBehindTheWritersBack(new Change(GENERATION_0, SWITCHED, THIS_INSTANCE));

        assertThat(writer().compareAndSet(GENERATION_0, SWITCHED)).isTrue();
    }

    @Test
    void theSameChangeStoredWithAnotherInstancesEntry_isNotThisInstancesWrite() throws Exception {
        storeBehindTheWritersBack(new Change(GENERATION_0, SWITCHED, ANOTHER_INSTANCE));

        assertThat(writer().compareAndSet(GENERATION_0, SWITCHED)).isFalse();
        assertThat(served.current()).as("learned, so that the caller recomputes from it").isEqualTo(SWITCHED);
    }

    private SnapshotWriter writer() {
        return new SnapshotWriter(client, path, Zk.OPERATION_TIMEOUT, historyPath, THIS_INSTANCE, served, connection,
                new FleetHistory(10), () -> { });
    }

    /** The writer's transaction (the versioned write and the trail's entry), made by someone else. */
    private void storeBehindTheWritersBack(Change change) throws Exception {
        client.transaction().forOperations(
                client.transactionOp().setData().withVersion(0).forPath(path, SnapshotCodec.encode(change.current())),
                client.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                        .forPath(ZKPaths.makePath(historyPath, HistoryEntry.PREFIX), HistoryEntry.encode(change)));
    }
}
