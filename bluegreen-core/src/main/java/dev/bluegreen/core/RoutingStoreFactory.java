package dev.bluegreen.core;

/**
 * Opens the {@link RoutingStore} for a {@link BlueGreen}; set with {@link BlueGreen.Builder#store}.
 *
 * <p>Called once per {@link BlueGreen.Builder#build()}, on the calling thread (a builder built twice opens two
 * stores).
 */
@FunctionalInterface
public interface RoutingStoreFactory {

    /**
     * Opens a store.
     *
     * @param initialIfAbsent the snapshot to start from if the store holds none yet; a shared or durable store that
     *        already holds a state (a ZooKeeper znode, a state file) keeps it and ignores this one
     * @return the open store, never {@code null}
     * @throws ChangeRefusedException with {@link ChangeRefusedException.Refusal#STORE_REJECTED} if the store can't
     *         be opened
     */
    RoutingStore open(RoutingSnapshot initialIfAbsent);
}
