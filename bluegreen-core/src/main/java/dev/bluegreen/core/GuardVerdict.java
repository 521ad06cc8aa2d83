package dev.bluegreen.core;

import static java.util.Objects.requireNonNull;

/**
 * The answer of a {@link SwitchGuard}.
 *
 * @param passed whether the change may go ahead
 * @param reason why it failed, or a note on why it passed (may be empty); shown in refusals and logs
 */
public record GuardVerdict(boolean passed, String reason) {

    private static final GuardVerdict PASS = new GuardVerdict(true, "");

    /**
     * Validates the components.
     *
     * @param passed whether the change may go ahead
     * @param reason why, in words
     * @throws NullPointerException if {@code reason} is {@code null}
     * @throws IllegalArgumentException if a failing verdict gives a blank reason
     */
    public GuardVerdict {
        requireNonNull(reason, "reason");
        if (!passed && reason.isBlank()) {
            throw new IllegalArgumentException("reason: blank (expected: why the guard failed)");
        }
    }

    /**
     * The change may go ahead.
     *
     * @return a passing verdict with no note
     */
    public static GuardVerdict pass() {
        return PASS;
    }

    /**
     * The change may go ahead.
     *
     * @param note what was checked, for the log
     * @return a passing verdict
     */
    public static GuardVerdict pass(String note) {
        return new GuardVerdict(true, note);
    }

    /**
     * The change must not go ahead.
     *
     * @param reason why, such as {@code "GREEN has 0 healthy backends of 2 (need 1)"}
     * @return a failing verdict
     * @throws IllegalArgumentException if {@code reason} is blank
     */
    public static GuardVerdict fail(String reason) {
        return new GuardVerdict(false, reason);
    }
}
