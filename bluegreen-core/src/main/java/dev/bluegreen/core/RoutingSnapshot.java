package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.time.Instant;
import java.util.Optional;

/**
 * The whole routing state at one generation: which colour is live, both pools, the colour a rollback would
 * return to, and what last changed it, when, why and at whose request.
 *
 * <p>Every change makes a new snapshot with the next generation; a snapshot is never modified. The proxy reads
 * one snapshot per request and routes by it, so a request always sees one consistent state.
 *
 * <p>Immutable and thread-safe.
 *
 * @param generation grows by one at every change, starting at 0
 * @param live the colour that receives traffic
 * @param blue the {@link Colour#BLUE} pool
 * @param green the {@link Colour#GREEN} pool
 * @param rollbackTarget the colour {@link BlueGreen#rollback()} would make live, or {@code null} if there is none;
 *        never the live colour
 * @param lastChange the kind of change that made this snapshot
 * @param changedAt when that change was made, by the admin object's clock
 * @param reason why that change was made: the reason its caller gave (see {@link BlueGreen#as(String, String)}),
 *        or, when none was given, a generated description such as {@code "switch BLUE -> GREEN"}; not blank, at
 *        most {@value #MAX_REASON_LENGTH} characters, no control characters
 * @param actor who asked for that change, as the caller named itself: {@value #SYSTEM_ACTOR} for the
 *        {@link #initial initial} snapshot, {@value BlueGreen#DEFAULT_ACTOR} for the plain verbs of
 *        {@link BlueGreen}; not blank, at most {@value #MAX_ACTOR_LENGTH} characters, no control characters
 * @param shiftPercent the share, 0 to 100, of new requests (or new sessions, when sessions are sticky) that the
 *        proxy sends to the {@link #idle()} colour while a {@link BlueGreen#shift gradual shift} is under way;
 *        0 otherwise
 * @param forced whether the change that made this snapshot skipped the {@link SwitchGuard guards}
 *        ({@link BlueGreen#forced()})
 */
public record RoutingSnapshot(long generation, Colour live, Environment blue, Environment green,
                              Colour rollbackTarget, ChangeKind lastChange, Instant changedAt, String reason,
                              String actor, int shiftPercent, boolean forced) {

    /** The {@link #reason()} of an {@link #initial initial} snapshot. */
    public static final String INITIAL_REASON = "initial";

    /** The {@link #actor()} of an {@link #initial initial} snapshot. */
    public static final String SYSTEM_ACTOR = "system";

    /** The most characters (code points: an emoji counts one) an {@link #actor()} may have. */
    public static final int MAX_ACTOR_LENGTH = 200;

    /** The most characters (code points: an emoji counts one) a {@link #reason()} may have. */
    public static final int MAX_REASON_LENGTH = 500;

    /**
     * Validates the components.
     *
     * @param generation the generation
     * @param live the live colour
     * @param blue the blue pool
     * @param green the green pool
     * @param rollbackTarget the rollback target, or {@code null}
     * @param lastChange the kind of change that made this snapshot
     * @param changedAt when it was made
     * @param reason why, in words
     * @param actor who asked for it
     * @param shiftPercent the share of new requests sent to the idle colour
     * @param forced whether the guards were skipped
     * @throws NullPointerException if a component other than {@code rollbackTarget} is {@code null}
     * @throws IllegalArgumentException if the generation is negative, a pool has the wrong colour, the rollback
     *         target is the live colour, the shift is outside 0 to 100, or the reason or actor is blank, too long
     *         or holds a control character (the message shows the value escaped)
     */
    public RoutingSnapshot {
        requireNonNull(live, "live");
        requireNonNull(blue, "blue");
        requireNonNull(green, "green");
        requireNonNull(lastChange, "lastChange");
        requireNonNull(changedAt, "changedAt");
        Texts.requireShortText("reason", reason, MAX_REASON_LENGTH);
        Texts.requireShortText("actor", actor, MAX_ACTOR_LENGTH);
        if (generation < 0) {
            throw new IllegalArgumentException("generation: " + generation + " (expected: >= 0)");
        }
        if (blue.colour() != Colour.BLUE) {
            throw new IllegalArgumentException("blue: an environment of " + blue.colour() + " (expected: BLUE)");
        }
        if (green.colour() != Colour.GREEN) {
            throw new IllegalArgumentException("green: an environment of " + green.colour() + " (expected: GREEN)");
        }
        if (rollbackTarget == live) {
            throw new IllegalArgumentException("rollbackTarget: " + rollbackTarget
                    + " (expected: the idle colour " + live.other() + " or null, not the live colour)");
        }
        if (shiftPercent < 0 || shiftPercent > 100) {
            throw new IllegalArgumentException("shiftPercent: " + shiftPercent + " (expected: 0-100)");
        }
    }

    /**
     * A snapshot with no shift under way, made by a change that ran its guards (or had none to run).
     *
     * @param generation the generation
     * @param live the live colour
     * @param blue the blue pool
     * @param green the green pool
     * @param rollbackTarget the rollback target, or {@code null}
     * @param lastChange the kind of change that made this snapshot
     * @param changedAt when it was made
     * @param reason why, in words
     * @param actor who asked for it
     * @throws NullPointerException as the canonical constructor
     * @throws IllegalArgumentException as the canonical constructor
     */
    public RoutingSnapshot(long generation, Colour live, Environment blue, Environment green,
                           Colour rollbackTarget, ChangeKind lastChange, Instant changedAt, String reason,
                           String actor) {
        this(generation, live, blue, green, rollbackTarget, lastChange, changedAt, reason, actor, 0, false);
    }

    /**
     * The first snapshot of a deployment: generation 0, no rollback target, kind {@link ChangeKind#INITIAL},
     * reason {@value #INITIAL_REASON}, actor {@value #SYSTEM_ACTOR}.
     *
     * @param live the colour that receives traffic
     * @param blue the blue pool
     * @param green the green pool
     * @param at when the state was created
     * @return the snapshot
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if a pool has the wrong colour
     */
    public static RoutingSnapshot initial(Colour live, Environment blue, Environment green, Instant at) {
        return new RoutingSnapshot(0, live, blue, green, null, ChangeKind.INITIAL, at, INITIAL_REASON,
                SYSTEM_ACTOR);
    }

    /**
     * The pool of the given colour.
     *
     * @param colour the colour
     * @return {@link #blue()} or {@link #green()}
     * @throws NullPointerException if {@code colour} is {@code null}
     */
    public Environment environment(Colour colour) {
        requireNonNull(colour, "colour");
        return colour == Colour.BLUE ? blue : green;
    }

    /**
     * The pool that receives traffic.
     *
     * @return the live pool
     */
    public Environment liveEnvironment() {
        return environment(live);
    }

    /**
     * The colour that does not receive traffic (except preview traffic the proxy may send to it).
     *
     * @return the other colour than {@link #live()}
     */
    public Colour idle() {
        return live.other();
    }

    /**
     * The pool of the {@link #idle()} colour.
     *
     * @return the idle pool
     */
    public Environment idleEnvironment() {
        return environment(idle());
    }

    /**
     * The colour that {@link BlueGreen#rollback()} would make live.
     *
     * @return the rollback target, or empty if a rollback would be refused
     */
    public Optional<Colour> rollbackColour() {
        return Optional.ofNullable(rollbackTarget);
    }

    /**
     * Whether a gradual shift is under way: some new requests go to the idle colour.
     *
     * @return {@code shiftPercent() > 0}
     */
    public boolean isShifting() {
        return shiftPercent > 0;
    }
}
