package dev.bluegreen.zookeeper;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.AuditTrail;
import dev.bluegreen.core.ChangeRefusedException;
import dev.bluegreen.core.ChangeRefusedException.Refusal;
import dev.bluegreen.core.Fleet;
import dev.bluegreen.core.RoutingSnapshot;
import dev.bluegreen.core.RoutingStore;
import dev.bluegreen.core.RoutingStoreFactory;
import dev.bluegreen.zookeeper.internal.Background;
import dev.bluegreen.zookeeper.internal.Bootstrap;
import dev.bluegreen.zookeeper.internal.CacheFollower;
import dev.bluegreen.zookeeper.internal.ConnectionWatch;
import dev.bluegreen.zookeeper.internal.FleetHistory;
import dev.bluegreen.zookeeper.internal.FleetTracker;
import dev.bluegreen.zookeeper.internal.Registration;
import dev.bluegreen.zookeeper.internal.RoutingPath;
import dev.bluegreen.zookeeper.internal.RoutingWatch;
import dev.bluegreen.zookeeper.internal.ServedState;
import dev.bluegreen.zookeeper.internal.SnapshotWriter;
import dev.bluegreen.zookeeper.internal.StoredNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.utils.ZKPaths;

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
 * {@code path/instances/<instanceId>} holding the generation it serves. The fleet's audit trail is kept under
 * {@code path/history}: one sequential znode per change, holding the instance that made it and the snapshots before
 * and after (so who asked and why), the last {@link Builder#historySize(int)} of them.
 *
 * <p><b>Changes.</b> {@link #compareAndSet} writes the new snapshot with {@code setData().withVersion(v)}, where
 * {@code v} is the znode version of the snapshot the change was computed from: of two instances changing the
 * state at once, ZooKeeper lets exactly one write, and the other is told the state moved on and recomputes (or
 * is refused with {@code STALE_GENERATION} if its caller named a generation). Generations therefore form one
 * sequence across the fleet. The change's entry in the audit trail is created in the same ZooKeeper transaction, so
 * the trail records every change, or the change did not happen. The writer applies its own change at once; the
 * others learn of it from their watch.
 *
 * <p><b>Following.</b> Every instance keeps a persistent watch on the znode and, on each change, reads it and
 * applies the snapshot if it is newer than the one it serves, never an older one; generations that were replaced
 * before an instance read them are skipped. The snapshot is served as soon as the read returns, on the ZooKeeper
 * client's event thread (one notification and one round trip after the write); subscribers hear applied snapshots
 * afterwards, in generation order, one at a time, on this store's thread. After applying, the instance writes the
 * generation to its registration, which the {@link #fleet() fleet view} of every instance shows; the registrations
 * and the audit trail are followed with {@code CuratorCache}s. {@link dev.bluegreen.core.BlueGreen#history()} reads
 * the trail ({@link #auditTrail()}): {@code /history} on any instance shows the fleet's changes.
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

    /** The name of the child znode under which the fleet's audit trail is kept, one sequential znode per change. */
    public static final String HISTORY = "history";

    /** The default {@link Builder#historySize(int)}. */
    public static final int DEFAULT_HISTORY_SIZE = 100;

    /** The default {@link Builder#operationTimeout(Duration)}. */
    public static final Duration DEFAULT_OPERATION_TIMEOUT = Duration.ofSeconds(5);

    /** The default {@link Builder#departedRetention(Duration)}. */
    public static final Duration DEFAULT_DEPARTED_RETENTION = Duration.ofMinutes(10);

    /** The longest instance id. */
    public static final int MAX_INSTANCE_ID_LENGTH = ZooKeeperStoreOptions.MAX_INSTANCE_ID_LENGTH;

    private final CuratorFramework client;
    private final String path;
    private final String instanceId;
    private final Duration operationTimeout;
    private final ScheduledThreadPoolExecutor executor;
    private final AtomicBoolean closed = new AtomicBoolean();
    // The jobs of the store, each in its own class: what is served, the connection, the write, the registration
    // and the fleet view, and the watch that follows the znode.
    private final ServedState served;
    private final ConnectionWatch connection;
    private final SnapshotWriter writer;
    private final Registration registration;
    private final FleetTracker fleet;
    private final FleetHistory history;
    private final RoutingWatch routing;
    private final CacheFollower follower;

    private ZooKeeperRoutingStore(Factory settings, StoredNode adopted) {
        this.client = settings.client;
        this.path = settings.path;
        this.instanceId = settings.instanceId;
        this.operationTimeout = settings.operationTimeout;
        Clock clock = settings.clock;
        String instancesPath = ZKPaths.makePath(path, INSTANCES);
        String historyPath = ZKPaths.makePath(path, HISTORY);
        this.executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "bluegreen-zk-" + instanceId);
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        // The registration reports what is served (read when it reports), and hears when that moves on.
        this.registration = new Registration(client, ZKPaths.makePath(instancesPath, instanceId), instanceId,
                executor, this::current, clock, adopted.snapshot());
        this.served = new ServedState(path, adopted, executor, registration::reportServing);
        this.fleet = new FleetTracker(instanceId, clock, executor, this::isConnected, settings.departedRetention);
        this.history = new FleetHistory(settings.historySize);
        this.routing = new RoutingWatch(client, path, served);
        this.follower = new CacheFollower(client, instancesPath, historyPath, instanceId, executor, fleet, history,
                registration);
        this.connection = new ConnectionWatch(path, instanceId, clock, executor, served::current,
                this::catchUp, fleet::checkWaiters);
        this.writer = new SnapshotWriter(client, path, operationTimeout, historyPath, instanceId, served, connection,
                history, follower::prune);
    }

    /**
     * A builder of store factories for the znode at {@code path}.
     *
     * @param client a started Curator client; the caller keeps owning it (and closes it after the store)
     * @param path the routing znode, such as {@code /bluegreen/shop}; not the root, and not in ZooKeeper's reserved
     *        {@code /zookeeper} subtree as it lies on the server (below the connect string's chroot and the client's
     *        namespace, so that with the chroot {@code host:2181/app} the path {@code /zookeeper} is an ordinary one);
     *        nor in another fleet's {@code instances} or {@code history} znode, which opening the store refuses
     * @return a new builder
     * @throws NullPointerException if an argument is {@code null}
     * @throws IllegalArgumentException if {@code path} is not a valid ZooKeeper path below the root, or lies in
     *         {@code /zookeeper} on the server
     */
    public static Builder builder(CuratorFramework client, String path) {
        return new Builder(client, path);
    }

    /**
     * A store factory with the default options; the same as
     * {@code builder(client, path).instanceId(instanceId).build()}.
     *
     * @param client a started Curator client
     * @param path the routing znode, as for {@link #builder}
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
        return served.current();
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
            throw Background.rejected("the routing store is closed");
        }
        return writer.compareAndSet(expected, next);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Deliveries come from this store's thread for changes made by other instances, and from the writer's
     * thread for this instance's own changes.
     */
    @Override
    public void subscribe(Consumer<RoutingSnapshot> subscriber) {
        served.subscribe(requireNonNull(subscriber, "subscriber"));
    }

    /**
     * The changes the whole fleet made, as recorded under {@code path/history}: each with the instance that made it
     * ({@link dev.bluegreen.core.Change#instance()}), who asked and why, at most {@link Builder#historySize(int)} of
     * them. {@link dev.bluegreen.core.BlueGreen#history()} reads it, so {@code /history} on any instance shows the
     * fleet's changes. The refused attempts in it are this instance's own.
     *
     * @return the fleet's audit trail, always present
     */
    @Override
    public Optional<AuditTrail> auditTrail() {
        return Optional.of(history);
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
        return connection.isWritable();
    }

    /**
     * The state of the Curator connection as this store last heard it.
     *
     * @return the connection state
     */
    public ConnectionState connectionState() {
        return connection.state();
    }

    /**
     * Since when this instance has been disconnected, if it is.
     *
     * @return when the connection was suspended, or empty if it is connected
     */
    public Optional<Instant> disconnectedSince() {
        return connection.disconnectedSince();
    }

    /**
     * How many times the connection went from connected to suspended or lost since the store opened.
     *
     * @return the count
     */
    public long disconnections() {
        return connection.disconnections();
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
        connection.close(client);
        routing.close();
        follower.close();
        fleet.close();
        served.clearSubscribers();
        registration.close(isConnected(), operationTimeout);
        executor.shutdownNow();
    }

    @Override
    public String toString() {
        return "ZooKeeperRoutingStore[" + path + " as " + instanceId + ", generation " + current().generation()
                + ", " + connectionState() + "]";
    }

    /** Registers the connection listener, the instance and the watches; on the opening thread. */
    private void start() {
        connection.start(client);
        registration.register(operationTimeout);
        routing.start();
        follower.start();
    }

    /** After a reconnection, on this store's thread: a change may have been missed, the registration lost. */
    private void catchUp() {
        routing.read();
        registration.reportServing();
    }

    /**
     * Configures a {@link Factory}. Each option may be set once and is validated when set; the options and their
     * defaults are described with each method.
     *
     * <p>Not thread-safe: use from one thread.
     */
    public static final class Builder extends ZooKeeperStoreOptions {

        private Builder(CuratorFramework client, String path) {
            super(client, path);
        }

        @Override
        Builder self() {
            return this;
        }

        /**
         * The factory to pass to {@link dev.bluegreen.core.BlueGreen.Builder#store}.
         *
         * @return the factory
         * @throws IllegalStateException if no instance id was set
         */
        public Factory build() {
            return new Factory(this);
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
        private final int historySize;
        private final Clock clock;
        private final AtomicReference<ZooKeeperRoutingStore> lastOpened = new AtomicReference<>();

        private Factory(Builder builder) {
            this.client = builder.client;
            this.path = builder.path;
            this.instanceId = builder.requiredInstanceId();
            this.operationTimeout = builder.resolvedOperationTimeout();
            this.departedRetention = builder.resolvedDepartedRetention();
            this.historySize = builder.resolvedHistorySize();
            this.clock = builder.resolvedClock();
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
         *         or holds data this version can't read at the path; or if the path lies in another fleet's
         *         {@code instances} or {@code history} znode (one below a znode that holds a routing snapshot)
         */
        @Override
        public ZooKeeperRoutingStore open(RoutingSnapshot initialIfAbsent) {
            requireNonNull(initialIfAbsent, "initialIfAbsent");
            Bootstrap.awaitConnected(client, path, operationTimeout);
            RoutingPath.requireOutsideOtherFleets(client, path, operationTimeout, INSTANCES, HISTORY);
            StoredNode adopted = Bootstrap.createOrAdopt(client, path, operationTimeout, initialIfAbsent);
            Bootstrap.ensureExists(client, ZKPaths.makePath(path, HISTORY), operationTimeout);
            ZooKeeperRoutingStore store = new ZooKeeperRoutingStore(this, adopted);
            try {
                store.start();
            } catch (RuntimeException | Error e) {
                store.close();
                throw e;
            }
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
