package dev.bluegreen.core;

import static dev.bluegreen.core.ChangeRequest.ANY_GENERATION;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The one-call verbs of {@link BlueGreen} and of its {@link BlueGreen.Attributed attributed} form, written once:
 * each is a shorthand for one {@link ChangeRequest} given to {@link #apply} or {@link #applyAsync}, so that the
 * grid of overloads (plain, at an expected generation, without blocking) is one line each.
 *
 * <p>Every verb returns the new {@link RoutingSnapshot}, or throws a {@link ChangeRefusedException} that says why
 * and changes nothing; the refused attempt is recorded in {@link BlueGreen#refusals()} and told to the listeners
 * first. Verbs that take an expected generation are refused as
 * {@link ChangeRefusedException.Refusal#STALE_GENERATION stale} if the state has moved on since the caller read it.
 * All verbs throw {@link IllegalStateException} once the {@link BlueGreen} is closed.
 *
 * <p>Package-private: {@link BlueGreen} and {@link BlueGreen.Attributed} are its only subclasses, and its public
 * methods are theirs.
 */
abstract class ChangeVerbs {

    ChangeVerbs() {
    }

    /**
     * Applies a change request, blocking the caller until its guards have answered (never call it on an event loop
     * when guards may run; use {@link #applyAsync}).
     *
     * @param request the change
     * @return the new snapshot
     * @throws NullPointerException if {@code request} is {@code null}
     * @throws ChangeRefusedException if the change was refused
     * @throws IllegalStateException if the {@link BlueGreen} is closed
     */
    public abstract RoutingSnapshot apply(ChangeRequest request);

    /**
     * Applies a change request without blocking: for event loops and other threads that must not wait for the
     * guards or the store. Argument errors and a closed {@link BlueGreen} throw at once; a refusal completes the
     * future exceptionally with the {@link ChangeRefusedException}.
     *
     * @param request the change
     * @return the new snapshot, when applied; the change itself is applied on the {@link BlueGreen}'s own change
     *         thread ({@code bluegreen-changes}, one per instance), never on the caller's
     * @throws NullPointerException if {@code request} is {@code null}
     * @throws IllegalStateException if the {@link BlueGreen} is closed
     */
    public abstract CompletableFuture<RoutingSnapshot> applyAsync(ChangeRequest request);

    /**
     * Sends all new traffic to {@code target}. The colour that was live becomes the rollback target. Requests
     * already under way finish where they started. Guards run first.
     *
     * @param target the colour to make live
     * @return the new snapshot, of kind {@link ChangeKind#SWITCH}
     * @throws NullPointerException if {@code target} is {@code null}
     * @throws ChangeRefusedException {@link ChangeRefusedException.Refusal#ALREADY_LIVE} if {@code target} is live,
     *         {@link ChangeRefusedException.Refusal#EMPTY_POOL} if its pool has no backends,
     *         {@link ChangeRefusedException.Refusal#GUARD_FAILED} if a guard failed, or
     *         {@link ChangeRefusedException.Refusal#STORE_REJECTED} from the store
     * @throws IllegalStateException if the {@link BlueGreen} is closed
     */
    public RoutingSnapshot switchTo(Colour target) {
        return switchTo(target, ANY_GENERATION);
    }

    /**
     * As {@link #switchTo(Colour)}, refused unless the state is at {@code expectedGeneration}.
     *
     * @param target the colour to make live
     * @param expectedGeneration the generation the caller decided on, or {@link BlueGreen#ANY_GENERATION}
     * @return the new snapshot, of kind {@link ChangeKind#SWITCH}
     * @throws NullPointerException if {@code target} is {@code null}
     * @throws IllegalArgumentException if {@code expectedGeneration} is below {@link BlueGreen#ANY_GENERATION}
     * @throws ChangeRefusedException as {@link #switchTo(Colour)}, or
     *         {@link ChangeRefusedException.Refusal#STALE_GENERATION} if the state is at another generation
     * @throws IllegalStateException if the {@link BlueGreen} is closed
     */
    public RoutingSnapshot switchTo(Colour target, long expectedGeneration) {
        return apply(ChangeRequest.switchTo(target).expectingGeneration(expectedGeneration));
    }

    /**
     * As {@link #switchTo(Colour, long)}, without blocking (see {@link #applyAsync}).
     *
     * @param target the colour to make live
     * @param expectedGeneration the generation the caller decided on, or {@link BlueGreen#ANY_GENERATION}
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> switchToAsync(Colour target, long expectedGeneration) {
        return applyAsync(ChangeRequest.switchTo(target).expectingGeneration(expectedGeneration));
    }

    /**
     * As {@link #switchToAsync(Colour, long)} at any generation.
     *
     * @param target the colour to make live
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> switchToAsync(Colour target) {
        return switchToAsync(target, ANY_GENERATION);
    }

    /**
     * Makes the idle colour live: a {@link #switchTo(Colour) switch} to whichever colour is idle when the change is
     * applied. Guards run first.
     *
     * @return the new snapshot, of kind {@link ChangeKind#PROMOTE}
     * @throws ChangeRefusedException {@link ChangeRefusedException.Refusal#EMPTY_POOL} if the idle pool has no
     *         backends, {@link ChangeRefusedException.Refusal#GUARD_FAILED} if a guard failed, or
     *         {@link ChangeRefusedException.Refusal#STORE_REJECTED} from the store
     * @throws IllegalStateException if the {@link BlueGreen} is closed
     */
    public RoutingSnapshot promote() {
        return promote(ANY_GENERATION);
    }

    /**
     * As {@link #promote()}, refused unless the state is at {@code expectedGeneration}. Prefer this form when two
     * admins may act at once: without it, two promotions flip traffic there and back.
     *
     * @param expectedGeneration the generation the caller decided on, or {@link BlueGreen#ANY_GENERATION}
     * @return the new snapshot, of kind {@link ChangeKind#PROMOTE}
     * @throws IllegalArgumentException if {@code expectedGeneration} is below {@link BlueGreen#ANY_GENERATION}
     * @throws ChangeRefusedException as {@link #promote()}, or
     *         {@link ChangeRefusedException.Refusal#STALE_GENERATION} if the state is at another generation
     * @throws IllegalStateException if the {@link BlueGreen} is closed
     */
    public RoutingSnapshot promote(long expectedGeneration) {
        return apply(ChangeRequest.promote().expectingGeneration(expectedGeneration));
    }

    /**
     * As {@link #promote(long)}, without blocking (see {@link #applyAsync}).
     *
     * @param expectedGeneration the generation the caller decided on, or {@link BlueGreen#ANY_GENERATION}
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> promoteAsync(long expectedGeneration) {
        return applyAsync(ChangeRequest.promote().expectingGeneration(expectedGeneration));
    }

    /**
     * As {@link #promoteAsync(long)} at any generation.
     *
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> promoteAsync() {
        return promoteAsync(ANY_GENERATION);
    }

    /**
     * Sends traffic back to the colour that was live before the last switch or promotion. Runs no guards.
     *
     * <p>A rollback is not itself rolled back: afterwards there is no rollback target until the next switch or
     * promotion, so a repeated rollback is refused instead of flipping traffic back. Deploying to the rollback
     * target also clears it, because the version a rollback would return to is gone. While a {@link #shift} is
     * under way, a rollback ends it instead: its share goes back to 0 % and the live colour stays.
     *
     * @return the new snapshot, of kind {@link ChangeKind#ROLLBACK}, with no rollback target
     * @throws ChangeRefusedException {@link ChangeRefusedException.Refusal#NO_ROLLBACK_TARGET} if there is nothing
     *         to roll back to, {@link ChangeRefusedException.Refusal#EMPTY_POOL} if the target's pool has no
     *         backends, or {@link ChangeRefusedException.Refusal#STORE_REJECTED} from the store
     * @throws IllegalStateException if the {@link BlueGreen} is closed
     */
    public RoutingSnapshot rollback() {
        return rollback(ANY_GENERATION);
    }

    /**
     * As {@link #rollback()}, refused unless the state is at {@code expectedGeneration}.
     *
     * @param expectedGeneration the generation the caller decided on, or {@link BlueGreen#ANY_GENERATION}
     * @return the new snapshot, of kind {@link ChangeKind#ROLLBACK}
     * @throws IllegalArgumentException if {@code expectedGeneration} is below {@link BlueGreen#ANY_GENERATION}
     * @throws ChangeRefusedException as {@link #rollback()}, or
     *         {@link ChangeRefusedException.Refusal#STALE_GENERATION} if the state is at another generation
     * @throws IllegalStateException if the {@link BlueGreen} is closed
     */
    public RoutingSnapshot rollback(long expectedGeneration) {
        return apply(ChangeRequest.rollback().expectingGeneration(expectedGeneration));
    }

    /**
     * As {@link #rollback(long)}, applied on the change thread so that a store that does network I/O never blocks
     * the caller (see {@link #applyAsync}).
     *
     * @param expectedGeneration the generation the caller decided on, or {@link BlueGreen#ANY_GENERATION}
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> rollbackAsync(long expectedGeneration) {
        return applyAsync(ChangeRequest.rollback().expectingGeneration(expectedGeneration));
    }

    /**
     * As {@link #rollbackAsync(long)} at any generation.
     *
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> rollbackAsync() {
        return rollbackAsync(ANY_GENERATION);
    }

    /**
     * Sends {@code percent} of new requests (or new sessions, when the proxy keeps sessions sticky) to
     * {@code target}, the idle colour; the live colour stays. A step of a gradual move: raise the share in steps,
     * then {@link #promote()} completes it (and resets the share to 0), and {@link #rollback()} takes it back to 0.
     * Guards run when {@code percent > 0}. Requests already under way finish where they started.
     *
     * @param target the idle colour
     * @param percent the share of new requests, 0 to 100
     * @return the new snapshot, of kind {@link ChangeKind#SHIFT}
     * @throws NullPointerException if {@code target} is {@code null}
     * @throws IllegalArgumentException if {@code percent} is outside 0 to 100
     * @throws ChangeRefusedException {@link ChangeRefusedException.Refusal#ALREADY_LIVE} if {@code target} is live,
     *         {@link ChangeRefusedException.Refusal#NO_CHANGE} if the share is already {@code percent},
     *         {@link ChangeRefusedException.Refusal#EMPTY_POOL} if its pool has no backends,
     *         {@link ChangeRefusedException.Refusal#GUARD_FAILED} if a guard failed, or
     *         {@link ChangeRefusedException.Refusal#STORE_REJECTED} from the store
     * @throws IllegalStateException if the {@link BlueGreen} is closed
     */
    public RoutingSnapshot shift(Colour target, int percent) {
        return shift(target, percent, ANY_GENERATION);
    }

    /**
     * As {@link #shift(Colour, int)}, refused unless the state is at {@code expectedGeneration}.
     *
     * @param target the idle colour
     * @param percent the share of new requests, 0 to 100
     * @param expectedGeneration the generation the caller decided on, or {@link BlueGreen#ANY_GENERATION}
     * @return the new snapshot, of kind {@link ChangeKind#SHIFT}
     * @throws NullPointerException if {@code target} is {@code null}
     * @throws IllegalArgumentException if {@code percent} or {@code expectedGeneration} is out of range
     * @throws ChangeRefusedException as {@link #shift(Colour, int)}, or
     *         {@link ChangeRefusedException.Refusal#STALE_GENERATION} if the state is at another generation
     * @throws IllegalStateException if the {@link BlueGreen} is closed
     */
    public RoutingSnapshot shift(Colour target, int percent, long expectedGeneration) {
        return apply(ChangeRequest.shift(target, percent).expectingGeneration(expectedGeneration));
    }

    /**
     * As {@link #shift(Colour, int, long)}, without blocking (see {@link #applyAsync}).
     *
     * @param target the idle colour
     * @param percent the share of new requests, 0 to 100
     * @param expectedGeneration the generation the caller decided on, or {@link BlueGreen#ANY_GENERATION}
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> shiftAsync(Colour target, int percent, long expectedGeneration) {
        return applyAsync(ChangeRequest.shift(target, percent).expectingGeneration(expectedGeneration));
    }

    /**
     * As {@link #shiftAsync(Colour, int, long)} at any generation.
     *
     * @param target the idle colour
     * @param percent the share of new requests, 0 to 100
     * @return the new snapshot, when applied
     */
    public CompletableFuture<RoutingSnapshot> shiftAsync(Colour target, int percent) {
        return shiftAsync(target, percent, ANY_GENERATION);
    }

    /**
     * Replaces the idle pool of {@code colour}; shorthand for {@code deploy(Deployment.of(colour, version,
     * backends))}.
     *
     * @param colour the pool to replace; must not be live
     * @param version the version label of the new pool
     * @param backends the new backends; may be empty to clear the pool
     * @return the new snapshot, of kind {@link ChangeKind#DEPLOY}
     * @throws NullPointerException if an argument or a backend is {@code null}
     * @throws IllegalArgumentException if the version or backends do not make a valid {@link Environment}
     * @throws ChangeRefusedException as {@link #deploy(Deployment)}
     * @throws IllegalStateException if the {@link BlueGreen} is closed
     */
    public RoutingSnapshot deploy(Colour colour, String version, List<Backend> backends) {
        return deploy(Deployment.of(colour, version, backends));
    }

    /**
     * Replaces one colour's pool; the live colour stays the same. Replacing the live pool requires a
     * {@link Deployment#forced() forced} deployment: new requests go to the new backends at once. Runs no guards.
     *
     * <p>Deploying to the colour a rollback would return to clears the rollback target: the version it would
     * return to is gone, and moving traffic onto the new version is a switch, not a rollback.
     *
     * @param deployment the pool to install
     * @return the new snapshot, of kind {@link ChangeKind#DEPLOY}
     * @throws NullPointerException if {@code deployment} is {@code null}
     * @throws ChangeRefusedException {@link ChangeRefusedException.Refusal#LIVE_POOL_NOT_FORCED} for the live
     *         colour unless forced, {@link ChangeRefusedException.Refusal#EMPTY_POOL} if it would leave the live
     *         pool with no backends, {@link ChangeRefusedException.Refusal#STALE_GENERATION} if the state is not at
     *         the deployment's expected generation, or {@link ChangeRefusedException.Refusal#STORE_REJECTED} from
     *         the store
     * @throws IllegalStateException if the {@link BlueGreen} is closed
     */
    public RoutingSnapshot deploy(Deployment deployment) {
        return apply(ChangeRequest.deploy(deployment));
    }
}
