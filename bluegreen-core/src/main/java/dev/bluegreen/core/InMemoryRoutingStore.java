package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.ChangeRefusedException.Refusal;
import dev.bluegreen.core.internal.OrderedPublisher;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The default {@link RoutingStore}: the snapshot in an {@link AtomicReference}, for one process.
 *
 * <p>Subscribers are told of every generation, in order and never concurrently, on the thread of a writer that
 * applied a change (possibly another writer than the one that applied that generation).
 *
 * <p>Thread-safe and lock-free.
 */
public final class InMemoryRoutingStore implements RoutingStore {

    private final AtomicReference<RoutingSnapshot> ref;
    private final OrderedPublisher<RoutingSnapshot> publisher;
    private volatile boolean closed;

    private InMemoryRoutingStore(RoutingSnapshot initial) {
        this.ref = new AtomicReference<>(initial);
        this.publisher = OrderedPublisher.gapFree(RoutingSnapshot::generation, initial.generation());
    }

    /**
     * A store holding {@code initial}. Usable as a {@link RoutingStoreFactory}:
     * {@code InMemoryRoutingStore::create}.
     *
     * @param initial the starting snapshot
     * @return the store
     * @throws NullPointerException if {@code initial} is {@code null}
     */
    public static InMemoryRoutingStore create(RoutingSnapshot initial) {
        return new InMemoryRoutingStore(requireNonNull(initial, "initial"));
    }

    /**
     * {@inheritDoc}
     *
     * <p>One volatile read.
     */
    @Override
    public RoutingSnapshot current() {
        return ref.get();
    }

    /**
     * {@inheritDoc}
     *
     * <p>On success, delivers {@code next} (and any generations other writers have applied meanwhile) to the
     * subscribers before returning, unless another writer is already delivering, in which case that writer
     * delivers it.
     *
     * @throws ChangeRefusedException with {@link Refusal#STORE_REJECTED} if the store is closed
     */
    @Override
    public boolean compareAndSet(RoutingSnapshot expected, RoutingSnapshot next) {
        RoutingStore.requireNextGeneration(expected, next);
        if (closed) {
            throw new ChangeRefusedException(Refusal.STORE_REJECTED, "the routing store is closed");
        }
        RoutingSnapshot stored = ref.get();
        if (stored.generation() != expected.generation()) {
            return false;
        }
        /*
         * The contract compares generations, so the swap is on the object just read with that generation, not on
         * the caller's object (an equal copy must succeed too). Each generation has one stored object, so if the
         * reference swap fails the generation has moved on.
         */
        if (!ref.compareAndSet(stored, next)) {
            return false;
        }
        publisher.publish(next);
        return true;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Subscribers added after a change was applied but before it was delivered may receive it.
     */
    @Override
    public void subscribe(Consumer<RoutingSnapshot> subscriber) {
        publisher.subscribe(requireNonNull(subscriber, "subscriber"));
    }

    /**
     * Refuses further changes and drops the subscribers. Idempotent.
     */
    @Override
    public void close() {
        closed = true;
        publisher.clearSubscribers();
    }
}
