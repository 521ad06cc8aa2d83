package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.time.Instant;
import java.util.Optional;

/**
 * One applied change: the snapshot before it and the snapshot it produced. Listeners receive these, and
 * {@link BlueGreen#history()} keeps the last ones.
 *
 * <p>{@code previous} is the last snapshot the admin object saw before {@code current}. With the in-memory store
 * its generation is always {@code current.generation() - 1}; a distributed store may skip generations that
 * other nodes applied in quick succession, so the gap can be larger.
 *
 * <p>Immutable and thread-safe.
 *
 * @param previous the snapshot before the change
 * @param current the snapshot the change produced
 * @param instance the id of the fleet instance through which the change was made, when the store records it (the
 *        ZooKeeper store's fleet-wide history does), or {@code null}
 */
public record Change(RoutingSnapshot previous, RoutingSnapshot current, String instance) {

    /**
     * Validates the pair.
     *
     * @param previous the snapshot before the change
     * @param current the snapshot the change produced
     * @param instance the instance that made it, or {@code null} if not known
     * @throws NullPointerException if a snapshot is {@code null}
     * @throws IllegalArgumentException if {@code current} is not newer than {@code previous}, or {@code instance} is
     *         blank or holds a control character
     */
    public Change {
        requireNonNull(previous, "previous");
        requireNonNull(current, "current");
        if (current.generation() <= previous.generation()) {
            throw new IllegalArgumentException("current.generation: " + current.generation()
                    + " (expected: > previous.generation " + previous.generation() + ")");
        }
        if (instance != null) {
            Texts.requireShortText("instance", instance, RoutingSnapshot.MAX_ACTOR_LENGTH);
        }
    }

    /**
     * A change whose instance is not known: what a store that serves one process records.
     *
     * @param previous the snapshot before the change
     * @param current the snapshot the change produced
     * @throws NullPointerException if a snapshot is {@code null}
     * @throws IllegalArgumentException if {@code current} is not newer than {@code previous}
     */
    public Change(RoutingSnapshot previous, RoutingSnapshot current) {
        this(previous, current, null);
    }

    /**
     * The fleet instance through which the change was made.
     *
     * @return its id, or empty when the store does not record it
     */
    public Optional<String> madeBy() {
        return Optional.ofNullable(instance);
    }

    /**
     * The generation the change produced.
     *
     * @return {@code current().generation()}
     */
    public long generation() {
        return current.generation();
    }

    /**
     * What kind of change it was.
     *
     * @return {@code current().lastChange()}
     */
    public ChangeKind kind() {
        return current.lastChange();
    }

    /**
     * The live colour before the change.
     *
     * @return {@code previous().live()}
     */
    public Colour from() {
        return previous.live();
    }

    /**
     * The live colour after the change; the same as {@link #from()} for a deployment.
     *
     * @return {@code current().live()}
     */
    public Colour to() {
        return current.live();
    }

    /**
     * When the change was made.
     *
     * @return {@code current().changedAt()}
     */
    public Instant at() {
        return current.changedAt();
    }

    /**
     * Why the change was made: the reason its caller gave, or the generated description of the change, such as
     * {@code "rollback GREEN -> BLUE"}, when none was given.
     *
     * @return {@code current().reason()}
     */
    public String reason() {
        return current.reason();
    }

    /**
     * Whether the change skipped the {@link SwitchGuard guards} (made through {@link BlueGreen#forced()}), which a
     * reason the caller gave need not say.
     *
     * @return {@code current().forced()}
     */
    public boolean forced() {
        return current.forced();
    }

    /**
     * Who asked for the change.
     *
     * @return {@code current().actor()}
     */
    public String actor() {
        return current.actor();
    }

    /**
     * Whether traffic moved to the other colour: true for a switch, promotion or rollback, false for a
     * deployment.
     *
     * @return {@code from() != to()}
     */
    public boolean liveColourChanged() {
        return from() != to();
    }
}
