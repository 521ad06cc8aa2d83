package dev.bluegreen.zookeeper.internal;

import static java.util.Objects.requireNonNull;

import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.recipes.watch.PersistentWatcher;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.WatchedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the routing znode on the shortest path ZooKeeper allows: a persistent watch on the znode, and on each
 * change one read, whose answer is applied ({@link ServedState#read}) on the ZooKeeper client's event thread itself.
 * A follower serves a new snapshot one notification and one round trip after the writer's write, with no thread
 * hand-off in between; what takes longer (telling listeners, reporting to the fleet) runs on the store's thread,
 * after the snapshot is served.
 *
 * <p>Curator's {@code CuratorCache} would hand each event to its own thread and then to the listener's executor:
 * two more thread wake-ups before a follower serves the change, which on a busy machine cost milliseconds each. The
 * watch is set again after a reconnection ({@link PersistentWatcher} does), and the znode is read again then, since
 * a change may have been missed while the connection was down.
 *
 * <p>Thread-safe.
 */
public final class RoutingWatch {

    private static final Logger log = LoggerFactory.getLogger(RoutingWatch.class);

    private final CuratorFramework client;
    private final String path;
    private final ServedState served;
    private final PersistentWatcher watcher;
    private volatile boolean closed;

    /**
     * A watch, not yet set.
     *
     * @param client the Curator client
     * @param path the routing znode
     * @param served what this instance serves
     */
    public RoutingWatch(CuratorFramework client, String path, ServedState served) {
        this.client = requireNonNull(client, "client");
        this.path = requireNonNull(path, "path");
        this.served = requireNonNull(served, "served");
        this.watcher = new PersistentWatcher(client, path, false);
    }

    /** Sets the watch, then reads the znode once: a change between the opening read and the watch is not missed. */
    public void start() {
        watcher.getListenable().addListener(this::onEvent);
        // Called each time the watch is set, the first time included: a read then covers what came before.
        watcher.getResetListenable().addListener(this::read);
        watcher.start();
    }

    /** Stops watching. */
    public void close() {
        closed = true;
        watcher.close();
    }

    /** Reads the znode and applies it if newer; returns at once, the answer is applied on the event thread. */
    public void read() {
        if (closed) {
            return;
        }
        try {
            client.getData().inBackground((ignored, event) -> onData(event)).forPath(path);
        } catch (Exception e) {
            // The client is closing: nothing to follow any more.
            log.debug("reading the routing znode {} failed to start", path, e);
        }
    }

    /** On the ZooKeeper client's event thread. */
    private void onEvent(WatchedEvent event) {
        if (closed || event.getPath() == null) {
            return;
        }
        switch (event.getType()) {
            case NodeDataChanged, NodeCreated -> read();
            case NodeDeleted -> deleted();
            default -> {
                // Connection events come through the store's connection listener.
            }
        }
    }

    /** On the ZooKeeper client's event thread: decoding and a compare-and-set, nothing that waits. */
    private void onData(CuratorEvent event) {
        if (closed) {
            return;
        }
        Code code = Code.get(event.getResultCode());
        if (code == Code.OK) {
            served.read(event.getStat(), event.getData());
        } else if (code == Code.NONODE) {
            deleted();
        } else {
            log.debug("reading the routing znode {} failed ({}); the next change or reconnection reads it again",
                    path, code);
        }
    }

    private void deleted() {
        if (!served.deleted()) {
            return;
        }
        log.warn("the routing znode {} was deleted: this instance keeps serving generation {}; the next change"
                + " re-creates it", path, served.current().generation());
    }
}
