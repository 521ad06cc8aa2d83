package dev.bluegreen.zookeeper.internal;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.Executor;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the routing znode and the registrations below it with one {@link CuratorCache}: a newer snapshot is
 * applied ({@link ServedState#read}), a registration's report goes to the {@link FleetTracker}, and this instance's
 * own registration is written again if it went missing or fell behind. After a reconnection it re-reads the
 * routing znode, since a change may have been missed while the connection was down.
 *
 * <p>Cache events run on the store's thread.
 */
public final class CacheFollower {

    private static final Logger log = LoggerFactory.getLogger(CacheFollower.class);

    private final CuratorFramework client;
    private final String path;
    private final String instancesPath;
    private final String instanceId;
    private final Executor storeThread;
    private final ServedState served;
    private final FleetTracker fleet;
    private final Registration registration;
    private final CuratorCache cache;
    private volatile boolean closed;

    /**
     * A follower, not yet started.
     *
     * @param client the Curator client
     * @param path the routing znode
     * @param instancesPath the parent of the registrations
     * @param instanceId this instance's id
     * @param storeThread the store's one thread
     * @param served what this instance serves
     * @param fleet the fleet view to feed
     * @param registration this instance's registration
     */
    public CacheFollower(CuratorFramework client, String path, String instancesPath, String instanceId,
                         Executor storeThread, ServedState served, FleetTracker fleet, Registration registration) {
        this.client = requireNonNull(client, "client");
        this.path = requireNonNull(path, "path");
        this.instancesPath = requireNonNull(instancesPath, "instancesPath");
        this.instanceId = requireNonNull(instanceId, "instanceId");
        this.storeThread = requireNonNull(storeThread, "storeThread");
        this.served = requireNonNull(served, "served");
        this.fleet = requireNonNull(fleet, "fleet");
        this.registration = requireNonNull(registration, "registration");
        this.cache = CuratorCache.build(client, path);
    }

    /** Starts watching; the cache reads everything once, then follows changes. */
    public void start() {
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll(this::onCacheEvent)
                .forInitialized(fleet::loaded)
                .build(), storeThread);
        cache.start();
    }

    /** Stops watching. */
    public void close() {
        closed = true;
        cache.close();
    }

    /**
     * After a reconnection: re-reads the routing znode and reports again, without blocking the store's thread.
     * On the store's thread.
     */
    public void catchUp() {
        Background.call(callback -> client.getData().inBackground(callback).forPath(path))
                .whenCompleteAsync((event, failure) -> onCaughtUp(event, failure), storeThread);
    }

    private void onCaughtUp(CuratorEvent event, Throwable failure) {
        if (failure != null) {
            log.warn("catching up after reconnecting failed; the watch will deliver the next change", failure);
        } else if (Code.get(event.getResultCode()) == Code.OK) {
            served.read(event.getStat(), event.getData());
        }
        // The session may be new, and the registration gone with the old one.
        registration.reportServing();
    }

    /** On the store's thread: the cache saw the routing znode or a registration change. */
    private void onCacheEvent(CuratorCacheListener.Type type, ChildData oldData, ChildData data) {
        if (closed) {
            return;
        }
        ChildData node = type == CuratorCacheListener.Type.NODE_DELETED ? oldData : data;
        if (node == null) {
            return;
        }
        String nodePath = node.getPath();
        if (nodePath.equals(path)) {
            if (type == CuratorCacheListener.Type.NODE_DELETED) {
                served.deleted();
                log.warn("the routing znode {} was deleted: this instance keeps serving generation {}; the next"
                        + " change re-creates it", path, served.current().generation());
            } else {
                served.read(node.getStat(), node.getData());
            }
        } else if (instancesPath.equals(ZKPaths.getPathAndNode(nodePath).getPath())) {
            String id = ZKPaths.getNodeFromPath(nodePath);
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
    }
}
