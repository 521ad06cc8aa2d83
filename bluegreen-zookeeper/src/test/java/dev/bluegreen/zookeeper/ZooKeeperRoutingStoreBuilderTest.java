package dev.bluegreen.zookeeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.ChangeRefusedException.Refusal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Options are validated when set; opening fails clearly and in bounded time. */
class ZooKeeperRoutingStoreBuilderTest {

    private final CuratorFramework client = CuratorFrameworkFactory.newClient("127.0.0.1:1", new RetryOneTime(10));

    @AfterEach
    void closeClient() {
        client.close();
    }

    @Test
    void path_mustBeAValidZnodeBelowTheRoot() {
        assertThatThrownBy(() -> ZooKeeperRoutingStore.builder(client, "/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a znode below the root");
        assertThatThrownBy(() -> ZooKeeperRoutingStore.builder(client, "bluegreen"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ZooKeeperRoutingStore.builder(client, "/bluegreen/"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ZooKeeperRoutingStore.factory(client, "/bluegreen/shop", "web-1").path())
                .isEqualTo("/bluegreen/shop");
    }

    @Test
    void instanceId_mustBeAPrintableZnodeName_setOnce() {
        ZooKeeperRoutingStore.Builder builder = ZooKeeperRoutingStore.builder(client, "/bg");

        assertThatThrownBy(() -> builder.instanceId("a/b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("instanceId: 'a/b' (expected: 1-200 printable ASCII characters without '/' or spaces,"
                        + " not '.' or '..')");
        assertThatThrownBy(() -> builder.instanceId("web 1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.instanceId("..")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.instanceId("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> builder.instanceId("x".repeat(201))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(builder::build).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("instanceId was not set");
        builder.instanceId("host-1:8080");
        assertThatThrownBy(() -> builder.instanceId("again")).isInstanceOf(IllegalStateException.class);
        assertThat(builder.build().instanceId()).isEqualTo("host-1:8080");
    }

    @Test
    void timeouts_areValidated() {
        ZooKeeperRoutingStore.Builder builder = ZooKeeperRoutingStore.builder(client, "/bg");

        assertThatThrownBy(() -> builder.operationTimeout(Duration.ZERO))
                .hasMessage("operationTimeout: 0s (expected: > 0 and <= 10 min)");
        assertThatThrownBy(() -> builder.departedRetention(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        builder.operationTimeout(Duration.ofSeconds(1)).departedRetention(Duration.ZERO);
        assertThatThrownBy(() -> builder.operationTimeout(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void opening_withAClientNotStarted_isAnIllegalState() {
        ZooKeeperRoutingStore.Factory factory = ZooKeeperRoutingStore.factory(client, "/bg", "a");

        assertThatThrownBy(() -> BlueGreen.builder().store(factory).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("client: LATENT (expected: STARTED");
        assertThat(factory.store()).isEmpty();
    }

    @Test
    void opening_withZooKeeperUnreachable_isRefusedWithinTheOperationTimeout() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (CuratorFramework unreachable = CuratorFrameworkFactory.builder()
                .connectString("127.0.0.1:" + closedPort)
                .sessionTimeoutMs(3000).connectionTimeoutMs(500)
                .retryPolicy(new RetryOneTime(10))
                .build()) {
            unreachable.start();
            ZooKeeperRoutingStore.Factory factory = ZooKeeperRoutingStore.builder(unreachable, "/bg")
                    .instanceId("a").operationTimeout(Duration.ofMillis(500)).build();
            long started = System.nanoTime();

            assertThatThrownBy(() -> BlueGreen.builder().store(factory).build())
                    .isInstanceOfSatisfying(ChangeRefusedException.class,
                            e -> assertThat(e.refusal()).isEqualTo(Refusal.STORE_REJECTED))
                    .hasMessage("can't open the routing store /bg: ZooKeeper unreachable at 127.0.0.1:" + closedPort
                            + " for 500 ms");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void opening_underAChrootThatDoesNotExist_isRefusedAtOnce_namingTheChroot() throws Exception {
        try (TestingServer server = Zk.server();
             CuratorFramework chrooted = CuratorFrameworkFactory.builder()
                     .connectString(server.getConnectString() + "/missing")
                     .sessionTimeoutMs(3000).connectionTimeoutMs(2000)
                     .retryPolicy(new RetryOneTime(10))
                     .build()) {
            chrooted.start();
            ZooKeeperRoutingStore.Factory factory = ZooKeeperRoutingStore.builder(chrooted, "/bg")
                    .instanceId("a").operationTimeout(Duration.ofSeconds(20)).build();
            long started = System.nanoTime();

            assertThatThrownBy(() -> BlueGreen.builder().store(factory).build())
                    .isInstanceOfSatisfying(ChangeRefusedException.class,
                            e -> assertThat(e.refusal()).isEqualTo(Refusal.STORE_REJECTED))
                    .hasMessageContaining("the chroot of the connect string " + server.getConnectString()
                            + "/missing does not exist");
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("well within the operation timeout")
                    .isLessThan(Duration.ofSeconds(10));
        }
    }
}
