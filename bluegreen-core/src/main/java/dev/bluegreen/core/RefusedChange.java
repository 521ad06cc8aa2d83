package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.internal.Texts;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * One change attempt that {@link BlueGreen} refused: who asked for what and why, when, the state it was refused
 * against, and which rule refused it. The refused attempt changed nothing; this record is its audit trail.
 * {@link BlueGreen#refusals()} keeps the last ones and {@link ChangeListener#onRefused} hears each.
 *
 * <p>Immutable and thread-safe.
 *
 * @param at when the attempt was refused, by the admin object's clock
 * @param actor who asked, as for {@link RoutingSnapshot#actor()}
 * @param reason why they asked: the caller's reason, or the {@code attempt} itself when none was given (there is
 *        no generated description of a change that did not happen); validated as {@link RoutingSnapshot#reason()}
 * @param attempt what was asked, in words: {@code "switch to GREEN"}, {@code "promote"}, {@code "rollback"},
 *        {@code "shift 20% to GREEN"} or {@code "deploy to GREEN"} ({@link ChangeRequest#attempt()})
 * @param refusal the rule that refused it, as {@link ChangeRefusedException#refusal()}
 * @param message why it was refused, as the {@link ChangeRefusedException}'s message
 * @param generation the generation of the state the attempt was refused against
 * @param live the live colour of that state
 */
public record RefusedChange(Instant at, String actor, String reason, String attempt,
                            ChangeRefusedException.Refusal refusal, String message, long generation, Colour live) {

    /**
     * Validates the components.
     *
     * @param at when the attempt was refused
     * @param actor who asked
     * @param reason why they asked
     * @param attempt what was asked
     * @param refusal the rule that refused it
     * @param message why it was refused
     * @param generation the generation it was refused against
     * @param live the live colour at that generation
     * @throws NullPointerException if a component is {@code null}
     * @throws IllegalArgumentException if the generation is negative, or the actor or reason is blank, too long or
     *         holds a control character
     */
    public RefusedChange {
        requireNonNull(at, "at");
        Texts.requireShortText("actor", actor, RoutingSnapshot.MAX_ACTOR_LENGTH);
        Texts.requireShortText("reason", reason, RoutingSnapshot.MAX_REASON_LENGTH);
        requireNonNull(attempt, "attempt");
        requireNonNull(refusal, "refusal");
        requireNonNull(message, "message");
        requireNonNull(live, "live");
        if (generation < 0) {
            throw new IllegalArgumentException("generation: " + generation + " (expected: >= 0)");
        }
    }

    /**
     * The kind of change that was attempted, read from {@link #attempt()}, whose first word names it.
     *
     * @return the kind, such as {@link ChangeKind#SWITCH}; empty for an attempt in words of another form (one
     *         recorded by hand in a store, say)
     */
    public Optional<ChangeKind> kind() {
        int space = attempt.indexOf(' ');
        String verb = (space < 0 ? attempt : attempt.substring(0, space)).toUpperCase(Locale.ROOT);
        for (ChangeKind kind : ChangeKind.values()) {
            if (kind != ChangeKind.INITIAL && kind.name().equals(verb)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }
}
