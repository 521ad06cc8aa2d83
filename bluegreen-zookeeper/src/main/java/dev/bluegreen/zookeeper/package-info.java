/**
 * A ZooKeeper-backed {@link dev.bluegreen.core.RoutingStore}, so that a fleet of instances shares one live colour:
 * {@link dev.bluegreen.zookeeper.ZooKeeperRoutingStore}, and its optional Micrometer meters,
 * {@link dev.bluegreen.zookeeper.ZooKeeperStoreMetrics}.
 */
package dev.bluegreen.zookeeper;
