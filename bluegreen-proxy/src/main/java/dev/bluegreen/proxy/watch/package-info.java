/**
 * Watching a colour after it goes live, and moving traffic to it in steps.
 *
 * <p>{@link dev.bluegreen.proxy.watch.AutoRollback} holds the rules ({@link dev.bluegreen.proxy.watch.WatchRule})
 * the proxy judges a newly live colour by during its bake window; a {@link dev.bluegreen.proxy.watch.Breach} of one
 * rolls back on its own. A {@link dev.bluegreen.proxy.watch.ShiftPlan} moves new requests to the idle colour in
 * steps judged by the same rules and ends in a {@link dev.bluegreen.proxy.watch.ShiftOutcome}. A
 * {@link dev.bluegreen.proxy.watch.WatchListener} hears each {@link dev.bluegreen.proxy.watch.WatchEvent}, with the
 * {@link dev.bluegreen.proxy.watch.WatchFigures} it was judged on.
 *
 * <p>These are values: they are given to {@link dev.bluegreen.proxy.BlueGreenProxyBuilder#autoRollback} and
 * {@link dev.bluegreen.proxy.BlueGreenProxy#startShift}, which run them.
 */
package dev.bluegreen.proxy.watch;
