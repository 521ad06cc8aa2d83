package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where the routing snapshot lives: the service provider interface behind {@link BlueGreen}.
 *
 * <p>The default, {@link InMemoryRoutingStore}, serves one process. A distributed store (for example on
 * ZooKeeper) lets a fleet of proxies share one live colour; it must keep the same generation-based
 * compare-and-set, so that two admins can never both apply a change computed from the same generation.
 *
 * <p>Implementations are thread-safe.
 */
public interface RoutingStore extends AutoCloseable {

    /**
     * Checks the arguments of {@link #compareAndSet} as every store must: both present, and {@code next} exactly one
     * generation after {@code expected}. For implementations.
     *
     * @param expected the snapshot the change was computed from
     * @param next the snapshot to store
     * @throws NullPointerException if either is {@code null}
     * @throws IllegalArgumentException if {@code next} is not {@code expected}'s generation plus one
     */
    static void requireNextGeneration(RoutingSnapshot expected, RoutingSnapshot next) {
        requireNonNull(expected, "expected");
        requireNonNull(next, "next");
        if (next.generation() != expected.generation() + 1) {
            throw new IllegalArgumentException("next.generation: " + next.generation()
                    + " (expected: expected.generation + 1 = " + (expected.generation() + 1) + ")");
        }
    }

    /**
     * The current snapshot. Lock-free: the proxy calls this for every request.
     *
     * @return the current snapshot, never {@code null}
     */
    RoutingSnapshot current();

    /**
     * Replaces the current snapshot with {@code next} if the stored generation is still
     * {@code expected.generation()}. Atomic: of several callers with the same expected generation at most one
     * succeeds. After a success, subscribers are told of {@code next}.
     *
     * @param expected the snapshot {@code next} was computed from
     * @param next the new snapshot, whose generation must be {@code expected.generation() + 1}
     * @return {@code true} if {@code next} was stored, {@code false} if the stored generation had moved on (the
     *         caller re-reads and retries, or gives up)
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if {@code next.generation() != expected.generation() + 1}
     * @throws ChangeRefusedException with {@link ChangeRefusedException.Refusal#STORE_REJECTED} if the store can't
     *         apply changes, for example because it is closed or unreachable
     */
    boolean compareAndSet(RoutingSnapshot expected, RoutingSnapshot next);

    /**
     * Registers a subscriber to be told of every snapshot applied after this call, by any writer.
     *
     * <p>Deliveries come in strictly increasing generation order, never concurrently, and never go backwards. The
     * in-memory store delivers every generation; a distributed store may skip generations that were replaced
     * before it could deliver them. A subscriber that throws is logged and does not stop delivery.
     *
     * @param subscriber the subscriber
     * @throws NullPointerException if {@code subscriber} is {@code null}
     */
    void subscribe(Consumer<RoutingSnapshot> subscriber);

    /**
     * The instances sharing this store and the generation each serves, for a distributed store. The default, for a
     * store that serves one process, is empty.
     *
     * @return the fleet view, or empty if this store has none
     */
    default Optional<Fleet> fleet() {
        return Optional.empty();
    }

    /**
     * The changes and refused attempts this store records itself, when it keeps a record beyond the admin object's
     * own: across restarts for a durable store, across the fleet for a shared one. The default, for a store that
     * keeps none, is empty; {@link BlueGreen} then keeps its own history in memory.
     *
     * @return the audit trail, or empty if this store has none
     */
    default Optional<AuditTrail> auditTrail() {
        return Optional.empty();
    }

    /**
     * Releases the store's resources; afterwards {@link #compareAndSet} is refused. {@link #current()} keeps
     * returning the last snapshot. The default does nothing.
     */
    @Override
    default void close() {
    }
}
