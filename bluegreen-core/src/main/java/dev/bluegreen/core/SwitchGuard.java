package dev.bluegreen.core;

import java.util.concurrent.CompletionStage;

/**
 * A check that must pass before traffic moves to a colour: before {@link BlueGreen#switchTo(Colour)},
 * {@link BlueGreen#promote()} and a {@link BlueGreen#shift(Colour, int) shift} above 0 %. Typical guards: the target
 * pool has enough healthy backends (the proxy's health guard), a smoke check sends real requests to it, warm its
 * connections.
 *
 * <p>Guards run one after the other, in the order they were added, against the snapshot the change was asked on;
 * the first one that fails refuses the change ({@link ChangeRefusedException.Refusal#GUARD_FAILED}) and nothing
 * changes. Rollbacks and deployments run no guards: a rollback must always be fast. A {@link BlueGreen#forced()
 * forced} change skips them and says so in its snapshot.
 *
 * <p>{@link #check} is called on the admin object's guard thread ({@code bluegreen-guards}), never on the caller's
 * thread nor on the thread the previous guard answered on (which may be a proxy's event loop). It must return at once
 * without blocking that thread, and should complete within the guard timeout
 * ({@link BlueGreen.Builder#guardTimeout(java.time.Duration)}), which runs from the moment the guard is asked; a guard
 * that doesn't, or whose stage fails, fails. One that blocks anyway fails at the timeout and holds up the guards of
 * later changes while it blocks. Implementations must be thread-safe.
 */
public interface SwitchGuard {

    /**
     * The name refusals give, such as {@code "healthy-target"}.
     *
     * @return a short, stable name
     */
    String name();

    /**
     * Checks whether traffic may move to {@code context.target()}.
     *
     * @param context what is about to change
     * @return the verdict, when known
     */
    CompletionStage<GuardVerdict> check(GuardContext context);
}
