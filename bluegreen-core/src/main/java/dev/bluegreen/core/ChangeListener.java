package dev.bluegreen.core;

/**
 * Hears every change applied to the routing state, in generation order.
 *
 * <p>Threading: called on whichever thread delivers the change (usually the one that made it, possibly another
 * admin thread, or a store's own thread), never concurrently with itself or with other listeners of the same
 * {@link BlueGreen}. Keep it short: the next change waits for it. It may call back into {@link BlueGreen}; a
 * change made from a listener is delivered after the current one has reached every listener.
 *
 * <p>An exception thrown by a listener is logged and otherwise ignored: it changes nothing and the other
 * listeners are still called.
 */
@FunctionalInterface
public interface ChangeListener {

    /**
     * Called once for every applied change, after the new snapshot is visible to readers.
     *
     * @param change the change, never {@code null}
     */
    void onChange(Change change);
}
