/**
 * The blue-green model and the switch.
 *
 * <p>{@link dev.bluegreen.core.BlueGreen} is the admin object: built once per application, it holds the routing
 * state, an immutable {@link dev.bluegreen.core.RoutingSnapshot} of which {@link dev.bluegreen.core.Colour} is
 * live and what each colour's {@link dev.bluegreen.core.Environment} holds, and changes it with
 * {@code switchTo}, {@code promote}, {@code rollback} and {@code deploy}. Every change is one compare-and-set
 * on a {@link dev.bluegreen.core.RoutingStore}, gets the next generation number, and is told to every
 * {@link dev.bluegreen.core.ChangeListener} in generation order. A refused change throws
 * {@link dev.bluegreen.core.ChangeRefusedException} and changes nothing. Every attempt is audited: a snapshot
 * records who asked for it and why ({@code BlueGreen.as(actor, reason)}), and a refused attempt is kept as a
 * {@link dev.bluegreen.core.RefusedChange}. Every verb is a shorthand for one {@link dev.bluegreen.core.ChangeRequest}.
 *
 * <p>The state lives in the process by default ({@link dev.bluegreen.core.InMemoryRoutingStore}); a
 * {@link dev.bluegreen.core.FileRoutingStore} keeps it, its history and refusals in one file across restarts.
 *
 * <p>Values are records, validated when made; null arguments throw {@link java.lang.NullPointerException} naming
 * the parameter, and bad values {@link java.lang.IllegalArgumentException} naming the value and what was
 * expected.
 */
package dev.bluegreen.core;
