/**
 * Helpers behind {@link dev.bluegreen.zookeeper.ZooKeeperRoutingStore}: the znode formats (strict JSON, written
 * and read by hand), the fleet view and the Curator plumbing.
 *
 * <p>Not a supported API: names and signatures here may change between releases.
 */
package dev.bluegreen.zookeeper.internal;
