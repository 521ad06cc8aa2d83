package dev.bluegreen.zookeeper.internal;

import static dev.bluegreen.zookeeper.internal.Background.await;
import static dev.bluegreen.zookeeper.internal.Background.rejected;
import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.Change;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.RoutingSnapshot;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.api.transaction.CuratorTransactionResult;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;

/**
 * The compare-and-set of the ZooKeeper store: writes the next snapshot with {@code setData().withVersion(v)}, where
 * {@code v} is the znode version of the snapshot the change was computed from, so that of two instances changing
 * the state at once ZooKeeper lets exactly one write. The loser learns the state that won before it returns.
 *
 * <p>The change's entry in the fleet's audit trail ({@link HistoryEntry}, a sequential znode under
 * {@code path/history}) is created in the same ZooKeeper transaction: every change the fleet makes is recorded, with
 * the instance that made it, or neither is written.
 *
 * <p>Thread-safe; {@link #compareAndSet} blocks its caller for one round trip (two on a lost race), each bounded by
 * the operation timeout.
 */
public final class SnapshotWriter {

    private final CuratorFramework client;
    private final String path;
    private final Duration timeout;
    private final String historyPath;
    private final String instanceId;
    private final ServedState served;
    private final ConnectionWatch connection;
    private final FleetHistory history;
    private final Runnable afterWrite;

    /**
     * A writer.
     *
     * @param client the Curator client
     * @param path the routing znode
     * @param timeout how long one operation may take
     * @param historyPath the parent of the audit trail's entries
     * @param instanceId this instance's id, recorded in each entry
     * @param served what this instance serves and knows of the znode
     * @param connection whether it may write
     * @param history the audit trail, told of each entry written here
     * @param afterWrite run after each change written here (pruning the trail), on the writer's thread; must not block
     */
    public SnapshotWriter(CuratorFramework client, String path, Duration timeout, String historyPath,
                          String instanceId, ServedState served, ConnectionWatch connection, FleetHistory history,
                          Runnable afterWrite) {
        this.client = requireNonNull(client, "client");
        this.path = requireNonNull(path, "path");
        this.timeout = requireNonNull(timeout, "timeout");
        this.historyPath = requireNonNull(historyPath, "historyPath");
        this.instanceId = requireNonNull(instanceId, "instanceId");
        this.served = requireNonNull(served, "served");
        this.connection = requireNonNull(connection, "connection");
        this.history = requireNonNull(history, "history");
        this.afterWrite = requireNonNull(afterWrite, "afterWrite");
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
        Change change = new Change(expected, next, instanceId);
        if (!node.exists()) {
            return recreate(change);
        }
        CuratorEvent event = writeWithEntry(node.version(), change);
        Code code = Code.get(event.getResultCode());
        if (code == Code.NONODE && failed(event, 1)) {
            // The trail's parent was deleted (by hand): create it again and write once more.
            ensureHistoryParent();
            event = writeWithEntry(node.version(), change);
            code = Code.get(event.getResultCode());
        }
        if (code == Code.OK) {
            List<CuratorTransactionResult> results = event.getOpResults();
            served.written(results.get(0).getResultStat(), next);
            history.written(results.get(1).getResultPath(), change);
            served.offer(next);
            afterWrite.run();
            return true;
        }
        if (code == Code.BADVERSION || code == Code.NONODE) {
            // Lost the race: learn what is stored now, so that the caller recomputes from it.
            refresh();
            /*
             * If the connection dropped while the write was in flight, Curator may have retried it after it had
             * in fact been applied, and the retry failed on the version it had itself moved on. The stored snapshot
             * is then ours. (Had another writer already replaced it, the caller would recompute from that state.)
             */
            return storedIsOurs(next);
        }
        throw failure(code, next);
    }

    /**
     * Whether the snapshot stored now, read after a lost race, is {@code next} as this instance wrote it. Equality
     * alone can't say: two instances that make the same change at the same instant compute equal snapshots, and
     * only one of them wrote it. The trail's entry, written in the same transaction, names the instance: the newest
     * entry must be this instance's, for this change.
     */
    private boolean storedIsOurs(RoutingSnapshot next) {
        if (!next.equals(served.stored().snapshot())) {
            return false;
        }
        Change newest = newestEntry();
        return newest != null && newest.instance().equals(instanceId) && newest.current().equals(next);
    }

    /** The trail's newest entry, or {@code null} if it has none this version can read. */
    private Change newestEntry() {
        CuratorEvent listed = await(Background.call(callback -> client.getChildren().inBackground(callback)
                .forPath(historyPath)), "list the trail after a lost race", timeout);
        if (Code.get(listed.getResultCode()) != Code.OK) {
            return null;
        }
        // Zero-padded sequence numbers: the greatest name is the newest entry.
        String newest = listed.getChildren().stream().filter(name -> name.startsWith(HistoryEntry.PREFIX))
                .max(Comparator.naturalOrder()).orElse(null);
        if (newest == null) {
            return null;
        }
        CuratorEvent read = await(Background.call(callback -> client.getData().inBackground(callback)
                .forPath(ZKPaths.makePath(historyPath, newest))), "read the trail's entry " + newest, timeout);
        if (Code.get(read.getResultCode()) != Code.OK) {
            return null;
        }
        try {
            return HistoryEntry.decode(read.getData());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The versioned write of the snapshot and the creation of its trail entry, in one transaction. */
    private CuratorEvent writeWithEntry(int version, Change change) {
        CuratorOp write = op(() -> client.transactionOp().setData().withVersion(version)
                .forPath(path, SnapshotCodec.encode(change.current())));
        CuratorOp entry = op(() -> client.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                .forPath(ZKPaths.makePath(historyPath, HistoryEntry.PREFIX), HistoryEntry.encode(change)));
        return await(Background.call(callback -> client.transaction().inBackground(callback)
                .forOperations(write, entry)), "write generation " + change.generation(), timeout);
    }

    /**
     * The routing znode was deleted: created again with the change, which is as exclusive as a versioned write (of
     * two instances, one creates it). Its parents may be gone too, which a transaction can't create, so the trail's
     * entry follows in a second step here.
     */
    private boolean recreate(Change change) {
        RoutingSnapshot next = change.current();
        CuratorEvent event = await(Background.call(callback -> client.create().creatingParentsIfNeeded()
                .withMode(CreateMode.PERSISTENT).inBackground(callback).forPath(path, SnapshotCodec.encode(next))),
                "re-create the routing znode with generation " + next.generation(), timeout);
        Code code = Code.get(event.getResultCode());
        if (code == Code.OK) {
            // Without a stat, the watch brings the version; until then a change here retries once.
            served.offer(next);
            ensureHistoryParent();
            Background.call(callback -> client.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL)
                    .inBackground(callback).forPath(ZKPaths.makePath(historyPath, HistoryEntry.PREFIX),
                            HistoryEntry.encode(change)));
            return true;
        }
        if (code == Code.NODEEXISTS) {
            refresh();
            // Equality only: the entry follows the creation in a second step, so the trail can't tell yet whose
            // creation it was. Two instances re-creating a deleted znode with equal snapshots at the same instant
            // would both be told they wrote it.
            return next.equals(served.stored().snapshot());
        }
        throw failure(code, next);
    }

    private void ensureHistoryParent() {
        CuratorEvent event = await(Background.call(callback -> client.create().creatingParentsIfNeeded()
                .withMode(CreateMode.PERSISTENT).inBackground(callback).forPath(historyPath)),
                "create " + historyPath, timeout);
        Code code = Code.get(event.getResultCode());
        if (code != Code.OK && code != Code.NODEEXISTS) {
            throw failure(code, served.current());
        }
    }

    /** Whether operation {@code index} of a failed transaction is the one that failed. */
    private static boolean failed(CuratorEvent event, int index) {
        List<CuratorTransactionResult> results = event.getOpResults();
        return results != null && results.size() > index
                && results.get(index).getError() == event.getResultCode();
    }

    private ChangeRefusedException failure(Code code, RoutingSnapshot next) {
        String failure = KeeperException.create(code, path).getMessage();
        if (code == Code.CONNECTIONLOSS || code == Code.SESSIONEXPIRED || code == Code.OPERATIONTIMEOUT) {
            return rejected("ZooKeeper unreachable while writing generation " + next.generation() + " (" + failure
                    + "): the change may still have been applied; this instance follows whatever was");
        }
        return rejected("ZooKeeper refused to write generation " + next.generation() + ": " + failure);
    }

    /** A transaction operation, built without I/O; Curator declares a checked exception it never throws here. */
    private static CuratorOp op(OpBuilder builder) {
        try {
            return builder.build();
        } catch (Exception e) {
            throw new IllegalStateException("could not build a ZooKeeper transaction operation", e);
        }
    }

    @FunctionalInterface
    private interface OpBuilder {
        CuratorOp build() throws Exception;
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
