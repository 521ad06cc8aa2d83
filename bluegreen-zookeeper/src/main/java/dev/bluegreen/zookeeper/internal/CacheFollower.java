package dev.bluegreen.zookeeper.internal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows what the fleet writes beside the routing znode, with one {@link CuratorCache} each: the registrations
 * ({@code path/instances}), whose reports go to the {@link FleetTracker} (and this instance's own registration is
 * written again if it went missing or fell behind), and the audit trail ({@code path/history}), whose entries go to
 * the {@link FleetHistory}. Entries beyond the retention are deleted by the writer, a batch at a time. The routing
 * znode itself is followed by {@link RoutingWatch}, on a shorter path.
 *
 * <p>Cache events run on the store's thread.
 */
public final class CacheFollower {

    private static final Logger log = LoggerFactory.getLogger(CacheFollower.class);

    private final CuratorFramework client;
    private final String instancesPath;
    private final String historyPath;
    private final String instanceId;
    private final Executor storeThread;
    private final FleetTracker fleet;
    private final FleetHistory history;
    private final Registration registration;
    private final CuratorCache instances;
    private final CuratorCache entries;
    private volatile boolean closed;

    /**
     * A follower, not yet started.
     *
     * @param client the Curator client
     * @param instancesPath the parent of the registrations
     * @param historyPath the parent of the audit trail's entries
     * @param instanceId this instance's id
     * @param storeThread the store's one thread
     * @param fleet the fleet view to feed
     * @param history the audit trail to feed
     * @param registration this instance's registration
     */
    public CacheFollower(CuratorFramework client, String instancesPath, String historyPath, String instanceId,
                         Executor storeThread, FleetTracker fleet, FleetHistory history, Registration registration) {
        this.client = requireNonNull(client, "client");
        this.instancesPath = requireNonNull(instancesPath, "instancesPath");
        this.historyPath = requireNonNull(historyPath, "historyPath");
        this.instanceId = requireNonNull(instanceId, "instanceId");
        this.storeThread = requireNonNull(storeThread, "storeThread");
        this.fleet = requireNonNull(fleet, "fleet");
        this.history = requireNonNull(history, "history");
        this.registration = requireNonNull(registration, "registration");
        this.instances = CuratorCache.build(client, instancesPath);
        this.entries = CuratorCache.build(client, historyPath);
    }

    /** Starts watching; each cache reads everything once, then follows changes. */
    public void start() {
        instances.listenable().addListener(CuratorCacheListener.builder()
                .forAll(this::onInstance)
                .forInitialized(fleet::loaded)
                .build(), storeThread);
        entries.listenable().addListener(CuratorCacheListener.builder()
                .forAll(this::onEntry)
                .forInitialized(this::prune)
                .build(), storeThread);
        instances.start();
        entries.start();
    }

    /** Stops watching. */
    public void close() {
        closed = true;
        instances.close();
        entries.close();
    }

    /**
     * Deletes the audit trail's entries beyond the retention, once there are enough of them (see
     * {@link FleetHistory#toPrune()}), in one transaction, in the background; any thread, never blocks.
     */
    public void prune() {
        List<String> names = history.toPrune();
        if (closed || names.isEmpty()) {
            return;
        }
        try {
            List<CuratorOp> deletes = new ArrayList<>(names.size());
            for (String name : names) {
                deletes.add(client.transactionOp().delete().forPath(ZKPaths.makePath(historyPath, name)));
            }
            client.transaction().inBackground((ignored, event) -> {
                // Pruned meanwhile by another instance (NONODE): the whole transaction is void, and the next
                // prune starts from what the watch shows by then.
                log.debug("pruning {} history entries under {}: {}", names.size(), historyPath,
                        Code.get(event.getResultCode()));
            }).forOperations(deletes);
        } catch (Exception e) {
            log.debug("pruning the history under {} failed to start", historyPath, e);
        }
    }

    /** On the store's thread: a registration appeared, changed or went. */
    private void onInstance(CuratorCacheListener.Type type, ChildData oldData, ChildData data) {
        ChildData node = type == CuratorCacheListener.Type.NODE_DELETED ? oldData : data;
        if (closed || node == null || !instancesPath.equals(ZKPaths.getPathAndNode(node.getPath()).getPath())) {
            return;
        }
        String id = ZKPaths.getNodeFromPath(node.getPath());
        if (type == CuratorCacheListener.Type.NODE_DELETED) {
            fleet.departed(id);
            if (id.equals(instanceId)) {
                // Deleted by hand, or by the end of an older session of ours: register again.
                registration.sync();
            }
        } else {
            fleet.reported(id, node.getData());
            if (id.equals(instanceId)) {
                registration.reportIfBehind(node.getData());
            }
        }
    }

    /** On the store's thread: an entry of the audit trail appeared or went. */
    private void onEntry(CuratorCacheListener.Type type, ChildData oldData, ChildData data) {
        ChildData node = type == CuratorCacheListener.Type.NODE_DELETED ? oldData : data;
        if (closed || node == null || !historyPath.equals(ZKPaths.getPathAndNode(node.getPath()).getPath())) {
            return;
        }
        if (type == CuratorCacheListener.Type.NODE_DELETED) {
            history.removed(node.getPath());
        } else {
            history.read(node.getPath(), node.getData());
        }
    }
}
