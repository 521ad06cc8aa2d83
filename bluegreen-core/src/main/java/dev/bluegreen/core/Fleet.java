package dev.bluegreen.core;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The instances that share one distributed {@link RoutingStore}, each reporting the routing generation it serves:
 * what an admin looks at after a change to see that every instance has it, and waits on.
 *
 * <p>A store that serves one process has no fleet ({@link RoutingStore#fleet()} is empty). A distributed store
 * (such as the ZooKeeper store of {@code bluegreen-zookeeper}) has each instance report the generation it applied
 * after it applied it, so the view lags the instances slightly and never runs ahead of them.
 *
 * <p>Implementations are thread-safe and never block in {@link #status()}.
 */
public interface Fleet {

    /**
     * What this instance knows of the fleet now. Cheap and non-blocking: it reads what the store has already
     * learned, it does not ask the store.
     *
     * @return the current view, never {@code null}
     */
    FleetStatus status();

    /**
     * A future that completes with the fleet's status once every reachable instance reports {@code generation} or
     * a later one ({@link FleetStatus#allReached(long)}); at once if they already do. Instances that are not
     * reachable (see {@link FleetStatus.Member#reachable()}) don't hold it back: they show in the status instead.
     *
     * <p>The future may complete on the calling thread or on a thread of the store; stages chained to it without
     * an executor run there, so they must not block.
     *
     * @param generation the generation to wait for, at least 0
     * @param timeout how long to wait, positive
     * @return a future completing with the status that satisfied the wait, or exceptionally with a
     *         {@link java.util.concurrent.TimeoutException} that names the instances still behind when the timeout
     *         elapsed, or with an {@link IllegalStateException} if the store is closed first
     * @throws NullPointerException if {@code timeout} is {@code null}
     * @throws IllegalArgumentException if {@code generation} is negative or {@code timeout} is not positive
     */
    CompletableFuture<FleetStatus> awaitGeneration(long generation, Duration timeout);
}
