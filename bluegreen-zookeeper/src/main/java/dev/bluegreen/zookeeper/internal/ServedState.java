package dev.bluegreen.zookeeper.internal;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.core.internal.OrderedPublisher;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one instance serves and what it last learned of the routing znode: the applied snapshot, which only moves
 * forward, and the stored node (its version, to compare-and-set against), which only moves to newer reads. Applied
 * snapshots are told to the subscribers in generation order, one at a time, skipping generations replaced before
 * this instance read them.
 *
 * <p>A snapshot is served (the next {@link #current()} returns it) as soon as it is applied, on whichever thread
 * applied it; the subscribers hear of it afterwards: on the writer's thread for this instance's own changes, on the
 * store's thread for the ones it read, so that a slow subscriber never holds up the next snapshot being served.
 *
 * <p>Thread-safe and lock-free: the writer's thread, the store's thread and the ZooKeeper client's event thread all
 * feed it.
 */
public final class ServedState {

    private static final Logger log = LoggerFactory.getLogger(ServedState.class);

    private final String path;
    private final AtomicReference<RoutingSnapshot> applied;
    private final AtomicReference<StoredNode> stored;
    private final OrderedPublisher<RoutingSnapshot> publisher;
    private final Executor storeThread;
    private final Runnable onApplied;

    /**
     * The state of an instance that just opened.
     *
     * @param path the routing znode, for messages
     * @param adopted the znode as the opening read it
     * @param storeThread the store's thread, where snapshots read from ZooKeeper are told to the subscribers
     * @param onApplied called after each snapshot applied (on the applying thread; must not block)
     */
    public ServedState(String path, StoredNode adopted, Executor storeThread, Runnable onApplied) {
        this.path = requireNonNull(path, "path");
        RoutingSnapshot start = requireNonNull(adopted.snapshot(), "adopted.snapshot");
        this.applied = new AtomicReference<>(start);
        this.stored = new AtomicReference<>(adopted);
        this.publisher = OrderedPublisher.allowingGaps(RoutingSnapshot::generation, start.generation());
        this.storeThread = requireNonNull(storeThread, "storeThread");
        this.onApplied = requireNonNull(onApplied, "onApplied");
    }

    /**
     * The snapshot served: one volatile read.
     *
     * @return the last snapshot applied
     */
    public RoutingSnapshot current() {
        return applied.get();
    }

    /**
     * What this instance last learned of the routing znode.
     *
     * @return the newest read or write
     */
    public StoredNode stored() {
        return stored.get();
    }

    /**
     * Adds a subscriber for snapshots applied from now on.
     *
     * @param subscriber the subscriber
     */
    public void subscribe(Consumer<RoutingSnapshot> subscriber) {
        publisher.subscribe(subscriber);
    }

    /** Drops the subscribers. */
    public void clearSubscribers() {
        publisher.clearSubscribers();
    }

    /**
     * This instance wrote {@code snapshot} at the version and zxid of {@code stat}.
     *
     * @param stat the stat the write returned
     * @param snapshot the snapshot written
     */
    public void written(Stat stat, RoutingSnapshot snapshot) {
        stored.accumulateAndGet(StoredNode.written(stat, snapshot), StoredNode::newer);
    }

    /**
     * The routing znode was seen deleted.
     *
     * @return whether it was known to exist until now
     */
    public boolean deleted() {
        return stored.getAndUpdate(StoredNode::deleted).exists();
    }

    /**
     * A read of the routing znode, from the watch or a refresh; any thread, never blocks. Kept if newer than what was
     * known, and its snapshot applied if newer than the one served; the subscribers hear of it on the store's
     * thread.
     *
     * @param stat the znode's stat
     * @param data its content
     */
    public void read(Stat stat, byte[] data) {
        StoredNode node = StoredNode.read(stat, data);
        StoredNode before = stored.getAndAccumulate(node, StoredNode::newer);
        boolean newer = node.mzxid() > before.mzxid();
        if (node.snapshot() == null) {
            if (newer && node.problem() != null) {
                log.error("the routing znode {} holds data this version can't read ({}): this instance keeps serving"
                        + " generation {} and refuses changes until the znode holds a valid snapshot", path,
                        node.problem(), current().generation());
            }
            return;
        }
        // Went back: a later write of the znode holds an earlier generation than the write before it.
        if (newer && before.snapshot() != null && node.snapshot().generation() < before.snapshot().generation()) {
            log.warn("the routing znode {} went back to generation {} from {}: ignored, this instance keeps"
                    + " serving generation {}; the next change writes the generation after that over it", path,
                    node.snapshot().generation(), before.snapshot().generation(), current().generation());
        }
        RoutingSnapshot snapshot = node.snapshot();
        if (apply(snapshot)) {
            try {
                storeThread.execute(() -> publisher.publish(snapshot));
            } catch (RejectedExecutionException e) {
                // Closed: nobody to tell.
            }
        }
    }

    /**
     * Applies {@code snapshot} if it is newer than the one served, and tells the subscribers on the calling thread:
     * for the writer, whose own change is told before its verb returns (unless another thread is telling the
     * subscribers of an earlier snapshot at that moment; that thread then tells this one too).
     *
     * <p>Published even when a notification applied it first: that read's telling waits on the store's thread, and
     * the writer's verb must not return before the subscribers (the proxy's drain among them) have heard of its own
     * change. The publisher delivers each generation once, whichever thread gets there first.
     *
     * @param snapshot a snapshot written, or read by the writer
     */
    public void offer(RoutingSnapshot snapshot) {
        apply(snapshot);
        publisher.publish(snapshot);
    }

    /** Serves {@code snapshot} if it is newer; returns whether it was. */
    private boolean apply(RoutingSnapshot snapshot) {
        RoutingSnapshot before = applied.getAndAccumulate(snapshot,
                (current, candidate) -> candidate.generation() > current.generation() ? candidate : current);
        if (snapshot.generation() <= before.generation()) {
            return false;
        }
        onApplied.run();
        return true;
    }
}
