/**
 * The switch drill: proves that an application survives switches between two of its versions.
 *
 * <p>{@link dev.bluegreen.drill.SwitchDrill#builder} takes the two versions' addresses and the requests to send
 * ({@link dev.bluegreen.drill.DrillRequest}); {@link dev.bluegreen.drill.SwitchDrill#run} puts a proxy in front of
 * them, sends the requests on keep-alive connections while switching back and forth, and returns a
 * {@link dev.bluegreen.drill.DrillReport}: counts by colour, {@link dev.bluegreen.drill.FailureGroup}s with examples,
 * the {@link dev.bluegreen.drill.Latency}, and {@link dev.bluegreen.drill.DrillReport#assertNoFailures()} for a test.
 */
package dev.bluegreen.drill;
