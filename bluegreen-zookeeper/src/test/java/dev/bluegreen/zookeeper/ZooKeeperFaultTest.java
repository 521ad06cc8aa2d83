package dev.bluegreen.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.ChangeRefusedException.Refusal;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.FleetStatus;
import dev.bluegreen.core.RoutingSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a fleet does when ZooKeeper fails under it: every server down, one server of an ensemble down, a session
 * expired. Each test has servers of its own, since it breaks them.
 */
class ZooKeeperFaultTest {

    private static final String PATH = "/bluegreen/faults";
    private static final Duration WAIT = Duration.ofSeconds(15);
    /**
     * A refusal for being disconnected must not wait for ZooKeeper. Waiting would take at least one connection timeout
     * (2 s, then retries): 1.5 s tells the two apart and leaves a busy 2-core machine room.
     */
    private static final Duration QUICK = Zk.CONNECTION_TIMEOUT.multipliedBy(3).dividedBy(4);

    private final List<AutoCloseable> closeables = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }

    @Test
    void everyServerDown_instancesKeepServing_refuseChangesAtOnce_thenRecoverWithNewSessions() throws Exception {
        TestingServer server = closing(Zk.server());
        Instance a = closing(Instance.start(server.getConnectString(), PATH, "a"));
        Instance b = closing(Instance.start(server.getConnectString(), PATH, "b"));
        RoutingSnapshot green = a.admin.switchTo(Colour.GREEN);
        await().atMost(WAIT).until(() -> b.generation() == 1);

        server.stop();

        await().atMost(WAIT).until(() -> !a.store().isConnected() && !b.store().isConnected());
        assertThat(a.snapshot()).as("a keeps serving what it applied").isEqualTo(green);
        assertThat(b.snapshot()).as("b keeps serving what it applied").isEqualTo(green);
        assertThat(a.store().disconnectedSince()).isPresent();
        assertThat(a.fleet().status().connected()).isFalse();
        long started = System.nanoTime();
        assertThatThrownBy(() -> a.admin.switchTo(Colour.BLUE))
                .isInstanceOfSatisfying(ChangeRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(Refusal.STORE_REJECTED))
                .hasMessageContaining("ZooKeeper unreachable")
                .hasMessageContaining("keeps serving generation 1");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(QUICK);
        assertThat(a.admin.refusals()).singleElement()
                .satisfies(refused -> assertThat(refused.refusal()).isEqualTo(Refusal.STORE_REJECTED));
        // Down for longer than the session timeout: the sessions are lost, and with them the registrations.
        await().atMost(WAIT).until(() -> a.store().connectionState() == ConnectionState.LOST
                && b.store().connectionState() == ConnectionState.LOST);
        assertThat(b.snapshot()).isEqualTo(green);

        server.restart();

        await().atMost(WAIT).until(() -> a.store().isConnected() && b.store().isConnected());
        RoutingSnapshot blue = await().atMost(WAIT).ignoreException(ChangeRefusedException.class)
                .until(() -> b.admin.switchTo(Colour.BLUE), snapshot -> true);
        assertThat(blue.generation()).isEqualTo(2);
        await().atMost(WAIT).until(() -> a.generation() == 2);
        assertThat(a.snapshot()).isEqualTo(blue);
        FleetStatus fleet = a.fleet().awaitGeneration(2, WAIT).join();
        assertThat(fleet.reachable()).as("both registered again with their new sessions")
                .extracting(FleetStatus.Member::id).containsExactly("a", "b");
        assertThat(a.store().disconnections()).isEqualTo(1);
    }

    @Test
    void expiredSession_registersTheInstanceAgain_andChangesStillWork() throws Exception {
        TestingServer server = closing(Zk.server());
        Instance a = closing(Instance.start(server.getConnectString(), PATH, "a"));
        Instance b = closing(Instance.start(server.getConnectString(), PATH, "b"));
        a.fleet().awaitGeneration(0, WAIT).join();
        long oldSession = a.client.getZookeeperClient().getZooKeeper().getSessionId();

        Zk.expireSession(a.client, server.getConnectString());

        await().atMost(WAIT).until(() -> {
            long session = a.client.getZookeeperClient().getZooKeeper().getSessionId();
            Stat stat = a.client.checkExists().forPath(PATH + "/instances/a");
            return session != oldSession && stat != null && stat.getEphemeralOwner() == session;
        });
        await().atMost(WAIT).until(() -> b.fleet().status().member("a").map(FleetStatus.Member::reachable)
                .orElse(false));
        RoutingSnapshot switched = await().atMost(WAIT).ignoreException(ChangeRefusedException.class)
                .until(() -> a.admin.switchTo(Colour.GREEN), snapshot -> true);
        assertThat(b.fleet().awaitGeneration(switched.generation(), WAIT).join().reachable()).hasSize(2);
    }

    @Test
    void ensembleLosingAServer_keepsWorking_andTheInstanceCutOffCatchesUpWhenItReturns() throws Exception {
        TestingCluster cluster = closing(Zk.cluster(3));
        List<InstanceSpec> specs = new ArrayList<>(cluster.getInstances());
        InstanceSpec lost = specs.get(2);
        String others = specs.subList(0, 2).stream().map(Zk::connectString)
                .collect(Collectors.joining(","));
        Instance a = closing(Instance.start(others, PATH, "a"));
        Instance b = closing(Instance.start(cluster.getConnectString(), PATH, "b"));
        // c reaches the ensemble through the server that goes down only.
        Instance c = closing(Instance.start(Zk.connectString(lost), PATH, "c"));
        a.fleet().awaitGeneration(0, WAIT).join();

        assertThat(cluster.killServer(lost)).isTrue();

        await().atMost(WAIT).until(() -> !c.store().isConnected());
        RoutingSnapshot switched = await().atMost(WAIT).ignoreException(ChangeRefusedException.class)
                .until(() -> a.admin.switchTo(Colour.GREEN), snapshot -> true);
        await().atMost(WAIT).until(() -> b.generation() == switched.generation());
        assertThat(b.snapshot()).isEqualTo(switched);
        assertThat(c.snapshot().generation()).as("c, cut off, serves what it had").isZero();
        assertThatThrownBy(() -> c.admin.switchTo(Colour.GREEN))
                .isInstanceOfSatisfying(ChangeRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(Refusal.STORE_REJECTED));
        // Once c's session expires, the others see it as gone, with the generation it still serves.
        await().atMost(WAIT).until(() -> a.fleet().status().member("c").map(member -> !member.reachable())
                .orElse(false));
        assertThat(a.fleet().status().member("c").orElseThrow().generation()).isZero();

        assertThat(cluster.restartServer(lost)).isTrue();

        await().atMost(WAIT).until(() -> c.generation() == switched.generation());
        assertThat(c.snapshot()).as("c caught up on reconnecting").isEqualTo(switched);
        await().atMost(WAIT).until(() -> a.fleet().status().reachable().size() == 3);
        FleetStatus fleet = a.fleet().awaitGeneration(switched.generation(), WAIT).join();
        assertThat(fleet.reachable()).extracting(FleetStatus.Member::generation)
                .containsOnly(switched.generation());
    }

    private <T extends AutoCloseable> T closing(T closeable) {
        closeables.add(closeable);
        return closeable;
    }
}
