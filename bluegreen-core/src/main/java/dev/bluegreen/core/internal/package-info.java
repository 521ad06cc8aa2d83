/**
 * Helpers behind the {@code dev.bluegreen.core} API: the generation-ordered publisher that stores use to
 * tell subscribers of applied snapshots, the pure state transitions of the admin verbs, and text helpers for
 * error messages.
 *
 * <p>Not a supported API: names and signatures here may change between releases. Store implementations in
 * other bluegreen modules may use {@link dev.bluegreen.core.internal.OrderedPublisher}.
 */
package dev.bluegreen.core.internal;
