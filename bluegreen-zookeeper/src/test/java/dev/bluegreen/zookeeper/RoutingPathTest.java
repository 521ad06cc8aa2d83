package dev.bluegreen.zookeeper;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.ChangeRefusedException.Refusal;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.Test;

/**
 * Where a fleet's routing znode may lie: not in ZooKeeper's reserved {@code /zookeeper} subtree as it lies on the
 * server, and not inside another fleet's {@code instances} or {@code history} znode.
 */
class RoutingPathTest {

    @Test
    void reservedSubtree_isRefusedByTheBuilder_namingThePath() {
        try (CuratorFramework client = CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(10))) {
            assertThatIllegalArgumentException().isThrownBy(() -> ZooKeeperRoutingStore.builder(client, "/zookeeper"))
                    .withMessage("path: '/zookeeper' is in ZooKeeper's reserved /zookeeper subtree (expected: a znode"
                            + " of the application's own, such as /bluegreen/shop)");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> ZooKeeperRoutingStore.factory(client, "/zookeeper/quota/bluegreen", "web-1"))
                    .withMessageStartingWith("path: '/zookeeper/quota/bluegreen' is in ZooKeeper's reserved");
            assertThat(ZooKeeperRoutingStore.factory(client, "/zookeeper-bluegreen", "web-1").path())
                    .isEqualTo("/zookeeper-bluegreen");
            assertThat(ZooKeeperRoutingStore.factory(client, "/bluegreen/zookeeper", "web-1").path())
                    .isEqualTo("/bluegreen/zookeeper");
        }
    }

    @Test
    void reservedSubtree_isJudgedWhereThePathLiesOnTheServer_belowTheChrootAndTheNamespace() {
        try (CuratorFramework chrooted = CuratorFrameworkFactory.newClient("127.0.0.1:1/app", new RetryOneTime(10));
             CuratorFramework inZooKeepers = CuratorFrameworkFactory.newClient("127.0.0.1:1,127.0.0.1:2/zookeeper",
                     new RetryOneTime(10));
             CuratorFramework inApp = namespaced("app");
             CuratorFramework inZooKeeper = namespaced("zookeeper")) {
            assertThat(ZooKeeperRoutingStore.factory(chrooted, "/zookeeper", "web-1").path()).isEqualTo("/zookeeper");
            assertThat(ZooKeeperRoutingStore.factory(inApp, "/zookeeper", "web-1").path()).isEqualTo("/zookeeper");
            assertThatIllegalArgumentException().isThrownBy(() -> ZooKeeperRoutingStore.builder(inZooKeepers, "/bg"))
                    .withMessage("path: '/bg' (/zookeeper/bg on the server) is in ZooKeeper's reserved /zookeeper"
                            + " subtree (expected: a znode of the application's own, such as /bluegreen/shop)");
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> ZooKeeperRoutingStore.builder(inZooKeeper, "/bg"))
                    .withMessageStartingWith("path: '/bg' (/zookeeper/bg on the server) is in ZooKeeper's reserved");
        }
    }

    @Test
    void zookeeperBelowAChroot_isAnOrdinaryZnode_andTheFleetOpensThere() throws Exception {
        try (TestingServer server = Zk.server();
             CuratorFramework root = Zk.client(server.getConnectString())) {
            root.create().forPath("/app");
            try (Instance instance = Instance.start(server.getConnectString() + "/app", "/zookeeper", "web-1")) {
                assertThat(instance.generation()).isZero();
                assertThat(new String(root.getData().forPath("/app/zookeeper"), UTF_8)).startsWith("{\"format\":");
                assertThat(root.getChildren().forPath("/app/zookeeper")).containsExactlyInAnyOrder(
                        ZooKeeperRoutingStore.INSTANCES, ZooKeeperRoutingStore.HISTORY);
                assertThat(root.getChildren().forPath("/zookeeper")).doesNotContain(ZooKeeperRoutingStore.INSTANCES,
                        ZooKeeperRoutingStore.HISTORY);
            }
        }
    }

    @Test
    void aPathInAnotherFleetsInstancesOrHistory_isRefusedAtOpen_andLeavesThatFleetAlone() throws Exception {
        try (TestingServer server = Zk.server();
             Instance shop = Instance.start(server.getConnectString(), "/bluegreen/shop", "shop-1")) {
            String connect = server.getConnectString();

            assertRefused(connect, "/bluegreen/shop/instances", "/bluegreen/shop/instances is where the fleet at"
                    + " /bluegreen/shop registers its instances");
            assertRefused(connect, "/bluegreen/shop/instances/other", "/bluegreen/shop/instances is where the fleet"
                    + " at /bluegreen/shop registers its instances");
            assertRefused(connect, "/bluegreen/shop/history", "/bluegreen/shop/history is where the fleet at"
                    + " /bluegreen/shop keeps its history");

            CuratorFramework client = shop.client;
            assertThat(client.getData().forPath("/bluegreen/shop/instances")).isEmpty();
            assertThat(client.getChildren().forPath("/bluegreen/shop/instances")).containsExactly("shop-1");
            assertThat(client.getChildren().forPath("/bluegreen/shop/history")).isEmpty();
        }
    }

    @Test
    void aPathNamedInstances_belowAZnodeThatIsNoFleet_orBesideAFleetsOwnZnodes_opens() throws Exception {
        try (TestingServer server = Zk.server();
             Instance shop = Instance.start(server.getConnectString(), "/bluegreen/shop", "shop-1");
             Instance plain = Instance.start(server.getConnectString(), "/plain/instances", "plain-1");
             Instance nested = Instance.start(server.getConnectString(), "/bluegreen/shop/canary", "canary-1")) {
            assertThat(plain.generation()).isZero();
            assertThat(nested.generation()).isZero();
            assertThat(shop.client.getChildren().forPath("/bluegreen/shop/instances")).containsExactly("shop-1");
        }
    }

    private static CuratorFramework namespaced(String namespace) {
        return CuratorFrameworkFactory.builder().connectString("127.0.0.1:1").namespace(namespace)
                .retryPolicy(new RetryOneTime(10)).build();
    }

    private static void assertRefused(String connectString, String path, String why) {
        assertThatThrownBy(() -> Instance.start(connectString, path, "intruder").close())
                .isInstanceOfSatisfying(ChangeRefusedException.class,
                        e -> assertThat(e.refusal()).isEqualTo(Refusal.STORE_REJECTED))
                .hasMessage("can't open the routing store " + path + ": " + why + " (expected: a znode outside"
                        + " another fleet's instances and history)");
    }
}
