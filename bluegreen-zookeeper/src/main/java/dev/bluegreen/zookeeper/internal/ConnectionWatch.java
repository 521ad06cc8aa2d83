package dev.bluegreen.zookeeper.internal;

import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.RoutingSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's view of its Curator connection: whether it may write (connected or reconnected), since when it
 * has been cut off, how often. Logs each loss and return, and after a return has the store catch up.
 *
 * <p>Thread-safe. Curator calls it on its connection-state thread; it never blocks there and hands the follow-up
 * work to the store's thread.
 */
public final class ConnectionWatch {

    private static final Logger log = LoggerFactory.getLogger(ConnectionWatch.class);

    private final String path;
    private final String instanceId;
    private final Clock clock;
    private final Executor storeThread;
    private final Supplier<RoutingSnapshot> serving;
    private final Runnable onReconnected;
    private final Runnable onAnyChange;
    /** {@code null} until the store has looked at the connection once after registering its listener. */
    private final AtomicReference<ConnectionState> connection = new AtomicReference<>();
    private final AtomicLong disconnections = new AtomicLong();
    private final ConnectionStateListener listener = (ignored, state) -> onConnectionState(state);
    private volatile Instant disconnectedSince;
    private volatile boolean closed;

    /**
     * A watch, not yet listening.
     *
     * @param path the routing znode, for the log
     * @param instanceId this instance's id, for the log
     * @param clock stamps the disconnections
     * @param storeThread the store's one thread, where follow-up work runs
     * @param serving the snapshot this instance serves, for the log
     * @param onReconnected run on the store's thread after the connection came back
     * @param onAnyChange run on the store's thread after every change of state
     */
    public ConnectionWatch(String path, String instanceId, Clock clock, Executor storeThread,
                           Supplier<RoutingSnapshot> serving, Runnable onReconnected, Runnable onAnyChange) {
        this.path = requireNonNull(path, "path");
        this.instanceId = requireNonNull(instanceId, "instanceId");
        this.clock = requireNonNull(clock, "clock");
        this.storeThread = requireNonNull(storeThread, "storeThread");
        this.serving = requireNonNull(serving, "serving");
        this.onReconnected = requireNonNull(onReconnected, "onReconnected");
        this.onAnyChange = requireNonNull(onAnyChange, "onAnyChange");
    }

    /**
     * Starts listening, then reads the state once: events from now on are heard, the state before them is read.
     *
     * @param client the Curator client
     */
    public void start(CuratorFramework client) {
        client.getConnectionStateListenable().addListener(listener);
        connection.compareAndSet(null, client.getZookeeperClient().isConnected()
                ? ConnectionState.CONNECTED : ConnectionState.SUSPENDED);
    }

    /**
     * Stops listening.
     *
     * @param client the Curator client
     */
    public void close(CuratorFramework client) {
        closed = true;
        client.getConnectionStateListenable().removeListener(listener);
    }

    /**
     * Whether this instance may write now.
     *
     * @return {@code true} if the connection is {@code CONNECTED} or {@code RECONNECTED}
     */
    public boolean isWritable() {
        return writable(connection.get());
    }

    /**
     * The state as last heard.
     *
     * @return the state; {@code CONNECTED} before the first look
     */
    public ConnectionState state() {
        ConnectionState state = connection.get();
        return state != null ? state : ConnectionState.CONNECTED;
    }

    /**
     * Since when this instance has been cut off.
     *
     * @return when the connection was suspended or lost, or empty if it is connected
     */
    public Optional<Instant> disconnectedSince() {
        return Optional.ofNullable(disconnectedSince);
    }

    /**
     * How many times the connection went from connected to suspended or lost.
     *
     * @return the count
     */
    public long disconnections() {
        return disconnections.get();
    }

    /**
     * Why a change is refused while the connection is down, in words.
     *
     * @param generation the generation this instance keeps serving
     * @return the message
     */
    public String unreachable(long generation) {
        Instant since = disconnectedSince;
        return "ZooKeeper unreachable (connection " + connection.get() + (since != null ? " since " + since : "")
                + "): this instance keeps serving generation " + generation + " and takes changes again once it"
                + " reconnects";
    }

    private void onConnectionState(ConnectionState state) {
        if (closed) {
            return;
        }
        ConnectionState previous = connection.getAndSet(state);
        boolean was = writable(previous);
        boolean now = writable(state);
        RoutingSnapshot snapshot = serving.get();
        if (was && !now) {
            disconnectedSince = clock.instant();
            disconnections.incrementAndGet();
            log.warn("ZooKeeper connection {} ({} as {}): serving routing generation {} ({} live) and refusing"
                    + " changes until it is back", state, path, instanceId, snapshot.generation(), snapshot.live());
        } else if (state == ConnectionState.LOST && previous != ConnectionState.LOST) {
            log.warn("ZooKeeper session lost ({} as {}): still serving generation {}; the instance registers again"
                    + " when the connection is back", path, instanceId, snapshot.generation());
        } else if (!was && now) {
            Instant since = disconnectedSince;
            disconnectedSince = null;
            log.info("ZooKeeper connection {} ({} as {}){}: catching up from generation {}", state, path, instanceId,
                    since != null ? " after " + Duration.between(since, clock.instant()).toMillis() + " ms" : "",
                    snapshot.generation());
            runOnStoreThread(onReconnected);
        }
        runOnStoreThread(onAnyChange);
    }

    private void runOnStoreThread(Runnable task) {
        try {
            storeThread.execute(task);
        } catch (RejectedExecutionException e) {
            // Closed meanwhile.
        }
    }

    private static boolean writable(ConnectionState state) {
        return state == ConnectionState.CONNECTED || state == ConnectionState.RECONNECTED;
    }
}
