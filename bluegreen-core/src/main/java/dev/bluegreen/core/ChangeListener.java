package dev.bluegreen.core;

/**
 * Hears every change applied to the routing state, in generation order, and, if it overrides
 * {@link #onRefused}, every change attempt that was refused.
 *
 * <p>Threading of {@link #onChange}: called on whichever thread delivers the change (usually the one that made
 * it, possibly another admin thread, or a store's own thread), never concurrently with itself or with the
 * {@code onChange} of other listeners of the same {@link BlueGreen}. Keep it short: the next change waits for it.
 * It may call back into {@link BlueGreen}, with a blocking verb or an {@code ...Async} one it waits for (when it
 * hears a change on the change thread, an async verb it asks for runs on a thread of its own, not queued behind it);
 * a change made from a listener is delivered after the current one has reached every listener.
 *
 * <p>Threading of {@link #onRefused}: refusals don't go through the store; each is delivered at once on the thread
 * whose attempt was refused, before the verb throws. So {@code onRefused} may run concurrently with itself, with
 * {@code onChange} on another thread, and, when a listener's own call back into {@link BlueGreen} is refused,
 * inside an {@code onChange} on the same thread. An override must be thread-safe. Refusals and applied changes are
 * ordered relative to each other by time only: a listener may hear a refusal against generation 5 before it hears
 * the change that produced generation 5; {@link RefusedChange#generation()} says which state was refused.
 *
 * <p>An exception thrown by a listener is logged and otherwise ignored: it changes nothing (an applied change
 * stays applied, a refused verb still throws its {@link ChangeRefusedException}) and the other listeners are
 * still called.
 */
@FunctionalInterface
public interface ChangeListener {

    /**
     * Called once for every applied change, after the new snapshot is visible to readers.
     *
     * @param change the change, never {@code null}
     */
    void onChange(Change change);

    /**
     * Called once for every change attempt that a verb of {@link BlueGreen} refused (with any
     * {@link ChangeRefusedException.Refusal}), after it was added to {@link BlueGreen#refusals()} and before the
     * verb throws. Not called for bad input ({@link IllegalArgumentException}) or a closed {@link BlueGreen}
     * ({@link IllegalStateException}), which are not refusals. The default does nothing.
     *
     * <p>May be called concurrently; see the threading notes on this interface.
     *
     * @param refused the refused attempt, never {@code null}
     */
    default void onRefused(RefusedChange refused) {
    }
}
