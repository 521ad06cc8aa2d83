package dev.bluegreen.zookeeper.internal;

import static dev.bluegreen.zookeeper.internal.Background.await;
import static dev.bluegreen.zookeeper.internal.Background.rejected;

import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.RoutingSnapshot;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opening a store: waits for the client to connect, then creates the routing znode with the initial snapshot or
 * adopts the snapshot it holds. On the opening thread; each step bounded by the operation timeout.
 *
 * <p>Stateless.
 */
public final class Bootstrap {

    private static final Logger log = LoggerFactory.getLogger(Bootstrap.class);

    /** How many times a znode that keeps changing under an opening instance is read again. */
    private static final int ATTEMPTS = 5;

    private Bootstrap() {
    }

    /**
     * Checks the client and waits until it is connected.
     *
     * @param client the Curator client
     * @param path the routing znode, for messages
     * @param timeout how long to wait
     * @throws IllegalStateException if the client is not started
     * @throws ChangeRefusedException with {@code STORE_REJECTED} if it does not connect in time
     */
    public static void awaitConnected(CuratorFramework client, String path, Duration timeout) {
        if (client.getState() != CuratorFrameworkState.STARTED) {
            throw new IllegalStateException("client: " + client.getState()
                    + " (expected: STARTED; start the CuratorFramework before building the BlueGreen)");
        }
        try {
            if (!client.blockUntilConnected((int) timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw rejected("can't open the routing store " + path + ": ZooKeeper unreachable at "
                        + client.getZookeeperClient().getCurrentConnectionString() + " for " + timeout.toMillis()
                        + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw rejected("can't open the routing store " + path + ": interrupted while connecting");
        }
        requireChroot(client, path, timeout);
    }

    /**
     * Refuses a connect string whose chroot ({@code host:port/chroot}) does not exist. ZooKeeper does not create a
     * chroot, and Curator's {@code creatingParentsIfNeeded} cannot either: it retries the create under the missing
     * chroot until the operation timeout, which would read as "ZooKeeper did not answer" while it answers at once.
     * Without a chroot the root always exists; a Curator namespace is not looked at (Curator creates that itself).
     */
    private static void requireChroot(CuratorFramework client, String path, Duration timeout) {
        CuratorEvent root = await(Background.call(callback -> client.usingNamespace(null).checkExists()
                .inBackground(callback).forPath("/")), "look for the connect string's chroot", timeout);
        if (Code.get(root.getResultCode()) == Code.NONODE) {
            throw rejected("can't open the routing store " + path + ": the chroot of the connect string "
                    + client.getZookeeperClient().getCurrentConnectionString() + " does not exist (ZooKeeper does"
                    + " not create a chroot: create its znode first, or leave the chroot out)");
        }
    }

    /**
     * Creates a znode (and its parents) if it is missing, such as the audit trail's parent.
     *
     * @param client the Curator client, connected
     * @param path the znode
     * @param timeout how long it may take
     * @throws ChangeRefusedException with {@code STORE_REJECTED} if ZooKeeper refuses or does not answer in time
     */
    public static void ensureExists(CuratorFramework client, String path, Duration timeout) {
        CuratorEvent created = await(Background.call(callback -> client.create().creatingParentsIfNeeded()
                .withMode(CreateMode.PERSISTENT).inBackground(callback).forPath(path)), "create " + path, timeout);
        Code code = Code.get(created.getResultCode());
        if (code != Code.OK && code != Code.NODEEXISTS) {
            throw rejected("can't open the routing store: creating " + path + " failed: "
                    + KeeperException.create(code, path).getMessage());
        }
    }

    /**
     * Creates the routing znode with {@code initial}, or adopts the snapshot it holds. An empty znode (made by hand,
     * say, to set its ACL) is written with {@code initial}. Each step is exclusive in ZooKeeper (create, or a
     * versioned write), so instances opening at once agree on one initial snapshot.
     *
     * @param client the Curator client, connected
     * @param path the routing znode
     * @param timeout how long each operation may take
     * @param initial the snapshot to start from if the znode holds none
     * @return the znode as read, holding the snapshot to start from
     * @throws ChangeRefusedException with {@code STORE_REJECTED} if ZooKeeper refuses, does not answer in time, or
     *         holds data this version can't read
     */
    public static StoredNode createOrAdopt(CuratorFramework client, String path, Duration timeout,
                                           RoutingSnapshot initial) {
        byte[] data = SnapshotCodec.encode(initial);
        boolean wrote = false;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            CuratorEvent read = await(Background.call(callback -> client.getData().inBackground(callback)
                    .forPath(path)), "read the routing znode " + path, timeout);
            Code code = Code.get(read.getResultCode());
            CuratorEvent written;
            if (code == Code.NONODE) {
                written = await(Background.call(callback -> client.create().creatingParentsIfNeeded()
                        .withMode(CreateMode.PERSISTENT).inBackground(callback).forPath(path, data)),
                        "create the routing znode " + path, timeout);
            } else if (code != Code.OK) {
                throw rejected("can't open the routing store: reading " + path + " failed: "
                        + KeeperException.create(code, path).getMessage());
            } else {
                StoredNode node = StoredNode.read(read.getStat(), read.getData());
                if (node.problem() != null) {
                    throw rejected("can't open the routing store: the znode " + path
                            + " holds data this version can't read (" + node.problem() + "); fix or delete it");
                }
                if (node.snapshot() != null) {
                    RoutingSnapshot snapshot = node.snapshot();
                    log.info("{} the routing znode {} at generation {}: {} live ({}), last changed by {}: {}",
                            wrote ? "created" : "adopted", path, snapshot.generation(), snapshot.live(),
                            snapshot.liveEnvironment().version(), snapshot.actor(), snapshot.reason());
                    return node;
                }
                int version = node.version();
                written = await(Background.call(callback -> client.setData().withVersion(version)
                        .inBackground(callback).forPath(path, data)), "write the routing znode " + path, timeout);
            }
            Code writeCode = Code.get(written.getResultCode());
            if (writeCode == Code.OK) {
                wrote = true;
            } else if (writeCode != Code.NODEEXISTS && writeCode != Code.BADVERSION) {
                throw rejected("can't open the routing store: writing " + path + " failed: "
                        + KeeperException.create(writeCode, path).getMessage());
            }
            // Written by us or by another instance opening at the same time: read what is there now.
        }
        throw rejected("can't open the routing store: " + path + " kept changing while this instance opened");
    }
}
