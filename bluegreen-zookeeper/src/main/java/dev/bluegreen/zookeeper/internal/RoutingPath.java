package dev.bluegreen.zookeeper.internal;

import static dev.bluegreen.zookeeper.internal.Background.await;
import static dev.bluegreen.zookeeper.internal.Background.rejected;

import dev.bluegreen.core.ChangeRefusedException;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.client.ConnectStringParser;

/**
 * Where a fleet's routing znode may lie. Not in ZooKeeper's own {@value #RESERVED} subtree, which holds the
 * server's configuration and quotas. And not inside another fleet's {@code instances} or {@code history} znode:
 * the routing znode would fill that fleet's (empty) {@code instances} znode, and this fleet's registrations would
 * show up in the other's fleet view as foreign instances, each logged as a WARN.
 *
 * <p>Stateless.
 */
public final class RoutingPath {

    /** ZooKeeper's own subtree, on the server (below any chroot, it is an ordinary path). */
    public static final String RESERVED = "/zookeeper";

    private RoutingPath() {
    }

    /**
     * The znode's path on the server: the connect string's chroot, then the client's namespace, then {@code path}.
     *
     * @param client the Curator client, started or not
     * @param path the path as the store is given it
     * @return the path on the server; without the chroot if the connect string can't be parsed (the client then
     *         fails to connect anyway)
     */
    public static String onServer(CuratorFramework client, String path) {
        String namespace = client.getNamespace();
        String inChroot = namespace == null || namespace.isEmpty() ? path : ZKPaths.makePath(namespace, path);
        String chroot = chroot(client.getZookeeperClient().getCurrentConnectionString());
        return chroot == null ? inChroot : chroot + inChroot;
    }

    private static String chroot(String connectString) {
        if (connectString == null || connectString.isBlank()) {
            return null;
        }
        try {
            return new ConnectStringParser(connectString).getChrootPath();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Refuses a routing znode in ZooKeeper's reserved {@value #RESERVED} subtree, as it lies on the server: a
     * chroot or a namespace moves it ({@code host:2181/app} puts {@code /zookeeper} at {@code /app/zookeeper},
     * which is an ordinary znode).
     *
     * @param client the Curator client, started or not
     * @param path the routing znode, already a valid path below the root
     * @return {@code path}
     * @throws IllegalArgumentException if it lies in {@value #RESERVED} on the server, naming the path and, if it
     *         differs, where it lies on the server
     */
    public static String requireNotReserved(CuratorFramework client, String path) {
        String onServer = onServer(client, path);
        if (onServer.equals(RESERVED) || onServer.startsWith(RESERVED + "/")) {
            throw new IllegalArgumentException("path: '" + path + "'" + (onServer.equals(path) ? ""
                    : " (" + onServer + " on the server)") + " is in ZooKeeper's reserved " + RESERVED
                    + " subtree (expected: a znode of the application's own, such as /bluegreen/shop)");
        }
        return path;
    }

    /**
     * Refuses a routing znode that lies inside another fleet's {@code instances} or {@code history} znode: one
     * whose path has such a segment, or is such a znode, below a znode that holds a routing snapshot. Reads one
     * znode per such segment (none for an ordinary path); reads only, so it can't disturb the other fleet.
     *
     * <p>A fleet can't be told from a path whose {@code instances} or {@code history} segment lies in the connect
     * string's chroot or the client's namespace, nor from one whose routing znode was deleted: those are let
     * through.
     *
     * @param client the Curator client, connected
     * @param path the routing znode
     * @param timeout how long each read may take
     * @param instances the name of a fleet's instances znode
     * @param history the name of a fleet's history znode
     * @throws ChangeRefusedException with {@code STORE_REJECTED} if it lies in another fleet's znode, naming the
     *         path and that fleet's; or if ZooKeeper refuses a read or does not answer in time
     */
    public static void requireOutsideOtherFleets(CuratorFramework client, String path, Duration timeout,
                                                 String instances, String history) {
        for (String node = path; !node.equals("/"); node = ZKPaths.getPathAndNode(node).getPath()) {
            String name = ZKPaths.getNodeFromPath(node);
            if (!name.equals(instances) && !name.equals(history)) {
                continue;
            }
            String parent = ZKPaths.getPathAndNode(node).getPath();
            if (holdsASnapshot(client, parent, timeout)) {
                throw rejected("can't open the routing store " + path + ": " + node + " is where the fleet at "
                        + parent + (name.equals(instances) ? " registers its instances" : " keeps its history")
                        + " (expected: a znode outside another fleet's " + instances + " and " + history + ")");
            }
        }
    }

    private static boolean holdsASnapshot(CuratorFramework client, String path, Duration timeout) {
        CuratorEvent read = await(Background.call(callback -> client.getData().inBackground(callback).forPath(path)),
                "read " + path, timeout);
        Code code = Code.get(read.getResultCode());
        if (code == Code.NONODE) {
            return false;
        }
        if (code != Code.OK) {
            throw rejected("can't open the routing store: reading " + path + " failed: "
                    + KeeperException.create(code, path).getMessage());
        }
        return SnapshotCodec.looksLikeSnapshot(read.getData());
    }
}
