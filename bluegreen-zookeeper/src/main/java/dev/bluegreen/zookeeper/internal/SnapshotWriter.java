package dev.bluegreen.zookeeper.internal;

import static dev.bluegreen.zookeeper.internal.Background.await;
import static dev.bluegreen.zookeeper.internal.Background.rejected;
import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.RoutingSnapshot;
import java.time.Duration;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;

/**
 * The compare-and-set of the ZooKeeper store: writes the next snapshot with {@code setData().withVersion(v)}, where
 * {@code v} is the znode version of the snapshot the change was computed from, so that of two instances changing
 * the state at once ZooKeeper lets exactly one write. The loser learns the state that won before it returns.
 *
 * <p>Thread-safe; {@link #compareAndSet} blocks its caller for one round trip (two on a lost race), each bounded by
 * the operation timeout.
 */
public final class SnapshotWriter {

    private final CuratorFramework client;
    private final String path;
    private final Duration timeout;
    private final ServedState served;
    private final ConnectionWatch connection;

    /**
     * A writer.
     *
     * @param client the Curator client
     * @param path the routing znode
     * @param timeout how long one operation may take
     * @param served what this instance serves and knows of the znode
     * @param connection whether it may write
     */
    public SnapshotWriter(CuratorFramework client, String path, Duration timeout, ServedState served,
                          ConnectionWatch connection) {
        this.client = requireNonNull(client, "client");
        this.path = requireNonNull(path, "path");
        this.timeout = requireNonNull(timeout, "timeout");
        this.served = requireNonNull(served, "served");
        this.connection = requireNonNull(connection, "connection");
    }

    /**
     * Writes {@code next} if the znode still holds {@code expected}'s generation; applies it here on success.
     *
     * @param expected the snapshot {@code next} was computed from
     * @param next the next snapshot
     * @return {@code true} if written; {@code false} if the state had moved on (it is applied here before this
     *         returns, so the caller recomputes from it)
     * @throws ChangeRefusedException with {@code STORE_REJECTED} if ZooKeeper is unreachable (at once, without
     *         trying), the znode holds data this version can't read, or ZooKeeper did not confirm the write in time
     *         (the write may then still have been applied; the watch will tell)
     */
    public boolean compareAndSet(RoutingSnapshot expected, RoutingSnapshot next) {
        if (!connection.isWritable()) {
            throw rejected(connection.unreachable(served.current().generation()));
        }
        if (served.current().generation() != expected.generation()) {
            return false;
        }
        StoredNode node = served.stored();
        if (node.snapshot() != null && node.snapshot().generation() > expected.generation()) {
            // Read but not yet applied (another thread is between the two): apply it; the caller recomputes.
            served.offer(node.snapshot());
            return false;
        }
        if (node.problem() != null) {
            throw rejected("the routing znode " + path + " holds data this version can't read (" + node.problem()
                    + "): fix or delete it; this instance keeps serving generation " + served.current().generation());
        }
        byte[] data = SnapshotCodec.encode(next);
        CuratorEvent event = node.exists()
                ? await(Background.call(callback -> client.setData().withVersion(node.version())
                        .inBackground(callback).forPath(path, data)), "write generation " + next.generation(), timeout)
                // Deleted: re-created with the change. A create is as exclusive as a versioned write.
                : await(Background.call(callback -> client.create().creatingParentsIfNeeded()
                        .withMode(CreateMode.PERSISTENT).inBackground(callback).forPath(path, data)),
                        "re-create the routing znode with generation " + next.generation(), timeout);
        Code code = Code.get(event.getResultCode());
        if (code == Code.OK) {
            if (event.getStat() != null) {
                served.written(event.getStat(), next);
            }
            // Without a stat (a create), the watch brings the version; until then a change here retries once.
            served.offer(next);
            return true;
        }
        if (code == Code.BADVERSION || code == Code.NODEEXISTS || code == Code.NONODE) {
            // Lost the race: learn what is stored now, so that the caller recomputes from it.
            refresh();
            /*
             * If the connection dropped while the write was in flight, Curator may have retried it after it had
             * in fact been applied, and the retry failed on the version it had itself moved on. The stored snapshot
             * is then ours. (Had another writer already replaced it, the caller would recompute from that state.)
             */
            return next.equals(served.stored().snapshot());
        }
        String failure = KeeperException.create(code, path).getMessage();
        if (code == Code.CONNECTIONLOSS || code == Code.SESSIONEXPIRED || code == Code.OPERATIONTIMEOUT) {
            throw rejected("ZooKeeper unreachable while writing generation " + next.generation() + " (" + failure
                    + "): the change may still have been applied; this instance follows whatever was");
        }
        throw rejected("ZooKeeper refused to write generation " + next.generation() + ": " + failure);
    }

    /** Reads the routing znode now, on the calling thread, bounded by the operation timeout, and applies it. */
    private void refresh() {
        CuratorEvent event = await(Background.call(callback -> client.getData().inBackground(callback)
                .forPath(path)), "read the routing znode after a lost race", timeout);
        Code code = Code.get(event.getResultCode());
        if (code == Code.OK) {
            served.read(event.getStat(), event.getData());
        } else if (code == Code.NONODE) {
            served.deleted();
        } else {
            throw rejected("ZooKeeper did not return the routing znode " + path + ": "
                    + KeeperException.create(code, path).getMessage());
        }
    }
}
