package dev.bluegreen.core;

import java.util.List;

/**
 * The record of applied changes and refused attempts that a {@link RoutingStore} keeps itself, beyond what one
 * {@link BlueGreen} has seen since it was built: a durable store's survives restarts ({@link FileRoutingStore}), a
 * shared store's holds the changes every instance of a fleet made (the ZooKeeper store). When the store has one
 * ({@link RoutingStore#auditTrail()}), {@link BlueGreen#history()} and {@link BlueGreen#refusals()} read it, and
 * {@link BlueGreen} records each refused attempt in it.
 *
 * <p>Implementations are thread-safe, bound what they keep, and never block in {@link #changes()} or
 * {@link #refusals()}; {@link #recordRefusal} does not block on I/O either (a store that persists refusals does so
 * in the background), since a refusal may happen on an event loop.
 */
public interface AuditTrail {

    /**
     * The recorded changes, oldest first, in generation order.
     *
     * @return an immutable list, at most the store's bound
     */
    List<Change> changes();

    /**
     * The recorded refused attempts, oldest first.
     *
     * @return an immutable list, at most the store's bound
     */
    List<RefusedChange> refusals();

    /**
     * Records a refused attempt. Never throws for a store that can't keep it: it logs instead.
     *
     * @param refused the refused attempt
     * @throws NullPointerException if {@code refused} is {@code null}
     */
    void recordRefusal(RefusedChange refused);
}
