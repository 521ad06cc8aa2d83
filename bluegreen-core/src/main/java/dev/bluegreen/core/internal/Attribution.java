package dev.bluegreen.core.internal;

import dev.bluegreen.core.RoutingSnapshot;

/**
 * Who asked for a change and, optionally, why: what {@code BlueGreen.as(actor, reason)} captures and every
 * snapshot or refusal it leads to records.
 *
 * <p>Immutable and thread-safe.
 *
 * @param actor who asked; validated as {@link RoutingSnapshot#actor()} is
 * @param reason why, or {@code null} when the caller gave none (a blank reason is normalized to {@code null}),
 *        in which case the generated description of the change stands in
 */
public record Attribution(String actor, String reason) {

    /**
     * Validates the actor and normalizes the reason.
     *
     * @param actor who asked
     * @param reason why, or {@code null}/blank for none
     * @throws NullPointerException if {@code actor} is {@code null}
     * @throws IllegalArgumentException if the actor is blank, longer than {@value RoutingSnapshot#MAX_ACTOR_LENGTH}
     *         characters or holds a control character, or the reason is longer than
     *         {@value RoutingSnapshot#MAX_REASON_LENGTH} characters or holds a control character
     */
    public Attribution {
        Texts.requireShortText("actor", actor, RoutingSnapshot.MAX_ACTOR_LENGTH);
        // Blank means "none given", but a blank of tabs or newlines is bad input, not an absent reason.
        if (reason != null && reason.isBlank() && !Texts.hasControlChar(reason)) {
            reason = null;
        }
        if (reason != null) {
            Texts.requireShortText("reason", reason, RoutingSnapshot.MAX_REASON_LENGTH);
        }
    }

    /**
     * The caller's reason if one was given, else {@code generated}.
     *
     * @param generated the description of the change made up by the transition, such as
     *        {@code "switch BLUE -> GREEN"}
     * @return the reason to record
     */
    public String reasonOr(String generated) {
        return reason != null ? reason : generated;
    }
}
