package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * Thrown by an admin verb of {@link BlueGreen} that refused to change the routing state; a refused change
 * changes nothing. {@link #refusal()} says which rule refused it, the message says why in words. Before throwing
 * it, {@link BlueGreen} records the attempt as a {@link RefusedChange} in {@link BlueGreen#refusals()} and tells
 * its listeners.
 */
public final class ChangeRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The rule that refused a change. */
    public enum Refusal {
        /** The caller expected a generation that is no longer (or not yet) the current one. */
        STALE_GENERATION,
        /** A switch to the colour that is already live. */
        ALREADY_LIVE,
        /**
         * A change that would leave the routing state as it is: a shift to the share already in effect. Refused
         * rather than recorded, so that it neither fills the history nor makes other callers' generations stale.
         */
        NO_CHANGE,
        /** The change would send traffic to, or leave traffic on, a pool with no backends. */
        EMPTY_POOL,
        /** A rollback with nothing to roll back to. */
        NO_ROLLBACK_TARGET,
        /** A deployment to the live colour that was not {@link Deployment#forced() forced}. */
        LIVE_POOL_NOT_FORCED,
        /** The {@link RoutingStore} could not apply the change, for example because it is unavailable or closed. */
        STORE_REJECTED,
        /** A {@link SwitchGuard} failed, threw, or did not answer in time; {@link #guard()} names it. */
        GUARD_FAILED
    }

    /** The rule that refused the change. */
    private final Refusal refusal;
    /** The name of the guard that refused it, for {@link Refusal#GUARD_FAILED}. */
    private final String guard;

    /**
     * A refusal.
     *
     * @param refusal the rule that refused the change
     * @param message why, in words, such as {@code "switch to GREEN refused: the GREEN pool has no backends"}
     * @throws NullPointerException if {@code refusal} is {@code null}
     */
    public ChangeRefusedException(Refusal refusal, String message) {
        super(message);
        this.refusal = requireNonNull(refusal, "refusal");
        this.guard = null;
    }

    private ChangeRefusedException(String guard, String message) {
        super(message);
        this.refusal = Refusal.GUARD_FAILED;
        this.guard = requireNonNull(guard, "guard");
    }

    /**
     * A refusal by a {@link SwitchGuard}: {@link Refusal#GUARD_FAILED}.
     *
     * @param guard the guard's {@link SwitchGuard#name() name}
     * @param message why, in words, naming the guard and its reason
     * @return the exception
     * @throws NullPointerException if {@code guard} is {@code null}
     */
    public static ChangeRefusedException byGuard(String guard, String message) {
        return new ChangeRefusedException(guard, message);
    }

    /**
     * A refusal caused by another exception, typically a store failure ({@link Refusal#STORE_REJECTED}).
     *
     * @param refusal the rule that refused the change
     * @param message why, in words
     * @param cause the underlying failure
     * @throws NullPointerException if {@code refusal} is {@code null}
     */
    public ChangeRefusedException(Refusal refusal, String message, Throwable cause) {
        super(message, cause);
        this.refusal = requireNonNull(refusal, "refusal");
        this.guard = null;
    }

    /**
     * The rule that refused the change.
     *
     * @return the refusal, never {@code null}
     */
    public Refusal refusal() {
        return refusal;
    }

    /**
     * The guard that refused the change.
     *
     * @return its name, for {@link Refusal#GUARD_FAILED}; empty for the other refusals
     */
    public Optional<String> guard() {
        return Optional.ofNullable(guard);
    }
}
