package dev.bluegreen.examples.options;

import dev.bluegreen.core.BlueGreen;
import dev.bluegreen.zookeeper.ZooKeeperRoutingStore;
import dev.bluegreen.zookeeper.ZooKeeperStoreMetrics;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import picocli.CommandLine.Option;

/**
 * A routing state shared by a fleet of proxies through ZooKeeper: {@code --zookeeper}, {@code --zk-path},
 * {@code --zk-instance}.
 */
public final class ZooKeeperOptions implements ProxyOptionGroup {

    /** The znode of {@code --zk-path} when left out. */
    public static final String DEFAULT_ZK_PATH = "/bluegreen";

    /** The ZooKeeper session: long enough to ride out a pause, short enough that the fleet view notices a loss. */
    private static final int ZK_SESSION_TIMEOUT_MS = 15_000;
    private static final int ZK_CONNECTION_TIMEOUT_MS = 5_000;

    @Option(names = "--zookeeper", paramLabel = "HOST:PORT[,HOST:PORT...][/CHROOT]",
            description = "Share the routing state with a fleet of proxies through these ZooKeeper servers: a change"
                    + " made through any instance's admin endpoint moves them all. The pools and --live given here"
                    + " only start the fleet when its znode does not exist yet. Without it, the state lives in this"
                    + " process.")
    String zookeeper;

    @Option(names = "--zk-path", paramLabel = "PATH",
            description = "With --zookeeper: the znode holding the fleet's routing state (default: "
                    + DEFAULT_ZK_PATH + "); instances register under PATH/instances.")
    String zkPath;

    @Option(names = "--zk-instance", paramLabel = "ID",
            description = "With --zookeeper: this instance's id in the fleet, unique and stable across restarts"
                    + " (default: HOSTNAME-PID).")
    String zkInstance;

    /** The store's settings once {@link #configureAdmin} made them; its store is opened by the admin's build. */
    private ZooKeeperRoutingStore.Factory factory;

    /** Creates the group; picocli does this. */
    public ZooKeeperOptions() {
    }

    /**
     * With {@code --zookeeper}: starts a Curator client and sets the builder to keep its state in ZooKeeper.
     *
     * @return the client, to close after the admin object; {@code null} without {@code --zookeeper}
     */
    @Override
    public AutoCloseable configureAdmin(BlueGreen.Builder admin, OptionErrors errors) {
        if (zookeeper == null) {
            if (zkPath != null || zkInstance != null) {
                throw errors.usage(zkPath != null ? "--zk-path" : "--zk-instance", "given without --zookeeper"
                        + " (expected: --zookeeper HOST:PORT[,HOST:PORT...] to share the state through ZooKeeper)");
            }
            return null;
        }
        errors.check("--zookeeper", () -> {
            ZooKeeperConnectString.check(zookeeper);
            return zookeeper;
        });
        CuratorFramework client = CuratorFrameworkFactory.builder()
                .connectString(zookeeper)
                .sessionTimeoutMs(ZK_SESSION_TIMEOUT_MS)
                .connectionTimeoutMs(ZK_CONNECTION_TIMEOUT_MS)
                .retryPolicy(new ExponentialBackoffRetry(200, 3))
                .build();
        try {
            ZooKeeperRoutingStore.Builder store = errors.check("--zk-path", () -> ZooKeeperRoutingStore.builder(
                    client, zkPath != null ? zkPath : DEFAULT_ZK_PATH));
            String id = zkInstance != null ? zkInstance : defaultInstanceId();
            errors.check("--zk-instance", () -> store.instanceId(id));
            try {
                factory = store.build();
                admin.store(factory);
            } catch (IllegalStateException e) {
                // The state group, applied first, set the store already; the client has not connected yet.
                throw errors.usage("--state", "given with --zookeeper (expected: one of them: --state for a proxy"
                        + " that runs alone, --zookeeper for a fleet)");
            }
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        client.start();
        return client;
    }

    /**
     * The meters of the ZooKeeper store, for {@code /metrics}: {@code bluegreen.store.connected} is how an
     * operator learns that an instance lost ZooKeeper and refuses changes, so a fleet's runner must show it.
     *
     * @return the store's meters once the admin object opened it; none without {@code --zookeeper}
     */
    public List<MeterBinder> storeMeters() {
        if (factory == null) {
            return List.of();
        }
        return factory.store().<List<MeterBinder>>map(store -> List.of(ZooKeeperStoreMetrics.of(store)))
                .orElse(List.of());
    }

    /** {@code HOSTNAME-PID}: unique on a host, and readable in the fleet view. */
    private static String defaultInstanceId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "localhost";
            }
        }
        String id = host.replaceAll("[^!-~]|/", "_") + "-" + ProcessHandle.current().pid();
        return id.length() <= ZooKeeperRoutingStore.MAX_INSTANCE_ID_LENGTH ? id
                : id.substring(id.length() - ZooKeeperRoutingStore.MAX_INSTANCE_ID_LENGTH);
    }
}
