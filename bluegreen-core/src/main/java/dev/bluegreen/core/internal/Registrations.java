package dev.bluegreen.core.internal;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Items added and removed at any time and read far more often, such as listeners and guards, in the order they
 * were added. Each addition is its own registration, removed by closing the handle {@link #add} returned: an item
 * added twice is there twice, and closing one handle removes only its own addition.
 *
 * <p>Thread-safe; reads are lock-free (copy-on-write).
 *
 * @param <T> the item type
 */
public final class Registrations<T> {

    private final List<Registration<T>> registrations = new CopyOnWriteArrayList<>();

    /**
     * Adds an item after the others.
     *
     * @param item the item
     * @return a handle whose {@code close()} removes this addition; idempotent, never throws
     * @throws NullPointerException if {@code item} is {@code null}
     */
    public AutoCloseable add(T item) {
        // Compared by identity (no equals): each addition is removed by its own handle only.
        Registration<T> registration = new Registration<>(requireNonNull(item, "item"));
        registrations.add(registration);
        return () -> registrations.remove(registration);
    }

    /**
     * The items now, in the order added.
     *
     * @return an immutable copy
     */
    public List<T> items() {
        List<T> items = new ArrayList<>(registrations.size());
        for (Registration<T> registration : registrations) {
            items.add(registration.item);
        }
        return List.copyOf(items);
    }

    /**
     * Whether there is no item.
     *
     * @return {@code true} if none is registered
     */
    public boolean isEmpty() {
        return registrations.isEmpty();
    }

    /**
     * Calls {@code action} for each item, in the order added, over a snapshot of the registrations.
     *
     * @param action what to do with each
     */
    public void forEach(Consumer<? super T> action) {
        for (Registration<T> registration : registrations) {
            action.accept(registration.item);
        }
    }

    private static final class Registration<T> {
        final T item;

        Registration(T item) {
            this.item = item;
        }
    }
}
