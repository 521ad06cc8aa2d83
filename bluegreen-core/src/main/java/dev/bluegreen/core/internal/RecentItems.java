package dev.bluegreen.core.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The last items added, oldest first, at most a fixed number of them; for histories that admins read while
 * writers add.
 *
 * <p>Thread-safe and lock-free: {@link #items()} is one volatile read of an immutable list, and {@link #add}
 * swaps in a copy with one more item. A copy per add suits what this holds (admin actions, not requests).
 *
 * @param <T> the item type
 */
public final class RecentItems<T> {

    private final int capacity;
    private final AtomicReference<List<T>> items = new AtomicReference<>(List.of());

    /**
     * An empty list that keeps at most {@code capacity} items.
     *
     * @param capacity how many items to keep, at least 1
     * @throws IllegalArgumentException if {@code capacity} is below 1
     */
    public RecentItems(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    /**
     * Appends an item, dropping the oldest if full. Items added concurrently are all kept (up to the capacity),
     * in the order their adds took effect.
     *
     * @param item the item, not {@code null}
     */
    public void add(T item) {
        // The function is pure: under contention updateAndGet runs it again on the newer list.
        items.updateAndGet(current -> append(current, item, capacity));
    }

    /**
     * The items, oldest first.
     *
     * @return an immutable list; a later {@link #add} does not change it
     */
    public List<T> items() {
        return items.get();
    }

    private static <T> List<T> append(List<T> current, T item, int capacity) {
        int keep = Math.min(current.size(), capacity - 1);
        List<T> next = new ArrayList<>(keep + 1);
        next.addAll(current.subList(current.size() - keep, current.size()));
        next.add(item);
        return Collections.unmodifiableList(next);
    }
}
