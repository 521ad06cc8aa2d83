package dev.bluegreen.core.internal;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.ChangeKind;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.ChangeRefusedException.Refusal;
import dev.bluegreen.core.ChangeRequest;
import dev.bluegreen.core.Colour;
import dev.bluegreen.core.Deployment;
import dev.bluegreen.core.Environment;
import dev.bluegreen.core.RoutingSnapshot;
import java.time.Instant;

/**
 * The admin verbs as pure functions from the current snapshot to the next one.
 *
 * <p>They have no side effects because the caller may run them several times: a compare-and-set that loses a
 * race is retried with a fresh snapshot. A refusal is a {@link ChangeRefusedException} and nothing else happens.
 *
 * <p>Each records in the new snapshot who asked for the change and why ({@link Attribution}); when the caller gave
 * no reason, a generated description of the change, such as {@code "switch BLUE -> GREEN"}, is the reason.
 *
 * <p>Stateless; safe to use from any thread.
 */
public final class Transitions {

    private Transitions() {
    }

    /**
     * The snapshot that {@code request} makes of {@code current}.
     *
     * @param request the request
     * @param current the snapshot to change
     * @param target for a switch, promotion or shift, the colour traffic moves towards (for a promotion, the idle
     *        colour the guards judged); ignored for the other kinds
     * @param at when the change is made
     * @return the next snapshot
     * @throws ChangeRefusedException as the transition of the request's kind
     */
    public static RoutingSnapshot next(ChangeRequest request, RoutingSnapshot current, Colour target, Instant at) {
        Attribution by = new Attribution(request.actor(), request.reason().orElse(null));
        return switch (request.kind()) {
            case SWITCH, PROMOTE -> switchTo(current, target, request.kind(), at, by, request.skipsGuards());
            case SHIFT -> shift(current, target, request.percent(), at, by, request.skipsGuards());
            case ROLLBACK -> rollback(current, at, by);
            case DEPLOY -> deploy(current, request.deployment().orElseThrow(), at, by);
            case INITIAL -> throw new IllegalArgumentException("request: " + request + " (expected: a change)");
        };
    }

    /**
     * Makes {@code target} live; the old live colour becomes the rollback target.
     *
     * @param current the snapshot to change
     * @param target the colour to make live
     * @param kind {@link ChangeKind#SWITCH} or {@link ChangeKind#PROMOTE}, for the record and the reason
     * @param at when the change is made
     * @param by who asked for the change, and why
     * @param forced whether the guards were skipped
     * @return the next snapshot, with no shift under way (a switch completes a shift)
     * @throws ChangeRefusedException {@link Refusal#ALREADY_LIVE} if {@code target} is live,
     *         {@link Refusal#EMPTY_POOL} if its pool has no backends
     */
    public static RoutingSnapshot switchTo(RoutingSnapshot current, Colour target, ChangeKind kind, Instant at,
                                           Attribution by, boolean forced) {
        requireNonNull(target, "target");
        String verb = kind == ChangeKind.PROMOTE ? "promote" : "switch";
        String attempt = verb + " to " + target;
        if (current.live() == target) {
            throw new ChangeRefusedException(Refusal.ALREADY_LIVE,
                    attempt + " refused: " + target + " is already live");
        }
        refuseIfEmpty(current.environment(target), attempt);
        return new RoutingSnapshot(current.generation() + 1, target, current.blue(), current.green(),
                current.live(), kind, at,
                by.reasonOr(verb + " " + current.live() + " -> " + target + forcedNote(forced)), by.actor(), 0, forced);
    }

    /**
     * Sends {@code percent} of new requests to {@code target}, the idle colour; the live colour stays.
     *
     * @param current the snapshot to change
     * @param target the idle colour
     * @param percent 0 to 100
     * @param at when the change is made
     * @param by who asked for the change, and why
     * @param forced whether the guards were skipped
     * @return the next snapshot, of kind {@link ChangeKind#SHIFT}
     * @throws IllegalArgumentException if {@code percent} is outside 0 to 100
     * @throws ChangeRefusedException {@link Refusal#ALREADY_LIVE} if {@code target} is live,
     *         {@link Refusal#NO_CHANGE} if the share is already {@code percent},
     *         {@link Refusal#EMPTY_POOL} if {@code percent > 0} and its pool has no backends
     */
    public static RoutingSnapshot shift(RoutingSnapshot current, Colour target, int percent, Instant at,
                                        Attribution by, boolean forced) {
        requireNonNull(target, "target");
        requirePercent(percent);
        String attempt = "shift " + percent + "% to " + target;
        if (current.live() == target) {
            throw new ChangeRefusedException(Refusal.ALREADY_LIVE, attempt + " refused: " + target
                    + " is live (a shift sends a share of new requests to the idle colour)");
        }
        if (current.shiftPercent() == percent) {
            throw new ChangeRefusedException(Refusal.NO_CHANGE, attempt + " refused: " + target + " already has "
                    + percent + "% of new requests");
        }
        if (percent > 0) {
            refuseIfEmpty(current.environment(target), attempt);
        }
        return new RoutingSnapshot(current.generation() + 1, current.live(), current.blue(), current.green(),
                current.rollbackTarget(), ChangeKind.SHIFT, at,
                by.reasonOr("shift " + current.shiftPercent() + "% -> " + percent + "% to " + target
                        + forcedNote(forced)), by.actor(), percent, forced);
    }

    /**
     * Checks a shift's share.
     *
     * @param percent the share of new requests
     * @throws IllegalArgumentException if it is outside 0 to 100
     */
    public static void requirePercent(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("percent: " + percent + " (expected: 0-100)");
        }
    }

    private static String forcedNote(boolean forced) {
        return forced ? " (forced: guards skipped)" : "";
    }

    /**
     * Makes the rollback target live again. The result has no rollback target: a rollback is not itself rolled
     * back, so two rollbacks in a row don't flip traffic back and forth; a switch or promotion does that. While a
     * shift is under way, a rollback ends it instead: its share goes back to 0 % and the live colour stays.
     *
     * @param current the snapshot to change
     * @param at when the change is made
     * @param by who asked for the change, and why
     * @return the next snapshot
     * @throws ChangeRefusedException {@link Refusal#NO_ROLLBACK_TARGET} if there is nothing to roll back to,
     *         {@link Refusal#EMPTY_POOL} if the target's pool has no backends
     */
    public static RoutingSnapshot rollback(RoutingSnapshot current, Instant at, Attribution by) {
        if (current.isShifting()) {
            // Rolling back a shift under way takes its share back to 0 %; the live colour never moved.
            return new RoutingSnapshot(current.generation() + 1, current.live(), current.blue(), current.green(),
                    current.rollbackTarget(), ChangeKind.ROLLBACK, at,
                    by.reasonOr("rollback shift " + current.shiftPercent() + "% -> 0% to " + current.idle()),
                    by.actor(), 0, false);
        }
        Colour target = current.rollbackTarget();
        if (target == null) {
            throw new ChangeRefusedException(Refusal.NO_ROLLBACK_TARGET, "rollback refused: there is no previous"
                    + " live colour to return to (none since the start, the last rollback, or the last deployment"
                    + " to the idle pool)");
        }
        refuseIfEmpty(current.environment(target), "rollback to " + target);
        return new RoutingSnapshot(current.generation() + 1, target, current.blue(), current.green(), null,
                ChangeKind.ROLLBACK, at, by.reasonOr("rollback " + current.live() + " -> " + target), by.actor());
    }

    /**
     * Replaces one colour's pool; the live colour stays. Deploying to the rollback target clears it: the version
     * a rollback would return to is gone, and rolling back onto the new one would be a switch, not a rollback.
     *
     * @param current the snapshot to change
     * @param deployment the pool to install
     * @param at when the change is made
     * @param by who asked for the change, and why
     * @return the next snapshot
     * @throws ChangeRefusedException {@link Refusal#LIVE_POOL_NOT_FORCED} if the deployment targets the live
     *         colour without being forced, {@link Refusal#EMPTY_POOL} if it would leave the live pool empty
     */
    public static RoutingSnapshot deploy(RoutingSnapshot current, Deployment deployment, Instant at,
                                         Attribution by) {
        Colour colour = deployment.colour();
        String attempt = "deploy to " + colour;
        boolean live = colour == current.live();
        if (live && !deployment.forceLive()) {
            throw new ChangeRefusedException(Refusal.LIVE_POOL_NOT_FORCED, attempt + " refused: " + colour
                    + " is live (force the deployment to replace the live pool, or deploy to " + colour.other()
                    + " and switch)");
        }
        if (live && deployment.backends().isEmpty()) {
            throw new ChangeRefusedException(Refusal.EMPTY_POOL,
                    attempt + " refused: it would leave the live " + colour + " pool with no backends");
        }
        Environment environment = deployment.environment();
        Environment blue = colour == Colour.BLUE ? environment : current.blue();
        Environment green = colour == Colour.GREEN ? environment : current.green();
        Colour rollbackTarget = current.rollbackTarget() == colour ? null : current.rollbackTarget();
        // The version label has no length limit of its own, so the sentence is cut to fit a snapshot's reason.
        String generated = Texts.abbreviate("deploy " + colour + " " + deployment.version() + " ("
                + Texts.count(deployment.backends().size(), "backend") + (live ? ", live pool" : "") + ")",
                RoutingSnapshot.MAX_REASON_LENGTH);
        // A new idle pool has not earned the share a shift gave the old one: the shift starts again from 0 %.
        int shiftPercent = live ? current.shiftPercent() : 0;
        return new RoutingSnapshot(current.generation() + 1, current.live(), blue, green, rollbackTarget,
                ChangeKind.DEPLOY, at, by.reasonOr(generated), by.actor(), shiftPercent, false);
    }

    private static void refuseIfEmpty(Environment environment, String attempt) {
        if (environment.isEmpty()) {
            throw new ChangeRefusedException(Refusal.EMPTY_POOL, attempt + " refused: the " + environment.colour()
                    + " pool has no backends");
        }
    }
}
