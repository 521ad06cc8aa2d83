package dev.bluegreen.zookeeper.internal;

import static dev.bluegreen.zookeeper.internal.Background.rejected;
import static java.util.Objects.requireNonNull;

import dev.bluegreen.core.RoutingSnapshot;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEvent;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance's ephemeral registration znode, kept holding the latest report: written with {@code setData}, and
 * created (with persistent parents) when it is missing because the instance just started, its session expired, or
 * someone deleted it.
 *
 * <p>Level-triggered: {@link #sync()} writes whatever the latest report is; {@link #reportServing()} makes the
 * generation served now the latest report, and the store calls it after each applied snapshot and after each
 * reconnection, and {@link #sync()} whenever its watch shows the registration missing or behind. At
 * most one write is in flight; a sync requested meanwhile runs after it, so this instance's writes reach
 * ZooKeeper in order. Nothing here blocks the store's thread: Curator answers on its event thread and the
 * follow-up runs back on the store's thread.
 *
 * <p>Parents are created persistent, not as containers: the registrations' parent lives under the routing znode,
 * and a container there would be removed by ZooKeeper when the last instance leaves.
 *
 * <p>Thread-safe: {@link #report} and {@link #sync} from any thread; the rest of the state is confined to the
 * store's thread.
 */
public final class Registration {

    private static final Logger log = LoggerFactory.getLogger(Registration.class);

    private final CuratorFramework client;
    private final String path;
    private final String instanceId;
    private final Executor storeThread;
    private final Supplier<RoutingSnapshot> serving;
    private final Clock clock;
    private final CompletableFuture<Void> firstWritten = new CompletableFuture<>();
    private final AtomicBoolean reportPending = new AtomicBoolean();
    private volatile byte[] latest;
    private volatile boolean closed;
    // Confined to the store's thread.
    private boolean inFlight;
    private boolean again;

    /**
     * A registration, not yet written.
     *
     * @param client the Curator client
     * @param path the registration znode
     * @param instanceId the instance's id, for messages
     * @param storeThread the store's one thread
     * @param serving the snapshot the instance serves, read for each report after the first
     * @param clock stamps the reports
     * @param initial the snapshot of the first report
     */
    public Registration(CuratorFramework client, String path, String instanceId, Executor storeThread,
                        Supplier<RoutingSnapshot> serving, Clock clock, RoutingSnapshot initial) {
        this.client = requireNonNull(client, "client");
        this.path = requireNonNull(path, "path");
        this.instanceId = requireNonNull(instanceId, "instanceId");
        this.storeThread = requireNonNull(storeThread, "storeThread");
        this.serving = requireNonNull(serving, "serving");
        this.clock = requireNonNull(clock, "clock");
        this.latest = InstanceReport.of(initial, clock.instant()).encode();
    }

    /**
     * Writes the first report and waits for it, at most {@code timeout}; then warns if the registration belongs
     * to another ZooKeeper session. On the opening thread.
     *
     * @param timeout how long to wait
     * @throws dev.bluegreen.core.ChangeRefusedException with {@code STORE_REJECTED} if it was not written in time
     */
    public void register(Duration timeout) {
        sync();
        try {
            firstWritten.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            throw rejected("can't register instance " + instanceId + " at " + path + " within "
                    + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw rejected("can't register instance " + instanceId + ": interrupted");
        }
        warnIfOwnedByAnotherSession();
    }

    /**
     * Reports the generation served now, once for any number of snapshots applied meanwhile; on the store's
     * thread. Any thread may call it; it never blocks.
     */
    public void reportServing() {
        if (!reportPending.compareAndSet(false, true)) {
            return;
        }
        try {
            storeThread.execute(() -> {
                reportPending.set(false);
                if (!closed) {
                    report(InstanceReport.of(serving.get(), clock.instant()).encode());
                }
            });
        } catch (RejectedExecutionException e) {
            // Closed: nothing to report to.
        }
    }

    /**
     * The watch saw this registration's content: writes it again if it shows an older generation than the one
     * served (a report was overtaken by an older one, since Curator retries writes after a connection loss, not
     * necessarily in order, or the node was re-created with old data) or can't be read.
     *
     * @param data the registration's content
     */
    public void reportIfBehind(byte[] data) {
        try {
            if (InstanceReport.decode(data).generation() < serving.get().generation()) {
                sync();
            }
        } catch (IllegalArgumentException e) {
            sync();
        }
    }

    /**
     * The registration znode.
     *
     * @return its path
     */
    public String path() {
        return path;
    }

    /** Makes {@code report} the latest report and writes it. */
    private void report(byte[] report) {
        latest = requireNonNull(report, "report");
        sync();
    }

    /** Writes the latest report, creating the znode if it is missing. */
    public void sync() {
        if (closed) {
            return;
        }
        try {
            storeThread.execute(this::syncNow);
        } catch (RejectedExecutionException e) {
            // The store is closing.
        }
    }

    /**
     * Stops writing and, if connected, deletes the znode, waiting at most {@code timeout} for ZooKeeper. Failures
     * are logged: the znode goes anyway when the session ends.
     *
     * @param connected whether the client is connected now; if not, the znode is left to the session's end
     * @param timeout how long to wait
     */
    public void close(boolean connected, Duration timeout) {
        closed = true;
        if (!connected) {
            return;
        }
        CompletableFuture<CuratorEvent> deleted = Background.call(callback -> client.delete().inBackground(callback)
                .forPath(path));
        try {
            deleted.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            log.warn("removing the registration {} took over {} ms; it goes when the ZooKeeper session ends", path,
                    timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            log.warn("could not remove the registration {} ({}); it goes when the ZooKeeper session ends", path,
                    e.getCause().toString());
        }
    }

    /**
     * The registration may belong to an older session of this instance that has not expired yet (a quick
     * restart), or to another instance given the same id by mistake; the first heals itself, the second does not.
     */
    private void warnIfOwnedByAnotherSession() {
        long session;
        try {
            session = client.getZookeeperClient().getZooKeeper().getSessionId();
        } catch (Exception e) {
            return;
        }
        Background.call(callback -> client.checkExists().inBackground(callback).forPath(path))
                .thenAccept(event -> {
                    if (event.getStat() != null && event.getStat().getEphemeralOwner() != session) {
                        log.warn("instance id {} is registered by another ZooKeeper session (0x{}, this one is 0x{}):"
                                + " a previous run of this instance whose session has not expired yet, or another"
                                + " instance with the same id; give each instance its own id", instanceId,
                                Long.toHexString(event.getStat().getEphemeralOwner()), Long.toHexString(session));
                    }
                });
    }

    private void syncNow() {
        if (closed) {
            return;
        }
        if (inFlight) {
            again = true;
            return;
        }
        inFlight = true;
        again = false;
        byte[] data = latest;
        Background.call(callback -> client.setData().inBackground(callback).forPath(path, data))
                .whenCompleteAsync((event, failure) -> {
                    if (failure == null && Code.get(event.getResultCode()) == Code.NONODE) {
                        create(data);
                    } else {
                        done(failure == null ? Code.get(event.getResultCode()) : null, failure);
                    }
                }, storeThread);
    }

    private void create(byte[] data) {
        Background.call(callback -> client.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL)
                        .inBackground(callback).forPath(path, data))
                .whenCompleteAsync((event, failure) -> {
                    Code code = failure == null ? Code.get(event.getResultCode()) : null;
                    if (code == Code.NODEEXISTS) {
                        // Created meanwhile (by a retry of ours, or by a session of ours that has not ended yet).
                        again = true;
                    }
                    done(code, failure);
                }, storeThread);
    }

    private void done(Code code, Throwable failure) {
        inFlight = false;
        if (code == Code.OK) {
            firstWritten.complete(null);
        } else if (code != Code.NODEEXISTS) {
            // Connection trouble, mostly: the store syncs again when the connection is back.
            log.debug("writing the registration {} failed: {}", path, failure != null ? failure : code);
        }
        if (again) {
            syncNow();
        }
    }
}
