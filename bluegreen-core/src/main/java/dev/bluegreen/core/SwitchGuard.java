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
 * <p>{@link #check} may be called on any thread, must return at once without blocking it, and should complete
 * within the guard timeout ({@link BlueGreen.Builder#guardTimeout(java.time.Duration)}); a guard that doesn't, or
 * whose stage fails, fails. Implementations must be thread-safe.
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
