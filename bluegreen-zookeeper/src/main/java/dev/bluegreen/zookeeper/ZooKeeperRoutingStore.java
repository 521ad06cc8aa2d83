package dev.bluegreen.zookeeper;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.ChangeRefusedException.Refusal;
import dev.bluegreen.core.Fleet;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.core.RoutingStore;
import dev.bluegreen.core.RoutingStoreFactory;
import dev.bluegreen.core.internal.OrderedPublisher;
import dev.bluegreen.zookeeper.internal.Background;
import dev.bluegreen.zookeeper.internal.FleetTracker;
import dev.bluegreen.zookeeper.internal.InstanceReport;
import dev.bluegreen.zookeeper.internal.Registration;
import dev.bluegreen.zookeeper.internal.SnapshotCodec;
import dev.bluegreen.zookeeper.internal.StoredNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.curator.utils.PathUtils;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.KeeperException.Code;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RoutingStore} in ZooKeeper, through Apache Curator, so that a fleet of instances (each with its own
 * {@link dev.bluegreen.core.BlueGreen} and proxy) shares one live colour and one generation sequence.
 *
 * <pre>{@code
 * CuratorFramework client = CuratorFrameworkFactory.newClient("zk1:2181,zk2:2181,zk3:2181",
 *         new ExponentialBackoffRetry(500, 3));
 * client.start();
 * ZooKeeperRoutingStore.Factory store = ZooKeeperRoutingStore.factory(client, "/bluegreen/shop", "web-1");
 * BlueGreen admin = BlueGreen.builder().blue("v1", blue).green("v2", green).store(store).build();
 * // a switch made through any instance reaches them all:
 * RoutingSnapshot next = admin.switchTo(Colour.GREEN);
 * admin.fleet().orElseThrow().awaitGeneration(next.generation(), Duration.ofSeconds(10)).join();
 * }</pre>
 *
 * <p><b>Layout.</b> The whole {@link RoutingSnapshot} is one znode at {@link #path()}, as strict JSON (see
 * {@code README-fleet.md} for the format). Each instance registers an ephemeral znode
 * {@code path/instances/<instanceId>} holding the generation it serves.
 *
 * <p><b>Changes.</b> {@link #compareAndSet} writes the new snapshot with {@code setData().withVersion(v)}, where
 * {@code v} is the znode version of the snapshot the change was computed from: of two instances changing the
 * state at once, ZooKeeper lets exactly one write, and the other is told the state moved on and recomputes (or
 * is refused with {@code STALE_GENERATION} if its caller named a generation). Generations therefore form one
 * sequence across the fleet. The writer applies its own change at once; the others learn of it from their watch.
 *
 * <p><b>Following.</b> Every instance watches the znode (a {@link CuratorCache}) and applies each snapshot newer
 * than the one it serves, never an older one; generations that were replaced before an instance read them are
 * skipped. Subscribers hear applied snapshots in generation order, one at a time. After applying, the instance
 * writes the generation to its registration, which the {@link #fleet() fleet view} of every instance shows.
 *
 * <p><b>Faults.</b> When the connection to ZooKeeper is suspended or lost, the instance keeps serving the last
 * snapshot it applied, refuses changes at once with {@link Refusal#STORE_REJECTED} ("ZooKeeper unreachable"),
 * reports itself {@linkplain #isConnected() disconnected} and logs a WARN. On reconnection it re-reads the znode
 * and applies it if newer, and re-creates its registration if the session expired. A write whose outcome is
 * unknown (the connection dropped before ZooKeeper answered, or it did not answer within the
 * {@linkplain Builder#operationTimeout operation timeout}) is refused too, with a message saying it may still have
 * been applied; the watch then shows which.
 *
 * <p><b>Threading.</b> {@link #current()} is one volatile read and never blocks. {@link #compareAndSet} blocks its
 * caller for one ZooKeeper round trip (two when it lost a race), at most about the operation timeout: call it
 * from an admin thread, never from an event loop. Snapshots written by other instances are applied and told to
 * subscribers on this store's own thread ({@code bluegreen-zk-<instanceId>}); this instance's own changes on the
 * writer's thread. The store never closes the {@link CuratorFramework}: its owner does, after closing the store.
 */
public final class ZooKeeperRoutingStore implements RoutingStore {

    /** The name of the child znode under which instances register. */
    public static final String INSTANCES = "instances";

    /** The default {@link Builder#operationTimeout(Duration)}. */
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(5);

    /** The default {@link Builder#departedRetention(Duration)}. */
    public static final Duration DEFAULT_DEPARTED_RETENTION = Duration.ofMinutes(10);

    /** The longest instance id. */
    public static final int MAX_INSTANCE_ID_LENGTH = 200;

    private static final Logger log = LoggerFactory.getLogger(ZooKeeperRoutingStore.class);

    private final CuratorFramework client;
    private final String path;
    private final String instancesPath;
    private final String instanceId;
    private final Duration operationTimeout;
    private final Clock clock;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicReference<RoutingSnapshot> applied;
    private final OrderedPublisher<RoutingSnapshot> publisher;
    private final AtomicReference<StoredNode> stored;
    /** {@code null} until the store has looked at the connection once after registering its listener. */
    private final AtomicReference<ConnectionState> connection = new AtomicReference<>();
    private final AtomicLong disconnections = new AtomicLong();
    private final AtomicBoolean reportPending = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final FleetTracker fleet;
    private final ConnectionStateListener connectionListener = (ignored, state) -> onConnectionState(state);
    private final CuratorCache cache;
    private volatile Instant disconnectedSince;
    private final Registration registration;

    private ZooKeeperRoutingStore(Factory settings, StoredNode adopted) {
        this.client = settings.client;
        this.path = settings.path;
        this.instancesPath = ZKPaths.makePath(path, INSTANCES);
        this.instanceId = settings.instanceId;
        this.operationTimeout = settings.operationTimeout;
        this.clock = settings.clock;
        this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "bluegreen-zk-" + settings.instanceId);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.applied = new AtomicReference<>(adopted.snapshot());
        this.publisher = OrderedPublisher.allowingGaps(RoutingSnapshot::generation, adopted.snapshot().generation());
        this.stored = new AtomicReference<>(adopted);
        this.fleet = new FleetTracker(instanceId, clock, executor, this::isConnected, settings.departedRetention);
        this.cache = CuratorCache.build(client, path);
        this.registration = new Registration(client, ZKPaths.makePath(instancesPath, instanceId), executor,
                InstanceReport.of(adopted.snapshot(), clock.instant()).encode());
    }

    /**
     * A builder of store factories for the znode at {@code path}.
     *
     * @param client a started Curator client; the caller keeps owning it (and closes it after the store)
     * @param path the routing znode, such as {@code /bluegreen/shop}; not the root
     * @return a new builder
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if {@code path} is not a valid ZooKeeper path below the root
     */
    public static Builder builder(CuratorFramework client, String path) {
        return new Builder(client, path);
    }

    /**
     * A store factory with the default options; the same as
     * {@code builder(client, path).instanceId(instanceId).build()}.
     *
     * @param client a started Curator client
     * @param path the routing znode
     * @param instanceId this instance's id, unique in the fleet
     * @return the factory, to pass to {@link dev.bluegreen.core.BlueGreen.Builder#store}
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if the path or the instance id is invalid
     */
    public static Factory factory(CuratorFramework client, String path, String instanceId) {
        return builder(client, path).instanceId(instanceId).build();
    }

    /**
     * {@inheritDoc}
     *
     * <p>One volatile read: the last snapshot this instance applied, whether or not ZooKeeper is reachable.
     */
    @Override
    public RoutingSnapshot current() {
        return applied.get();
    }

    /**
     * {@inheritDoc}
     *
     * <p>One versioned write to ZooKeeper, bounded by the operation timeout; on a lost race, one more read to learn
     * the state that won, which is applied before this returns {@code false}.
     *
     * @throws ChangeRefusedException with {@link Refusal#STORE_REJECTED} if the store is closed, ZooKeeper is
     *         unreachable (at once, without trying), the znode holds data this version can't read, or ZooKeeper did
     *         not confirm the write in time (the write may then still have been applied; the watch will tell)
     */
    @Override
    public boolean compareAndSet(RoutingSnapshot expected, RoutingSnapshot next) {
        RoutingStore.requireNextGeneration(expected, next);
        if (closed.get()) {
            throw refused("the routing store is closed");
        }
        ConnectionState state = connection.get();
        if (!writable(state)) {
            throw refused("ZooKeeper unreachable (connection " + state + (disconnectedSince != null
                    ? " since " + disconnectedSince : "") + "): this instance keeps serving generation "
                    + current().generation() + " and takes changes again once it reconnects");
        }
        if (current().generation() != expected.generation()) {
            return false;
        }
        StoredNode node = stored.get();
        if (node.snapshot() != null && node.snapshot().generation() > expected.generation()) {
            // Read but not yet applied (another thread is between the two): apply it; the caller recomputes.
            offer(node.snapshot());
            return false;
        }
        if (node.problem() != null) {
            throw refused("the routing znode " + path + " holds data this version can't read (" + node.problem()
                    + "): fix or delete it; this instance keeps serving generation " + current().generation());
        }
        byte[] data = SnapshotCodec.encode(next);
        CuratorEvent event = node.exists()
                ? await(Background.call(callback -> client.setData().withVersion(node.version())
                        .inBackground(callback).forPath(path, data)), "write generation " + next.generation())
                // Deleted: re-created with the change. A create is as exclusive as a versioned write.
                : await(Background.call(callback -> client.create().creatingParentsIfNeeded()
                        .withMode(CreateMode.PERSISTENT).inBackground(callback).forPath(path, data)),
                        "re-create the routing znode with generation " + next.generation());
        Code code = Code.get(event.getResultCode());
        if (code == Code.OK) {
            if (event.getStat() != null) {
                stored.accumulateAndGet(StoredNode.written(event.getStat(), next), StoredNode::newer);
            }
            // Without a stat (a create), the watch brings the version; until then a change here retries once.
            offer(next);
            return true;
        }
        if (code == Code.BADVERSION || code == Code.NODEEXISTS || code == Code.NONODE) {
            // Lost the race: learn what is stored now, so that the caller recomputes from it.
            refresh();
            /*
             * If the connection dropped while the write was in flight, Curator may have retried it after it had
             * in fact been applied, and the retry failed on the version it had itself moved on. The stored snapshot
             * is then ours. (Had another writer already replaced it, the caller would recompute from that state.)
             */
            return next.equals(stored.get().snapshot());
        }
        String failure = KeeperException.create(code, path).getMessage();
        if (code == Code.CONNECTIONLOSS || code == Code.SESSIONEXPIRED || code == Code.OPERATIONTIMEOUT) {
            throw refused("ZooKeeper unreachable while writing generation " + next.generation() + " (" + failure
                    + "): the change may still have been applied; this instance follows whatever was");
        }
        throw refused("ZooKeeper refused to write generation " + next.generation() + ": " + failure);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Deliveries come from this store's thread for changes made by other instances, and from the writer's
     * thread for this instance's own changes.
     */
    @Override
    public void subscribe(Consumer<RoutingSnapshot> subscriber) {
        publisher.subscribe(requireNonNull(subscriber, "subscriber"));
    }

    /**
     * The instances registered under this znode and the generation each serves.
     *
     * @return the fleet view, always present
     */
    @Override
    public Optional<Fleet> fleet() {
        return Optional.of(fleet);
    }

    /**
     * Whether this instance is connected to ZooKeeper and can make changes. When not, it serves the last
     * snapshot it applied and refuses changes.
     *
     * @return {@code true} if the Curator connection is {@code CONNECTED} or {@code RECONNECTED}
     */
    public boolean isConnected() {
        return writable(connection.get());
    }

    /**
     * The state of the Curator connection as this store last heard it.
     *
     * @return the connection state
     */
    public ConnectionState connectionState() {
        ConnectionState state = connection.get();
        return state != null ? state : ConnectionState.CONNECTED;
    }

    /**
     * Since when this instance has been disconnected, if it is.
     *
     * @return when the connection was suspended, or empty if it is connected
     */
    public Optional<Instant> disconnectedSince() {
        return Optional.ofNullable(disconnectedSince);
    }

    /**
     * How many times the connection went from connected to suspended or lost since the store opened.
     *
     * @return the count
     */
    public long disconnections() {
        return disconnections.get();
    }

    /**
     * The routing znode.
     *
     * @return its path, relative to the client's namespace if it has one
     */
    public String path() {
        return path;
    }

    /**
     * This instance's id in the fleet.
     *
     * @return the id
     */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Stops watching, fails pending {@link Fleet#awaitGeneration} waits, removes this instance's registration
     * (waiting at most the operation timeout for ZooKeeper) and refuses further changes. {@link #current()} keeps
     * returning the last snapshot. Does not close the Curator client. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        client.getConnectionStateListenable().removeListener(connectionListener);
        cache.close();
        fleet.close();
        publisher.clearSubscribers();
        registration.close(isConnected(), operationTimeout);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "ZooKeeperRoutingStore[" + path + " as " + instanceId + ", generation " + current().generation()
                + ", " + connectionState() + "]";
    }

    private static ZooKeeperRoutingStore open(Factory settings, RoutingSnapshot initialIfAbsent) {
        requireNonNull(initialIfAbsent, "initialIfAbsent");
        CuratorFramework client = settings.client;
        if (client.getState() != CuratorFrameworkState.STARTED) {
            throw new IllegalStateException("client: " + client.getState()
                    + " (expected: STARTED; start the CuratorFramework before building the BlueGreen)");
        }
        awaitConnected(settings);
        ZooKeeperRoutingStore store = new ZooKeeperRoutingStore(settings, createOrAdopt(settings, initialIfAbsent));
        try {
            store.start();
        } catch (RuntimeException | Error e) {
            store.close();
            throw e;
        }
        return store;
    }

    private static void awaitConnected(Factory settings) {
        try {
            if (!settings.client.blockUntilConnected((int) settings.operationTimeout.toMillis(),
                    TimeUnit.MILLISECONDS)) {
                throw refused("can't open the routing store " + settings.path + ": ZooKeeper unreachable at "
                        + settings.client.getZookeeperClient().getCurrentConnectionString() + " for "
                        + settings.operationTimeout.toMillis() + " ms");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused("can't open the routing store " + settings.path + ": interrupted while connecting");
        }
    }

    /**
     * Creates the routing znode with {@code initial}, or adopts the snapshot it holds; on the opening thread. An
     * empty znode (made by hand, say, to set its ACL) is written with {@code initial}. Each step is exclusive in
     * ZooKeeper (create, or a versioned write), so instances opening at once agree on one initial snapshot.
     */
    private static StoredNode createOrAdopt(Factory settings, RoutingSnapshot initial) {
        CuratorFramework client = settings.client;
        String path = settings.path;
        Duration timeout = settings.operationTimeout;
        byte[] data = SnapshotCodec.encode(initial);
        boolean wrote = false;
        for (int attempt = 0; attempt < 5; attempt++) {
            CuratorEvent read = await(Background.call(callback -> client.getData().inBackground(callback)
                    .forPath(path)), "read the routing znode " + path, timeout);
            Code code = Code.get(read.getResultCode());
            CuratorEvent written;
            if (code == Code.NONODE) {
                written = await(Background.call(callback -> client.create().creatingParentsIfNeeded()
                        .withMode(CreateMode.PERSISTENT).inBackground(callback).forPath(path, data)),
                        "create the routing znode " + path, timeout);
            } else if (code != Code.OK) {
                throw refused("can't open the routing store: reading " + path + " failed: "
                        + KeeperException.create(code, path).getMessage());
            } else {
                StoredNode node = StoredNode.read(read.getStat(), read.getData());
                if (node.problem() != null) {
                    throw refused("can't open the routing store: the znode " + path
                            + " holds data this version can't read (" + node.problem() + "); fix or delete it");
                }
                if (node.snapshot() != null) {
                    RoutingSnapshot snapshot = node.snapshot();
                    log.info("{} the routing znode {} at generation {}: {} live ({}), last changed by {}: {}",
                            wrote ? "created" : "adopted", path, snapshot.generation(), snapshot.live(),
                            snapshot.liveEnvironment().version(), snapshot.actor(), snapshot.reason());
                    return node;
                }
                int version = node.version();
                written = await(Background.call(callback -> client.setData().withVersion(version)
                        .inBackground(callback).forPath(path, data)), "write the routing znode " + path, timeout);
            }
            Code writeCode = Code.get(written.getResultCode());
            if (writeCode == Code.OK) {
                wrote = true;
            } else if (writeCode != Code.NODEEXISTS && writeCode != Code.BADVERSION) {
                throw refused("can't open the routing store: writing " + path + " failed: "
                        + KeeperException.create(writeCode, path).getMessage());
            }
            // Written by us or by another instance opening at the same time: read what is there now.
        }
        throw refused("can't open the routing store: " + path + " kept changing while this instance opened");
    }

    /** Registers the connection listener, the instance and the watch; on the opening thread. */
    private void start() {
        client.getConnectionStateListenable().addListener(connectionListener);
        // Events from now on are heard; the state before them is read once.
        connection.compareAndSet(null, client.getZookeeperClient().isConnected()
                ? ConnectionState.CONNECTED : ConnectionState.SUSPENDED);
        registration.sync();
        try {
            registration.firstWritten().get(operationTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw refused("can't register instance " + instanceId + " at " + registration.path() + " within "
                    + operationTimeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused("can't register instance " + instanceId + ": interrupted");
        }
        warnIfRegisteredByAnotherSession(registration.path());
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll(this::onCacheEvent)
                .forInitialized(fleet::loaded)
                .build(), executor);
        cache.start();
    }

    /**
     * The registration may belong to an older session of this instance that has not expired yet (a quick
     * restart), or to another instance given the same id by mistake; the first heals itself, the second does not.
     */
    private void warnIfRegisteredByAnotherSession(String registrationPath) {
        long session;
        try {
            session = client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return;
        }
        Background.call(callback -> client.checkExists().inBackground(callback).forPath(registrationPath))
                .thenAccept(event -> {
                    if (event.getStat() != null && event.getStat().getEphemeralOwner() != session) {
                        log.warn("instance id {} is registered by another ZooKeeper session (0x{}, this one is 0x{}):"
                                + " a previous run of this instance whose session has not expired yet, or another"
                                + " instance with the same id; give each instance its own id", instanceId,
                                Long.toHexString(event.getStat().getEphemeralOwner()), Long.toHexString(session));
                    }
                });
    }

    /** On this store's thread: the cache saw the routing znode or a registration change. */
    private void onCacheEvent(CuratorCacheListener.Type type, ChildData oldData, ChildData data) {
        if (closed.get()) {
            return;
        }
        ChildData node = type == CuratorCacheListener.Type.NODE_DELETED ? oldData : data;
        if (node == null) {
            return;
        }
        String nodePath = node.getPath();
        if (nodePath.equals(path)) {
            if (type == CuratorCacheListener.Type.NODE_DELETED) {
                stored.updateAndGet(StoredNode::deleted);
                log.warn("the routing znode {} was deleted: this instance keeps serving generation {}; the next"
                        + " change re-creates it", path, current().generation());
            } else {
                onRead(node.getStat(), node.getData());
            }
        } else if (instancesPath.equals(ZKPaths.getPathAndNode(nodePath).getPath())) {
            String id = ZKPaths.getNodeFromPath(nodePath);
            if (type == CuratorCacheListener.Type.NODE_DELETED) {
                fleet.departed(id);
                if (id.equals(instanceId)) {
                    // Deleted by hand, or by the end of an older session of ours: register again.
                    registration.sync();
                }
            } else {
                fleet.reported(id, node.getData());
                if (id.equals(instanceId)) {
                    reportIfBehind(node.getData());
                }
            }
        }
    }

    /**
     * Our registration shows an older generation than we serve: a report was overtaken by an older one (Curator
     * retries writes after a connection loss, not necessarily in order) or the node was re-created with old data.
     */
    private void reportIfBehind(byte[] data) {
        try {
            if (InstanceReport.decode(data).generation() < current().generation()) {
                registration.sync();
            }
        } catch (IllegalArgumentException e) {
            registration.sync();
        }
    }

    /** A read of the routing znode, from the watch or a refresh; any thread. Applies it if newer. */
    private void onRead(Stat stat, byte[] data) {
        StoredNode node = StoredNode.read(stat, data);
        StoredNode before = stored.getAndAccumulate(node, StoredNode::newer);
        boolean newer = node.mzxid() > before.mzxid();
        if (node.snapshot() == null) {
            if (newer && node.problem() != null) {
                log.error("the routing znode {} holds data this version can't read ({}): this instance keeps serving"
                        + " generation {} and refuses changes until the znode holds a valid snapshot", path,
                        node.problem(), current().generation());
            }
            return;
        }
        // Went back: a later write of the znode holds an earlier generation than the write before it.
        if (newer && before.snapshot() != null && node.snapshot().generation() < before.snapshot().generation()) {
            log.warn("the routing znode {} went back to generation {} from {}: ignored, this instance keeps"
                    + " serving generation {}; the next change writes the generation after that over it", path,
                    node.snapshot().generation(), before.snapshot().generation(), current().generation());
        }
        offer(node.snapshot());
    }

    /** Applies {@code snapshot} if it is newer than the one served, and tells the subscribers; any thread. */
    private void offer(RoutingSnapshot snapshot) {
        RoutingSnapshot before = applied.getAndAccumulate(snapshot,
                (current, candidate) -> candidate.generation() > current.generation() ? candidate : current);
        if (snapshot.generation() > before.generation()) {
            publisher.publish(snapshot);
            scheduleReport();
        }
    }

    /** Reads the routing znode now, on the calling thread, bounded by the operation timeout, and applies it. */
    private void refresh() {
        CuratorEvent event = await(Background.call(callback -> client.getData().inBackground(callback)
                .forPath(path)), "read the routing znode after a lost race");
        Code code = Code.get(event.getResultCode());
        if (code == Code.OK) {
            onRead(event.getStat(), event.getData());
        } else if (code == Code.NONODE) {
            stored.updateAndGet(StoredNode::deleted);
        } else {
            throw refused("ZooKeeper did not return the routing znode " + path + ": "
                    + KeeperException.create(code, path).getMessage());
        }
    }

    /** After a reconnection: re-reads the routing znode and reports again, without blocking this store's thread. */
    private void catchUp() {
        Background.call(callback -> client.getData().inBackground(callback).forPath(path))
                .whenCompleteAsync((event, failure) -> {
                    if (failure != null) {
                        log.warn("catching up after reconnecting failed; the watch will deliver the next change",
                                failure);
                    } else if (Code.get(event.getResultCode()) == Code.OK) {
                        onRead(event.getStat(), event.getData());
                    }
                    // The session may be new, and the registration gone with the old one.
                    report();
                }, executor);
    }

    /** Reports the generation served, once for any number of snapshots applied meanwhile. */
    private void scheduleReport() {
        if (!reportPending.compareAndSet(false, true)) {
            return;
        }
        try {
            executor.execute(this::report);
        } catch (RejectedExecutionException e) {
            // Closed: nothing to report to.
        }
    }

    /** On this store's thread: writes the generation served to the registration. */
    private void report() {
        reportPending.set(false);
        if (!closed.get()) {
            registration.report(InstanceReport.of(current(), clock.instant()).encode());
        }
    }

    /** On Curator's connection-state thread: never blocks, hands the work to this store's thread. */
    private void onConnectionState(ConnectionState state) {
        if (closed.get()) {
            return;
        }
        ConnectionState previous = connection.getAndSet(state);
        boolean was = writable(previous);
        boolean now = writable(state);
        RoutingSnapshot serving = current();
        if (was && !now) {
            disconnectedSince = clock.instant();
            disconnections.incrementAndGet();
            log.warn("ZooKeeper connection {} ({} as {}): serving routing generation {} ({} live) and refusing"
                    + " changes until it is back", state, path, instanceId, serving.generation(), serving.live());
        } else if (state == ConnectionState.LOST && previous != ConnectionState.LOST) {
            log.warn("ZooKeeper session lost ({} as {}): still serving generation {}; the instance registers again"
                    + " when the connection is back", path, instanceId, serving.generation());
        } else if (!was && now) {
            Instant since = disconnectedSince;
            disconnectedSince = null;
            log.info("ZooKeeper connection {} ({} as {}){}: catching up from generation {}", state, path, instanceId,
                    since != null ? " after " + Duration.between(since, clock.instant()).toMillis() + " ms" : "",
                    serving.generation());
            try {
                executor.execute(this::catchUp);
            } catch (RejectedExecutionException e) {
                // Closed meanwhile.
            }
        }
        try {
            executor.execute(fleet::checkWaiters);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    private CuratorEvent await(CompletableFuture<CuratorEvent> operation, String what) {
        return await(operation, what, operationTimeout);
    }

    private static CuratorEvent await(CompletableFuture<CuratorEvent> operation, String what, Duration timeout) {
        try {
            return operation.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw refused("ZooKeeper unreachable: it did not answer within " + timeout.toMillis() + " ms (" + what
                    + "; if that was a write, it may still be applied, and this instance follows whatever is)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw refused("interrupted while waiting for ZooKeeper to " + what);
        } catch (ExecutionException e) {
            throw new ChangeRefusedException(Refusal.STORE_REJECTED, "ZooKeeper could not " + what + ": "
                    + e.getCause(), e.getCause());
        }
    }

    private static boolean writable(ConnectionState state) {
        return state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED;
    }

    private static ChangeRefusedException refused(String message) {
        return new ChangeRefusedException(Refusal.STORE_REJECTED, message);
    }

    /**
     * Configures a {@link Factory}. Each option may be set once and is validated when set.
     *
     * <p>Not thread-safe: use from one thread.
     */
    public static final class Builder {

        private final CuratorFramework client;
        private final String path;
        private String instanceId;
        private Duration operationTimeout;
        private Duration departedRetention;
        private Clock clock;

        private Builder(CuratorFramework client, String path) {
            this.client = requireNonNull(client, "client");
            requireNonNull(path, "path");
            String problem = null;
            try {
                PathUtils.validatePath(path);
            } catch (IllegalArgumentException e) {
                problem = "; " + e.getMessage();
            }
            if (problem != null || path.equals("/")) {
                throw new IllegalArgumentException("path: '" + path.replaceAll("\\p{Cntrl}", "?")
                        + "' (expected: a znode below the root, such as /bluegreen/shop"
                        + (problem != null ? problem : "") + ")");
            }
            this.path = path;
        }

        /**
         * This instance's id in the fleet: its registration's name and what the fleet view shows. Required.
         *
         * @param instanceId 1 to {@value #MAX_INSTANCE_ID_LENGTH} printable ASCII characters without {@code '/'}
         *        and other than {@code "."} and {@code ".."}, unique in the fleet, stable across restarts (such as
         *        a host name, or host and port)
         * @return this builder
         * @throws NullPointerException if {@code instanceId} is {@code null}
         * @throws IllegalArgumentException if it is invalid
         * @throws IllegalStateException if it was already set
         */
        public Builder instanceId(String instanceId) {
            requireNonNull(instanceId, "instanceId");
            checkUnset(this.instanceId, "instanceId");
            this.instanceId = validInstanceId(instanceId);
            return this;
        }

        /**
         * How long one ZooKeeper operation may take before the store gives up on it: a change is then refused,
         * and opening fails. Default: 5 s. Keep it below the session timeout.
         *
         * @param timeout positive, at most 10 minutes
         * @return this builder
         * @throws NullPointerException if {@code timeout} is {@code null}
         * @throws IllegalArgumentException if it is out of range
         * @throws IllegalStateException if it was already set
         */
        public Builder operationTimeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            checkUnset(this.operationTimeout, "operationTimeout");
            if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMinutes(10)) > 0) {
                throw new IllegalArgumentException("operationTimeout: " + timeout + " (expected: > 0 and <= 10 min)");
            }
            this.operationTimeout = timeout;
            return this;
        }

        /**
         * How long the fleet view keeps showing an instance whose registration went away (stopped, crashed or cut
         * off from ZooKeeper), marked unreachable. Default: 10 minutes.
         *
         * @param retention zero or positive
         * @return this builder
         * @throws NullPointerException if {@code retention} is {@code null}
         * @throws IllegalArgumentException if it is negative
         * @throws IllegalStateException if it was already set
         */
        public Builder departedRetention(Duration retention) {
            requireNonNull(retention, "retention");
            checkUnset(this.departedRetention, "departedRetention");
            if (retention.isNegative()) {
                throw new IllegalArgumentException("departedRetention: " + retention + " (expected: >= 0)");
            }
            this.departedRetention = retention;
            return this;
        }

        /**
         * The clock that stamps reports and fleet views. Default: {@link Clock#systemUTC()}.
         *
         * @param clock the clock
         * @return this builder
         * @throws NullPointerException if {@code clock} is {@code null}
         * @throws IllegalStateException if it was already set
         */
        public Builder clock(Clock clock) {
            requireNonNull(clock, "clock");
            checkUnset(this.clock, "clock");
            this.clock = clock;
            return this;
        }

        /**
         * The factory to pass to {@link dev.bluegreen.core.BlueGreen.Builder#store}.
         *
         * @return the factory
         * @throws IllegalStateException if no instance id was set
         */
        public Factory build() {
            if (instanceId == null) {
                throw new IllegalStateException("instanceId was not set (expected: an id unique in the fleet)");
            }
            return new Factory(this);
        }

        private static String validInstanceId(String id) {
            boolean valid = !id.isEmpty() && id.length() <= MAX_INSTANCE_ID_LENGTH && !id.equals(".")
                    && !id.equals("..") && id.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/');
            if (!valid) {
                throw new IllegalArgumentException("instanceId: '" + id.replaceAll("\\p{Cntrl}", "?")
                        + "' (expected: 1-" + MAX_INSTANCE_ID_LENGTH + " printable ASCII characters without '/'"
                        + " or spaces, not '.' or '..')");
            }
            return id;
        }

        private static void checkUnset(Object current, String option) {
            if (current != null) {
                throw new IllegalStateException(option + " was already set to " + current);
            }
        }
    }

    /**
     * Opens {@link ZooKeeperRoutingStore}s for {@link dev.bluegreen.core.BlueGreen.Builder#store}, and remembers the
     * last one opened, for its health and metrics.
     *
     * <p>Immutable settings; thread-safe.
     */
    public static final class Factory implements RoutingStoreFactory {

        private final CuratorFramework client;
        private final String path;
        private final String instanceId;
        private final Duration operationTimeout;
        private final Duration departedRetention;
        private final Clock clock;
        private final AtomicReference<ZooKeeperRoutingStore> lastOpened = new AtomicReference<>();

        private Factory(Builder builder) {
            this.client = builder.client;
            this.path = builder.path;
            this.instanceId = builder.instanceId;
            this.operationTimeout = builder.operationTimeout != null ? builder.operationTimeout
                    : DEFAULT_OPERATION_TIMEOUT;
            this.departedRetention = builder.departedRetention != null ? builder.departedRetention
                    : DEFAULT_DEPARTED_RETENTION;
            this.clock = builder.clock != null ? builder.clock : Clock.systemUTC();
        }

        /**
         * Opens the store: waits for the client to connect, creates the routing znode with
         * {@code initialIfAbsent} if there is none (else adopts the stored snapshot and ignores this one), registers
         * this instance and starts watching. Blocks the calling thread, each step at most the operation timeout.
         *
         * @param initialIfAbsent the snapshot to start the fleet from if the znode does not exist
         * @return the open store
         * @throws NullPointerException if {@code initialIfAbsent} is {@code null}
         * @throws IllegalStateException if the Curator client is not started
         * @throws ChangeRefusedException with {@link Refusal#STORE_REJECTED} if ZooKeeper is unreachable, refuses,
         *         or holds data this version can't read at the path
         */
        @Override
        public ZooKeeperRoutingStore open(RoutingSnapshot initialIfAbsent) {
            ZooKeeperRoutingStore store = ZooKeeperRoutingStore.open(this, initialIfAbsent);
            lastOpened.set(store);
            return store;
        }

        /**
         * The store this factory opened last.
         *
         * @return the store, or empty before the {@link dev.bluegreen.core.BlueGreen} is built
         */
        public Optional<ZooKeeperRoutingStore> store() {
            return Optional.ofNullable(lastOpened.get());
        }

        /**
         * The routing znode.
         *
         * @return its path
         */
        public String path() {
            return path;
        }

        /**
         * The instance id stores opened by this factory register as.
         *
         * @return the id
         */
        public String instanceId() {
            return instanceId;
        }

        @Override
        public String toString() {
            return "ZooKeeperRoutingStore.Factory[" + path + " as " + instanceId + "]";
        }
    }
}
