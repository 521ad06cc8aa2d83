/**
 * Helpers behind {@link dev.bluegreen.zookeeper.ZooKeeperRoutingStore}, one job each: opening
 * ({@link dev.bluegreen.zookeeper.internal.Bootstrap}), what an instance serves
 * ({@link dev.bluegreen.zookeeper.internal.ServedState}), the compare-and-set
 * ({@link dev.bluegreen.zookeeper.internal.SnapshotWriter}), following the znode
 * ({@link dev.bluegreen.zookeeper.internal.CacheFollower}), the connection
 * ({@link dev.bluegreen.zookeeper.internal.ConnectionWatch}), the instance's registration and the fleet view, and
 * the znode formats (strict JSON, written and read by hand).
 *
 * <p>Not a supported API: names and signatures here may change between releases.
 */
package dev.bluegreen.zookeeper.internal;
