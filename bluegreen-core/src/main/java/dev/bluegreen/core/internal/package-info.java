/**
 * Helpers behind the {@code dev.bluegreen.core} API: the {@link dev.bluegreen.core.internal.ChangeApplier} that
 * applies a change request (generation check, guards, compare-and-set), the
 * {@link dev.bluegreen.core.internal.AuditLog} of applied and refused changes, the pure state transitions of the
 * admin verbs, the generation-ordered publisher that stores use to tell subscribers of applied snapshots, and text,
 * JSON, SHA-256 and daemon-thread helpers, which the proxy uses too.
 *
 * <p>Not a supported API: names and signatures here may change between releases. Store implementations in
 * other bluegreen modules may use {@link dev.bluegreen.core.internal.OrderedPublisher}.
 */
package dev.bluegreen.core.internal;
